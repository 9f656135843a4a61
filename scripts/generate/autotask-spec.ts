// The Autotask REST description as the connector uses it: shared/specs/autotask/swagger-v1.json (the
// vendor's own Swagger 2.0 export, 3.8 MB, 1,421 paths) pruned to the paths the connector calls, with the
// spec's loose spots normalised, converted to OpenAPI 3.0 by swagger2openapi. The type generator
// (autotask-types.ts) and the contract test (test/contracts/autotask-spec.test.ts) both start here, so the
// types and the checks cannot disagree about what the vendor's description says.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

type Json = Record<string, unknown>;

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * shared/ sits next to the project on a clean clone (../shared); a worktree one level further down finds it
 * by walking up. LIFECYCLE_SHARED_DIR overrides both.
 */
export function sharedDir(): string {
  const fromEnv = process.env.LIFECYCLE_SHARED_DIR;
  if (fromEnv) return fromEnv;
  for (let dir = projectRoot; ; dir = dirname(dir)) {
    const candidate = join(dirname(dir), "shared");
    if (existsSync(join(candidate, "specs"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`no shared/specs next to ${projectRoot} or above it`);
  }
}

export const specPath = (): string => join(sharedDir(), "specs", "autotask", "swagger-v1.json");

/** The operations the connector calls (paths as the spec spells them). */
export const usedOperations: Record<string, readonly string[]> = {
  "/V1.0/ZoneInformation": ["get"],
  "/V1.0/ThresholdInformation": ["get"],
  "/V1.0/Contacts/query": ["get", "post"],
  "/V1.0/Companies/{parentId}/Contacts": ["post", "patch"],
  "/V1.0/Tickets": ["post", "patch"],
  "/V1.0/Tickets/query": ["get", "post"],
  "/V1.0/Tickets/{parentId}/Notes": ["post"],
  "/V1.0/TicketNotes/query": ["get", "post"],
  "/V1.0/Tickets/entityInformation/fields": ["get"],
  "/V1.0/TicketNotes/entityInformation/fields": ["get"],
};

/** The properties the connector reads or writes, per definition (the spec's own PascalCase names). */
export const usedProperties: Record<string, readonly string[]> = {
  QueryModel: ["MaxRecords", "IncludeFields", "Filter"],
  Filter: ["op", "field", "udf", "value", "items"],
  ContactModel: [
    "Id",
    "CompanyID",
    "CompanyLocationID",
    "EmailAddress",
    "FirstName",
    "LastName",
    "IsActive",
    "Title",
    "Phone",
  ],
  TicketModel: [
    "Id",
    "TicketNumber",
    "Title",
    "Description",
    "Status",
    "Priority",
    "QueueID",
    "CompanyID",
    "CompanyLocationID",
    "ContactID",
    "ExternalID",
    "TicketType",
  ],
  TicketNoteModel: ["Id", "TicketID", "Title", "Description", "NoteType", "Publish"],
  ZoneInformationResultModel: ["ZoneName", "Url", "WebUrl", "CI"],
  FieldInformationResultModel: ["Fields"],
  FieldInformationModel: ["Name", "IsPickList", "PicklistValues"],
  PickListValue: ["Value", "Label", "IsActive"],
  ThresholdStatusResultModel: [
    "ExternalRequestThreshold",
    "RequestThresholdTimeframe",
    "CurrentTimeframeRequestCount",
  ],
};

/** Which model each query path lists (the spec declares the bare model as the query's answer). */
const queryModels: Record<string, string> = {
  "/V1.0/Contacts/query": "ContactModel",
  "/V1.0/Tickets/query": "TicketModel",
  "/V1.0/TicketNotes/query": "TicketNoteModel",
};

export function loadSpec(path = specPath()): Json {
  return JSON.parse(readFileSync(path, "utf8")) as Json;
}

/**
 * The wire's camelCase for the spec's PascalCase: the live API answers `id`, `companyID`, `isActive`,
 * `zoneName`, `ci` (reference §3 quotes `{"zoneName","url","webUrl","ci"}`) and reads names in any case.
 */
export function wireName(name: string): string {
  const caps = /^[A-Z]+/.exec(name)?.[0] ?? "";
  if (caps.length === 0) return name;
  if (caps.length === name.length) return name.toLowerCase();
  const keep = caps.length > 1 && /[a-z]/.test(name[caps.length] ?? "") ? caps.length - 1 : caps.length;
  return name.slice(0, keep).toLowerCase() + name.slice(keep);
}

function refsIn(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (typeof value === "object" && value !== null)
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.add(v.replace("#/definitions/", ""));
      else refsIn(v, out);
    }
}

/**
 * Only the used paths and operations, and the definitions they reach. With `properties: "used"` each
 * model keeps only the properties the connector touches (for the types); with "all" it keeps every one
 * (for the contract test, which must know every name the vendor has).
 */
export function prune(spec: Json, opts: { properties: "used" | "all" }): Json {
  const allPaths = spec.paths as Record<string, Json>;
  const allDefinitions = spec.definitions as Record<string, Json>;
  const paths: Record<string, Json> = {};
  for (const [path, methods] of Object.entries(usedOperations)) {
    const item = allPaths[path];
    if (!item) throw new Error(`the Autotask spec has no path ${path}`);
    paths[path] = Object.fromEntries(
      methods.map((m) => {
        if (!item[m]) throw new Error(`the Autotask spec has no ${m.toUpperCase()} ${path}`);
        return [m, item[m]];
      }),
    );
  }
  const definitions: Record<string, Json> = {};
  const pending = new Set<string>();
  refsIn(paths, pending);
  while (pending.size) {
    const [name] = pending;
    pending.delete(name!);
    if (definitions[name!]) continue;
    const def = allDefinitions[name!];
    if (!def) throw new Error(`the Autotask spec has no definition ${name}`);
    const keep = usedProperties[name!];
    const properties = def.properties as Record<string, Json> | undefined;
    const pruned =
      opts.properties === "used" && keep && properties
        ? {
            ...def,
            properties: Object.fromEntries(
              keep.map((p) => {
                if (!properties[p]) throw new Error(`the Autotask spec's ${name} has no ${p}`);
                return [p, properties[p]];
              }),
            ),
          }
        : def;
    definitions[name!] = pruned;
    const found = new Set<string>();
    refsIn(pruned, found);
    for (const f of found) if (!definitions[f]) pending.add(f);
  }
  return { ...spec, paths, definitions: sortKeys(definitions) };
}

/**
 * The spec's loose spots, made to say what the wire carries (each from reference §3, not a guess):
 * - property names in the wire's camelCase (see wireName);
 * - `Filter.value` is a .NET wrapper (`ValueItem{BoolValue,IntegerValue,StringValue,ElementList}`) in the
 *   spec; the wire carries the JSON value itself: a string, number or boolean ("Booleans must be
 *   true/false"), or a list of them for `in` / `notIn`;
 * - `ContactModel.IsActive` is a bare int32 in the spec but the 0/1 flag the reference documents;
 * - every property but `id` may come back `null` (unset fields are sent as null);
 * - the write answers: creates and updates answer `{"itemId": n}`, not the model; queries answer
 *   `{"items": [...], "pageDetails": {...}}`, not the model; a refused write is an HTTP 500 with
 *   `{"errors": ["..."]}`.
 * Runs on the OpenAPI 3.0 document swagger2openapi made.
 */
export function normalise(oas: Json): Json {
  const components = oas.components as { schemas: Record<string, Json> };
  const schemas = components.schemas;
  const renamed: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    if (name === "ValueItem" || name === "CollectionItem") continue;
    const properties = schema.properties as Record<string, Json> | undefined;
    if (!properties) {
      renamed[name] = schema;
      continue;
    }
    const isModel = name.endsWith("Model") && name !== "QueryModel";
    renamed[name] = {
      ...schema,
      properties: Object.fromEntries(
        Object.entries(properties).map(([p, s]) => {
          const wire = wireName(p);
          let out: Json = { ...s };
          if (name === "Filter" && p === "value") out = filterValue;
          if (name === "ContactModel" && p === "IsActive") out = { ...out, enum: [0, 1] };
          if (isModel && wire !== "id" && !("$ref" in out)) out = { ...out, nullable: true };
          return [wire, out];
        }),
      ),
    };
  }
  renamed.ItemIdResult = {
    type: "object",
    required: ["itemId"],
    properties: { itemId: { type: "integer", format: "int64" } },
  };
  renamed.PageDetails = {
    type: "object",
    required: ["count", "requestCount", "prevPageUrl", "nextPageUrl"],
    properties: {
      count: { type: "integer" },
      requestCount: { type: "integer" },
      prevPageUrl: { type: "string", nullable: true },
      nextPageUrl: { type: "string", nullable: true },
    },
  };
  renamed.ErrorResult = {
    type: "object",
    required: ["errors"],
    properties: { errors: { type: "array", items: { type: "string" } } },
  };
  for (const model of Object.values(queryModels))
    renamed[`${model}QueryResult`] = {
      type: "object",
      required: ["items", "pageDetails"],
      properties: {
        items: { type: "array", items: { $ref: `#/components/schemas/${model}` } },
        pageDetails: { $ref: "#/components/schemas/PageDetails" },
      },
    };

  const paths = oas.paths as Record<string, Record<string, Json>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      const responses = op.responses as Record<string, Json>;
      const answer = queryModels[path]
        ? `${queryModels[path]}QueryResult`
        : method === "post" || method === "patch"
          ? "ItemIdResult"
          : undefined;
      if (answer) responses["200"] = jsonResponse("OK", answer);
      if (method === "post" || method === "patch") responses["500"] = jsonResponse("Refused", "ErrorResult");
    }
  }
  return { ...oas, components: { ...components, schemas: sortKeys(renamed) } };
}

const filterScalar = { oneOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }] };
const filterValue: Json = { oneOf: [...filterScalar.oneOf, { type: "array", items: filterScalar }] };

function jsonResponse(description: string, schema: string): Json {
  return {
    description,
    content: { "application/json": { schema: { $ref: `#/components/schemas/${schema}` } } },
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

const s2o = createRequire(import.meta.url)("swagger2openapi") as {
  convertObj(spec: Json, options: Json): Promise<{ openapi: Json }>;
};

/** Pruned, converted to OpenAPI 3.0, normalised: what the types and the contract checks are made from. */
export async function autotaskOpenApi(
  opts: { properties: "used" | "all" },
  spec = loadSpec(),
): Promise<Json> {
  const pruned = prune(spec, opts);
  const { openapi } = await s2o.convertObj(pruned, { patch: true, warnOnly: true, resolveInternal: false });
  return normalise(openapi);
}

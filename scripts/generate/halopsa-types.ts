// Generates src/connectors/halopsa/generated/halopsa-api.ts from HaloPSA's own OpenAPI description:
//
//   node --import tsx scripts/generate/halopsa-types.ts
//
// The spec is read from ../shared/specs/halopsa/swagger.json beside the project (LIFECYCLE_HALOPSA_SPEC
// overrides it), pruned to the operations, parameters and schema properties the connector uses (the whole
// file is 3.6 MB and 808 paths), its loose types ("int", "bool", "double" …) made JSON Schema, and handed
// to openapi-typescript. test/connectors/halopsa/generated.test.ts regenerates and compares byte for byte.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import * as prettier from "prettier";

const root = new URL("../../", import.meta.url);

export const defaultSpecPath = fileURLToPath(new URL("../shared/specs/halopsa/swagger.json", root));
export const generatedPath = fileURLToPath(new URL("src/connectors/halopsa/generated/halopsa-api.ts", root));

export const specPath = (): string => process.env.LIFECYCLE_HALOPSA_SPEC || defaultSpecPath;

/** What the connector sends and reads: operations with their query parameters, and schema properties. */
export const used = {
  operations: {
    "/Users": {
      get: [
        "client_id",
        "site_id",
        "search",
        "includeinactive",
        "includeactive",
        "pageinate",
        "page_size",
        "page_no",
      ],
      post: [],
    },
    "/Users/{id}": { get: ["id"] },
    "/Tickets": {
      get: ["client_id", "advanced_search", "pageinate", "page_size", "page_no"],
      post: [],
    },
    "/Tickets/{id}": { get: ["id", "includedetails"] },
    "/Actions": { get: ["ticket_id", "excludesys", "includehtmlnote"], post: [] },
    "/Status": { get: [] },
  },
  schemas: {
    Users: [
      "id",
      "name",
      "firstname",
      "surname",
      "emailaddress",
      "client_id",
      "site_id",
      "inactive",
      "title",
      "phonenumber",
    ],
    Faults: [
      "id",
      "summary",
      "details_html",
      "client_id",
      "site_id",
      "user_id",
      "tickettype_id",
      "status_id",
      "priority_id",
      "team",
      "third_party_id_string",
      "client_reference",
      "hasbeenclosed",
      "donotapplytemplateintheapi",
    ],
    Actions: ["id", "ticket_id", "outcome_id", "hiddenfromuser", "note", "note_html"],
    TStatus: ["id", "name", "type"],
  },
} as const;

type Json = Record<string, unknown>;

// The spec writes some types the way Halo's C# does; these are what JSON Schema means by them.
const looseTypes: Record<string, Json> = {
  int: { type: "integer", format: "int32" },
  bool: { type: "boolean" },
  double: { type: "number", format: "double" },
  DateTime: { type: "string", format: "date-time" },
  obj: { type: "object" },
  // A query parameter "(array of int)": sent as comma-separated text.
  "List<int>": { type: "string" },
};

/** A schema with its loose `type` replaced, recursively. */
export function normaliseTypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseTypes);
  if (typeof value !== "object" || value === null) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) out[k] = normaliseTypes(v);
  if (typeof out.type === "string" && Object.hasOwn(looseTypes, out.type)) {
    const { type: _loose, ...rest } = out;
    return { ...rest, ...looseTypes[out.type as string] };
  }
  return out;
}

interface Operation {
  tags?: string[];
  summary?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
  responses?: unknown;
}

/** The spec cut down to `used`, loose types normalised. */
export function prune(spec: Json): Json {
  const paths: Json = {};
  const specPaths = spec.paths as Record<string, Record<string, Operation>>;
  for (const [path, methods] of Object.entries(used.operations)) {
    const item: Json = {};
    for (const [method, params] of Object.entries(methods)) {
      const op = specPaths[path]?.[method];
      if (!op) throw new Error(`the HaloPSA spec has no ${method.toUpperCase()} ${path}`);
      const wanted = new Set<string>(params);
      const parameters = (op.parameters ?? []).filter(
        (p, i, all) => wanted.has(p.name) && all.findIndex((q) => q.name === p.name) === i,
      );
      for (const name of wanted)
        if (!parameters.some((p) => p.name === name))
          throw new Error(`${method.toUpperCase()} ${path} has no parameter ${name}`);
      const json = op.requestBody?.content["application/json"];
      item[method] = {
        ...(op.tags ? { tags: op.tags } : {}),
        ...(op.summary ? { summary: op.summary } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(json ? { requestBody: { content: { "application/json": json } } } : {}),
        responses: op.responses,
      };
    }
    paths[path] = item;
  }
  const specSchemas = (spec.components as { schemas: Record<string, { properties: Json } & Json> }).schemas;
  const schemas: Json = {};
  for (const [name, props] of Object.entries(used.schemas)) {
    const schema = specSchemas[name];
    if (!schema) throw new Error(`the HaloPSA spec has no schema ${name}`);
    const properties: Json = {};
    for (const p of props) {
      if (!Object.hasOwn(schema.properties, p)) throw new Error(`schema ${name} has no property ${p}`);
      properties[p] = schema.properties[p];
    }
    schemas[name] = { ...schema, properties };
  }
  return normaliseTypes({
    openapi: spec.openapi,
    info: spec.info,
    servers: spec.servers,
    paths,
    components: { schemas, securitySchemes: (spec.components as Json).securitySchemes },
    security: spec.security,
  }) as Json;
}

const banner = `// Generated by scripts/generate/halopsa-types.ts from HaloPSA's OpenAPI description (shared/specs/halopsa/
// swagger.json), pruned to what the connector uses. Do not edit: run the script.
`;

export async function generate(path = specPath()): Promise<string> {
  const spec = JSON.parse(readFileSync(path, "utf8")) as Json;
  // openapi-typescript's types want its own document type; the pruned spec is one by construction.
  const ast = await openapiTS(prune(spec) as unknown as Parameters<typeof openapiTS>[0], {
    alphabetize: true,
  });
  const code = `${banner}\n${astToString(ast)}`;
  const options = (await prettier.resolveConfig(generatedPath)) ?? {};
  return prettier.format(code, { ...options, filepath: generatedPath });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(generatedPath, await generate());
  process.stdout.write(`wrote ${generatedPath}\n`);
}

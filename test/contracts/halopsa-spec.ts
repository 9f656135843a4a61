// Checks HaloPSA requests against Halo's own OpenAPI description (shared/specs/halopsa/swagger.json) and
// responses against the reference notes' shapes (the spec describes no response bodies).
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { normaliseTypes, specPath } from "../../scripts/generate/halopsa-types.ts";

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

interface Parameter {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required?: boolean;
  schema: Record<string, unknown>;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
}
type Spec = { paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };

export interface SentRequest {
  method: string;
  /** As sent: "/api/Users?client_id=12&search=…" */
  url: string;
  body?: unknown;
}

export interface HaloSpecChecker {
  checkRequest(r: SentRequest): string[];
}

/** OpenAPI 3.0's `nullable` beside a $ref (no `type`) as JSON Schema says it: the schema, or null. */
function nullableRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullableRefs);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = nullableRefs(v);
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _n, ...rest } = out;
    return { anyOf: [rest, { type: "null" }] };
  }
  return out;
}

export function haloSpecChecker(path = specPath()): HaloSpecChecker {
  const spec = nullableRefs(normaliseTypes(JSON.parse(readFileSync(path, "utf8")))) as Spec;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "halo", components: spec.components });
  const templates = Object.keys(spec.paths).map((template) => ({
    template,
    re: new RegExp(`^${template.replace(/\{[^}]+\}/g, "([^/]+)")}$`, "i"),
    names: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? ""),
  }));
  const compiled = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: Record<string, unknown>) => {
    let v = compiled.get(key);
    if (!v) {
      // Refs point into the spec's components, registered once above as "halo".
      const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"halo#/components/'));
      v = ajv.compile(rebased);
      compiled.set(key, v);
    }
    return v;
  };
  const coerce = (raw: string, schema: Record<string, unknown>): unknown => {
    if (schema.type === "integer" || schema.type === "number")
      return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    if (schema.type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
    return raw;
  };

  return {
    checkRequest(r) {
      const where = `${r.method} ${r.url.split("?")[0]}`;
      const url = new URL(r.url, "http://halo.invalid");
      if (!/^\/api\//i.test(url.pathname)) return [`${where}: not under the spec's server /api`];
      const path = url.pathname.replace(/^\/api/i, "");
      const match = templates.map((t) => ({ t, m: t.re.exec(path) })).find((x) => x.m);
      if (!match?.m) return [`${where}: no such path in the HaloPSA spec`];
      const op = spec.paths[match.t.template]?.[r.method.toLowerCase()];
      if (!op) return [`${where}: the spec has no ${r.method} for ${match.t.template}`];
      const problems: string[] = [];
      const params = op.parameters ?? [];
      const check = (p: Parameter, raw: string) => {
        const v = validator(`${match.t.template} ${r.method} ${p.in} ${p.name}`, p.schema);
        if (!v(coerce(raw, p.schema)))
          problems.push(`${where}: ${p.in} parameter ${p.name}=${raw}: ${ajv.errorsText(v.errors)}`);
      };
      match.t.names.forEach((name, i) => {
        const p = params.find((x) => x.in === "path" && x.name === name);
        if (!p) problems.push(`${where}: path parameter ${name} is not declared`);
        else check(p, decodeURIComponent(match.m?.[i + 1] ?? ""));
      });
      for (const [name, raw] of url.searchParams) {
        const p = params.find((x) => x.in === "query" && x.name === name);
        if (!p) problems.push(`${where}: query parameter ${name} is not in the spec`);
        else check(p, raw);
      }
      const schema = op.requestBody?.content["application/json"]?.schema;
      if (r.body !== undefined) {
        if (!schema) problems.push(`${where}: the spec takes no JSON body`);
        else {
          const v = validator(`${match.t.template} ${r.method} body`, schema);
          if (!v(r.body)) problems.push(`${where}: body: ${ajv.errorsText(v.errors, { separator: "; " })}`);
        }
      } else if (schema && r.method !== "GET") problems.push(`${where}: the spec wants a JSON body`);
      return problems;
    },
  };
}

const listKeys: Record<string, string> = {
  "/api/Users": "users",
  "/api/Tickets": "tickets",
  "/api/Actions": "actions",
};

/**
 * Reference §1: lists answer `{ record_count, <plural>: [...] }`; a one-element POST answers the one record
 * (CIPP reads `.id` off it); a record by id is that record. Lookups (Status) may be bare arrays.
 */
export function checkResponse(r: { method: string; url: string; status: number; body: unknown }): string[] {
  const path = r.url.split("?")[0] ?? "";
  const where = `${r.method} ${path} → ${r.status}`;
  if (r.status !== 200) return [];
  const b = r.body as Record<string, unknown> | unknown[] | undefined;
  const isRecord = (x: unknown) =>
    typeof x === "object" &&
    x !== null &&
    !Array.isArray(x) &&
    typeof (x as { id?: unknown }).id === "number";
  if (r.method === "POST")
    return isRecord(b) ? [] : [`${where}: a one-element POST answers one record with a numeric id`];
  const key = listKeys[path];
  if (key) {
    const o = b as Record<string, unknown>;
    const ok =
      typeof o?.record_count === "number" && Array.isArray(o[key]) && (o[key] as unknown[]).every(isRecord);
    return ok ? [] : [`${where}: a list answers { record_count, ${key}: [...] }`];
  }
  if (/^\/api\/Status$/i.test(path))
    return Array.isArray(b) && b.every(isRecord) ? [] : [`${where}: statuses`];
  const id = /\/(\d+)$/.exec(path)?.[1];
  if (id)
    return isRecord(b) && (b as { id: number }).id === Number(id) ? [] : [`${where}: the record asked for`];
  return [`${where}: no expected shape known`];
}

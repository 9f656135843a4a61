// Checks what the Hudu connector sends and what the Hudu emulator answers against Hudu's own API
// description (shared/specs/hudu/api-docs-v2.44.0.json, Swagger 2.0), after normalising the spots where
// the spec is loose or disagrees with clients that talk to the real API. Each normalisation is listed in
// `normalise`, with its source.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { sharedDir } from "../../scripts/generate/autotask-spec.ts";

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: "query" | "path" | "body" | "header" | "formData";
  required?: boolean;
  schema?: Json;
}
export interface Operation {
  parameters?: Parameter[];
  responses: Record<string, { schema?: Json }>;
}
export interface HuduSpec {
  basePath: string;
  paths: Record<string, Record<string, Operation>>;
  definitions: Record<string, Json>;
}

/** What one exchange was, as the emulator's call log keeps it (secrets already replaced). */
export interface Exchange {
  method: string;
  url: string;
  status: number;
  requestBody?: unknown;
  responseBody?: unknown;
}

export const specPath = (): string => join(sharedDir(), "specs", "hudu", "api-docs-v2.44.0.json");

/** "Can be null.", "(if available)", "if any", "if used", "if applicable": the spec's words for null. */
const mayBeNull = /can be null|if available|if any\b|if used|if applicable/i;

function nullables(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullables);
  if (typeof value !== "object" || value === null) return value;
  const out: Json = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, nullables(v)]));
  if (typeof out.type === "string" && typeof out.description === "string" && mayBeNull.test(out.description))
    out.type = [out.type, "null"];
  return out;
}

const wrap = (key: string, inner: Json): Json => ({
  type: "object",
  required: [key],
  properties: { [key]: inner },
});

const errorBody: Json = { type: "object", required: ["error"], properties: { error: { type: "string" } } };

/**
 * The spec made to say what the wire carries:
 * - a property the spec describes as possibly absent ("Can be null", "(if available)", "if used") may be
 *   null, as Rails renders an unset column;
 * - `Asset.fields[].value` is drawn as a boolean; it holds whatever the field type holds (text, a number,
 *   a list of names: the spec's own custom_fields examples);
 * - one asset travels wrapped, {"asset": {…}}, both ways: HuduAPI's New-HuduAsset.ps1 posts
 *   {asset: {name, asset_layout_id, custom_fields}}, the spec's own PUT example is wrapped, and reference
 *   §7 quotes the 201 as {"asset": {…}}; the spec draws the POST body and the answers bare;
 * - archive/unarchive of an asset answers the asset (the spec gives the 200 no schema);
 * - a refusal (401, 404, 422) is {"error": "…"} ([unconfirmed] keys, reference §11), a 429 is the text
 *   "Retry later".
 */
export function normalise(raw: Json): HuduSpec {
  const spec = nullables(structuredClone(raw)) as HuduSpec;
  const asset = spec.definitions.Asset as { properties: { fields: { items: { properties: Json } } } };
  asset.properties.fields.items.properties.value = {};
  const assetRef = { $ref: "#/definitions/Asset" };
  const assets = spec.paths["/companies/{company_id}/assets"]!;
  const one = spec.paths["/companies/{company_id}/assets/{id}"]!;
  const post = assets.post!.parameters!.find((p) => p.in === "body")!;
  const { example: _postExample, ...postSchema } = post.schema!;
  post.schema = wrap("asset", postSchema);
  const put = one.put!.parameters!.find((p) => p.in === "body")!;
  put.schema = wrap("asset", { ...postSchema, required: [] });
  assets.post!.responses["201"] = { schema: wrap("asset", assetRef) };
  one.get!.responses["200"] = { schema: wrap("asset", assetRef) };
  one.put!.responses["200"] = { schema: wrap("asset", assetRef) };
  for (const verb of ["archive", "unarchive"])
    spec.paths[`/companies/{company_id}/assets/{id}/${verb}`]!.put!.responses["200"] = {
      schema: wrap("asset", assetRef),
    };
  return spec;
}

/** Closes every object schema, so a member the vendor does not have is an error, not a pass. */
function closed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(closed);
  if (typeof value !== "object" || value === null) return value;
  const out: Json = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closed(v)]));
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** Path schemas refer to the definitions by "#/definitions/…": under ajv they live in "hudu.json". */
function rooted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rooted);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === "$ref" && typeof v === "string" ? `hudu.json${v}` : rooted(v),
    ]),
  );
}

export interface HuduSpecChecker {
  spec: HuduSpec;
  operationOf(method: string, url: string): { template: string; op: Operation } | undefined;
  requestProblems(e: Exchange): string[];
  responseProblems(e: Exchange): string[];
}

export function huduSpecChecker(path = specPath()): HuduSpecChecker {
  const spec = normalise(JSON.parse(readFileSync(path, "utf8")) as Json);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "hudu.json", definitions: closed(spec.definitions) });
  const compiled = new Map<string, ValidateFunction>();
  const check = (schema: Json, value: unknown, where: string): string[] => {
    const key = JSON.stringify(schema);
    let v = compiled.get(key);
    if (!v) {
      v = ajv.compile(rooted(closed(schema)) as Json);
      compiled.set(key, v);
    }
    return v(value)
      ? []
      : [`${where}: ${ajv.errorsText(v.errors)} in ${JSON.stringify(value).slice(0, 300)}`];
  };
  const templates = Object.keys(spec.paths)
    // "/companies/jump" before "/companies/{id}": a literal segment wins, as Rails routes it.
    .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))
    .map((template) => ({ template, re: new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}$`) }));

  const operationOf = (method: string, url: string) => {
    const path = (url.split("?")[0] ?? "").replace(new RegExp(`^${spec.basePath}`), "");
    for (const { template, re } of templates) {
      const op = spec.paths[template]?.[method.toLowerCase()];
      if (re.test(path) && op) return { template, op };
    }
    return undefined;
  };

  return {
    spec,
    operationOf,
    requestProblems(e) {
      const found = operationOf(e.method, e.url);
      if (!found) return [`${e.method} ${e.url}: no such operation in the Hudu spec`];
      const where = `${e.method} ${found.template}`;
      const params = found.op.parameters ?? [];
      const problems: string[] = [];
      for (const key of new URL(e.url, "http://x").searchParams.keys())
        if (!params.some((p) => p.in === "query" && p.name === key))
          problems.push(`${where}: query parameter ${key} is not in the spec`);
      const body = params.find((p) => p.in === "body");
      if (body?.schema) {
        if (e.requestBody === undefined && body.required) problems.push(`${where}: no body`);
        else if (e.requestBody !== undefined)
          problems.push(...check(body.schema, e.requestBody, `${where} body`));
      } else if (e.requestBody !== undefined) problems.push(`${where}: a body where the spec has none`);
      return problems;
    },
    responseProblems(e) {
      const found = operationOf(e.method, e.url);
      if (!found) return [];
      const where = `${e.method} ${found.template} → ${e.status}`;
      if (e.status === 429)
        return e.responseBody === "Retry later\n" ? [] : [`${where}: not Rack::Attack's "Retry later"`];
      if (e.status >= 400) return check(errorBody, e.responseBody, where);
      const answer = found.op.responses[String(e.status)];
      if (!answer) return [`${where}: the spec has no ${e.status} answer`];
      if (!answer.schema) return [`${where}: no answer schema`];
      return check(answer.schema, e.responseBody, where);
    },
  };
}

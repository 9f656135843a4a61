// Checks NinjaOne requests and answers against NinjaOne's own OpenAPI description
// (shared/specs/ninjaone/public-api-v2.yaml): paths, methods, parameter names and types, request bodies,
// and response bodies against the schemas the spec gives them.
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { loadSpec } from "../../scripts/generate/ninjaone-types.ts";

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

interface Parameter {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  schema?: Record<string, unknown>;
}
type Content = Record<string, { schema?: Record<string, unknown> }>;
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Content };
  responses?: Record<string, { content?: Content }>;
}
type Spec = { paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };

export interface Exchange {
  method: string;
  /** As sent: "/v2/devices-detailed?df=org+%3D+101&pageSize=2" */
  url: string;
  body?: unknown;
  status?: number;
  response?: unknown;
}

export interface NinjaSpecChecker {
  /** The spec's template for a path, and its operation for the method, if any. */
  operation(method: string, path: string): { template: string; op: Operation | undefined } | undefined;
  checkRequest(r: Exchange): string[];
  checkResponse(r: Exchange): string[];
  /** Validates against one named schema of the spec (AgentDevice, say). */
  validate(schema: string, value: unknown): string[];
}

export function ninjaSpecChecker(): NinjaSpecChecker {
  const spec = loadSpec() as unknown as Spec;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "ninja", components: spec.components });
  const templates = Object.keys(spec.paths).map((template) => ({
    template,
    re: new RegExp(`^${template.replace(/\{[^}]+\}/g, "([^/]+)")}$`),
    names: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? ""),
  }));
  const compiled = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: Record<string, unknown>) => {
    let v = compiled.get(key);
    if (!v) {
      // Refs point into the spec's components, registered once above as "ninja".
      v = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"ninja#/components/')));
      compiled.set(key, v);
    }
    return v;
  };
  const coerce = (raw: string, schema: Record<string, unknown> | undefined): unknown => {
    if (schema?.type === "integer" || schema?.type === "number")
      return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    if (schema?.type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
    return raw;
  };
  // Exact templates first: "/v2/device/{id}/owner" must not be read as "/v2/device/{id}/{x}".
  const find = (path: string) => {
    const exact = templates.find((t) => t.template === path);
    if (exact) return { t: exact, m: [path] as unknown as RegExpExecArray };
    const matches = templates.map((t) => ({ t, m: t.re.exec(path) })).filter((x) => x.m);
    matches.sort((a, b) => a.t.names.length - b.t.names.length);
    return matches[0] && { t: matches[0].t, m: matches[0].m as RegExpExecArray };
  };

  const checker: NinjaSpecChecker = {
    operation(method, path) {
      const found = find(path);
      return (
        found && { template: found.t.template, op: spec.paths[found.t.template]?.[method.toLowerCase()] }
      );
    },
    checkRequest(r) {
      const url = new URL(r.url, "http://ninja.invalid");
      const where = `${r.method} ${url.pathname}`;
      const found = find(url.pathname);
      if (!found) return [`${where}: no such path in the NinjaOne spec`];
      const op = spec.paths[found.t.template]?.[r.method.toLowerCase()];
      if (!op) return [`${where}: the spec has no ${r.method} for ${found.t.template}`];
      const problems: string[] = [];
      const params = op.parameters ?? [];
      const check = (p: Parameter, raw: string) => {
        if (!p.schema) return;
        const v = validator(`${found.t.template} ${r.method} ${p.in} ${p.name}`, p.schema);
        if (!v(coerce(raw, p.schema)))
          problems.push(`${where}: ${p.in} parameter ${p.name}=${raw}: ${ajv.errorsText(v.errors)}`);
      };
      found.t.names.forEach((name, i) => {
        const p = params.find((x) => x.in === "path" && x.name === name);
        if (!p) problems.push(`${where}: path parameter ${name} is not declared`);
        else check(p, decodeURIComponent(found.m[i + 1] ?? ""));
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
          const v = validator(`${found.t.template} ${r.method} body`, schema);
          if (!v(r.body)) problems.push(`${where}: body: ${ajv.errorsText(v.errors, { separator: "; " })}`);
        }
      }
      return problems;
    },
    checkResponse(r) {
      const url = new URL(r.url, "http://ninja.invalid");
      const where = `${r.method} ${url.pathname} → ${r.status}`;
      if (r.status !== 200) return [];
      const found = checker.operation(r.method, url.pathname);
      const responses = found?.op?.responses ?? {};
      const schema = (responses["200"] ?? responses.default)?.content?.["application/json"]?.schema;
      if (!schema) return [`${where}: the spec describes no JSON answer`];
      const v = validator(`${found?.template} ${r.method} response`, schema);
      return v(r.response) ? [] : [`${where}: ${ajv.errorsText(v.errors, { separator: "; " })}`];
    },
    validate(name, value) {
      const v = validator(`schema ${name}`, { $ref: `#/components/schemas/${name}` });
      return v(value) ? [] : [`${name}: ${ajv.errorsText(v.errors, { separator: "; " })}`];
    },
  };
  return checker;
}

import fc from "fast-check";
import {
  anyJson,
  anyText,
  fromSchema,
  nastyStrings,
  resolver,
  type JsonSchema,
  type Pools,
} from "./json-schema-arbitrary.ts";
import { mutated } from "./mutations.ts";

/** The parts of an OpenAPI 3.1 document the fuzzer reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface OpenApiParameter {
  in: "path" | "query" | "header" | "cookie";
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** The client address it comes from. */
  remoteAddress: string;
}

export interface FuzzOperation {
  /** "POST /api/runs/{id}/approve", as the document names it. */
  id: string;
  method: string;
  /** It answers a live stream (text/event-stream) that only the client can end. */
  streams: boolean;
  /** The statuses the document says it may answer with an HTML page instead of JSON. */
  pages: ReadonlySet<number>;
  input: fc.Arbitrary<FuzzRequest>;
}

const methods = ["get", "put", "post", "delete", "patch"] as const;

/** Whole known-good bodies per operation id, from the seeded state: mutated as well as sent as they are. */
export type BodyPools = ReadonlyMap<string, readonly unknown[]>;

/**
 * Every operation of the document that takes input (path, query or header parameters, or a body) with an
 * arbitrary of requests for it. `uncovered` names any input this generator cannot produce (a cookie
 * parameter, a body that is not JSON), so a route added later fails the fuzz test instead of going unfuzzed.
 */
export function fuzzOperations(
  doc: OpenApiDocument,
  pools: Pools,
  bodies: BodyPools = new Map(),
): { operations: FuzzOperation[]; uncovered: string[] } {
  const resolve = resolver(doc.components?.schemas ?? {});
  const operations: FuzzOperation[] = [];
  const uncovered: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of methods) {
      const op = ops[method];
      if (!op) continue;
      const id = `${method.toUpperCase()} ${path}`;
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      if (params.length === 0 && Object.keys(content).length === 0) continue;
      const problems = [
        ...params.filter((p) => !["path", "query", "header"].includes(p.in)).map((p) => `${p.in} ${p.name}`),
        ...Object.keys(content)
          .filter((t) => t !== "application/json" && t !== "text/csv")
          .map((t) => `a ${t} body`),
      ];
      if (problems.length) {
        uncovered.push(`${id}: ${problems.join(", ")}`);
        continue;
      }
      const responses = Object.entries(op.responses ?? {});
      const streams = responses.some(([, r]) => r.content?.["text/event-stream"]);
      const pages = new Set(responses.filter(([, r]) => r.content?.["text/html"]).map(([s]) => Number(s)));
      operations.push({
        id,
        method: method.toUpperCase(),
        streams,
        pages,
        input: requests(id, path, method.toUpperCase(), params, content["application/json"]?.schema, {
          pools,
          resolve,
          bodies: bodies.get(id) ?? [],
          csv: content["text/csv"] !== undefined,
        }),
      });
    }
  }
  // The audit routes verify the whole chain on every call (about 17 µs a row on the embedded store), and
  // every other route's accepted requests lengthen it (by some 360 rows per 1,000 inputs to each): fuzzed
  // first, each of their calls walks the seeded chain, not thousands of rows.
  // A client's whole configuration replaced by an accepted mutation (the seeded body without its id, say)
  // would leave every later operation fuzzing a client that is no longer the seeded one: those go last.
  const rank = (o: FuzzOperation) =>
    /^\w+ \/api\/audit/.test(o.id)
      ? 0
      : /^(PUT \/api\/clients\/\{id\}|POST \/api\/clients)$/.test(o.id)
        ? 2
        : 1;
  operations.sort((a, b) => rank(a) - rank(b));
  return { operations, uncovered };
}

// A lone surrogate has no UTF-8 form, so encodeURIComponent throws; a client can still send the bytes
// such a code unit would have (CESU-8), which must come back as a malformed path, not a crash.
export function encodeText(s: string): string {
  let out = "";
  for (const ch of s) {
    const u = ch.codePointAt(0) ?? 0;
    if (u >= 0xd800 && u <= 0xdfff)
      out += [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join("");
    else out += encodeURIComponent(ch);
  }
  return out;
}

const rawSegments = ["%C0", "%FF%FE", "%2F", "%2e%2e", "%", "%zz", "a%00b", "..", "%E2%80%AE"];

const long = fc.constantFrom("a".repeat(150), "b".repeat(1100), "c".repeat(5000));

function text(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: valid.map((v) => encodeText(typeof v === "string" ? v : JSON.stringify(v))), weight: 12 },
    { arbitrary: anyText.map(encodeText), weight: 2 },
    { arbitrary: fc.constantFrom(...rawSegments), weight: 1 },
    { arbitrary: long, weight: 1 },
  );
}

const printable = fc.string({ unit: fc.constantFrom(..."abcXYZ019 -_:;,./*\"'=?"), maxLength: 30 });

const contentTypes = [
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/json; charset=utf-16",
];

const rawBodies = ["", "{", "nul", "[1,", '{"a":1}{', "\ufeff{}", '{"a":"\\ud800"}', '"\\u0000"', "1e999"];

// The one-time link pages limit each client address to 30 answers a minute: from one address, nearly every
// input after the first thirty met the limiter (866 of 1,000 answered 429) instead of the route. Most come
// from addresses of their own; one in five from the same one, so the limit is still hit.
const sameAddress = "127.0.0.1";
const remoteAddress = fc.oneof(
  { arbitrary: fc.constant(sameAddress), weight: 1 },
  { arbitrary: fc.ipV4(), weight: 3 },
  { arbitrary: fc.ipV6(), weight: 1 },
);

// Just over Fastify's default body limit, made once: the 413 path is worth hitting, not worth regenerating.
const tooLarge = `"${"x".repeat(1024 * 1024 + 16)}"`;

function requests(
  id: string,
  template: string,
  method: string,
  params: OpenApiParameter[],
  bodySchema: JsonSchema | undefined,
  ctx: { pools: Pools; resolve: (s: JsonSchema) => JsonSchema; bodies: readonly unknown[]; csv: boolean },
): fc.Arbitrary<FuzzRequest> {
  // A pool for this operation's parameter ("GET /api/clients/{id} id") wins over one for the name alone.
  const valueOf = (p: OpenApiParameter) =>
    fromSchema(p.schema ?? {}, {
      pools: ctx.pools,
      resolve: ctx.resolve,
      name: ctx.pools.has(`${id} ${p.name}`) ? `${id} ${p.name}` : p.name,
    });
  const inPath = params.filter((p) => p.in === "path");
  const inQuery = params.filter((p) => p.in === "query");
  const inHeader = params.filter((p) => p.in === "header");

  const path = fc
    .tuple(...inPath.map((p) => text(valueOf(p))))
    .map((segments) => inPath.reduce((url, p, i) => url.replace(`{${p.name}}`, segments[i] ?? ""), template));

  const queryPairs = fc
    .tuple(
      ...inQuery.map((p) =>
        fc.option(
          fc.oneof(
            { arbitrary: text(valueOf(p)).map((v) => [[p.name, v]]), weight: 8 },
            // Repeated: the parser makes a list of it.
            {
              arbitrary: fc.tuple(text(valueOf(p)), text(valueOf(p))).map((vs) => vs.map((v) => [p.name, v])),
              weight: 1,
            },
          ),
          { freq: p.required ? 10 : 3 },
        ),
      ),
      fc.option(fc.tuple(anyText.map(encodeText), anyText.map(encodeText)), { freq: 6 }),
    )
    .map((parts) => {
      const extra = parts.pop() as [string, string] | null;
      const pairs = (parts as (string[][] | null)[]).flatMap((x) => x ?? []);
      if (extra) pairs.push(extra);
      return pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : "";
    });

  const headers = fc
    .tuple(
      ...inHeader.map((p) =>
        fc.option(
          fc.oneof(
            valueOf(p).map((v) => String(v).replace(/[^\x20-\x7e]/g, "?")),
            printable,
          ),
          { freq: 3 },
        ),
      ),
    )
    .map(
      (values) =>
        Object.fromEntries(
          inHeader.flatMap((p, i) =>
            values[i] === null || values[i] === undefined ? [] : [[p.name, values[i]]],
          ),
        ) as Record<string, string>,
    );

  const body: fc.Arbitrary<{ payload?: string; type?: string }> = ctx.csv
    ? csvBodies(ctx.bodies)
    : bodySchema
      ? bodies(bodySchema, ctx)
      : fc.constant({});

  return fc.tuple(path, queryPairs, headers, body, remoteAddress).map(([p, q, h, b, from]) => ({
    method,
    url: `${p}${q}`,
    headers: { ...h, ...(b.type ? { "content-type": b.type } : {}) },
    ...(b.payload !== undefined ? { payload: b.payload } : {}),
    remoteAddress: from,
  }));
}

function bodies(
  schema: JsonSchema,
  ctx: { pools: Pools; resolve: (s: JsonSchema) => JsonSchema; bodies: readonly unknown[] },
): fc.Arbitrary<{ payload?: string; type?: string }> {
  const fromDoc = fromSchema(schema, { pools: ctx.pools, resolve: ctx.resolve });
  const valid = ctx.bodies.length
    ? fc.oneof({ arbitrary: fc.constantFrom(...ctx.bodies), weight: 2 }, { arbitrary: fromDoc, weight: 1 })
    : fromDoc;
  const json = fc.oneof(
    { arbitrary: valid, weight: 4 },
    { arbitrary: mutated(valid), weight: 5 },
    { arbitrary: anyJson, weight: 1 },
  );
  return fc.oneof(
    {
      arbitrary: json.map((v) => ({ payload: JSON.stringify(v) ?? "null", type: "application/json" })),
      weight: 40,
    },
    {
      arbitrary: fc.constantFrom(...rawBodies).map((payload) => ({ payload, type: "application/json" })),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(json, fc.constantFrom(...contentTypes))
        .map(([v, type]) => ({ payload: JSON.stringify(v) ?? "", type })),
      weight: 2,
    },
    { arbitrary: fc.constant({}), weight: 1 },
    { arbitrary: fc.constant({ payload: tooLarge, type: "application/json" }), weight: 1 },
    {
      arbitrary: fc.constantFrom(...nastyStrings).map((payload) => ({ payload, type: "text/plain" })),
      weight: 1,
    },
  );
}

const rawCsv = [
  "",
  "\ufeff",
  '"',
  'a,"b\n',
  "\n\n\n",
  ",,,\n,,,",
  'firstName\n"unterminated',
  "a;b;c\n1;2;3",
];

/** One edit to a valid file: a cell replaced (commas, quotes and line breaks included), a line dropped or
 * doubled, a column added, or the file cut short. */
function mutatedCsv(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const cell = fc.oneof(
    fc.constantFrom(...nastyStrings),
    anyText,
    fc.constantFrom('"', '""', "a,b", "x\ny", "yes", "no", "maybe", "now", "manager"),
  );
  return fc
    .tuple(valid, fc.nat(), fc.nat(), fc.constantFrom("cell", "drop", "double", "column", "cut"), cell)
    .map(([text, i, j, op, value]) => {
      const lines = text.split("\n");
      const at = i % lines.length;
      const line = lines[at] ?? "";
      if (op === "drop") lines.splice(at, 1);
      else if (op === "double") lines.splice(at, 0, line);
      else if (op === "column") lines[0] = `${lines[0] ?? ""},${value}`;
      else if (op === "cut") return text.slice(0, j % (text.length + 1));
      else {
        const cells = line.split(",");
        cells[j % cells.length] = value;
        lines[at] = cells.join(",");
      }
      return lines.join("\n");
    });
}

// Just over the bulk upload's limit (1 MiB), made once.
const tooLargeCsv = `firstName,lastName,start,notes\nA,B,now,${"x".repeat(1024 * 1024 + 16)}\n`;

/** Bodies for a route that takes a CSV file: the seeded files, edited, arbitrary text, and wrong types. */
function csvBodies(seeds: readonly unknown[]): fc.Arbitrary<{ payload?: string; type?: string }> {
  const files = seeds.filter((s): s is string => typeof s === "string");
  const valid = files.length ? fc.constantFrom(...files) : fc.constant("a,b\n1,2\n");
  return fc.oneof(
    { arbitrary: valid.map((payload) => ({ payload, type: "text/csv" })), weight: 6 },
    { arbitrary: mutatedCsv(valid).map((payload) => ({ payload, type: "text/csv" })), weight: 8 },
    { arbitrary: anyText.map((payload) => ({ payload, type: "text/csv; charset=utf-8" })), weight: 1 },
    { arbitrary: fc.constantFrom(...rawCsv).map((payload) => ({ payload, type: "text/csv" })), weight: 1 },
    {
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...contentTypes))
        .map(([payload, type]) => ({ payload, type })),
      weight: 2,
    },
    {
      arbitrary: anyJson.map((v) => ({ payload: JSON.stringify(v) ?? "", type: "application/json" })),
      weight: 1,
    },
    { arbitrary: fc.constant({}), weight: 1 },
    { arbitrary: fc.constant({ payload: tooLargeCsv, type: "text/csv" }), weight: 1 },
  );
}

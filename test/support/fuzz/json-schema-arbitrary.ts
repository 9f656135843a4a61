import fc from "fast-check";

/** A JSON Schema as the OpenAPI document holds it (2020-12, components referenced by $ref). */
export type JsonSchema = Record<string, unknown>;

/**
 * Known-good values by property or parameter name ("client" → the seeded client's id), mixed into what a
 * schema alone would generate, so valid-shaped input reaches the handlers' own logic and not only the
 * validators.
 */
export type Pools = ReadonlyMap<string, readonly unknown[]>;

/** Names an object answers without holding them: a lookup keyed by input must not find these. */
export const prototypeKeys = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"] as const;

/** Text that broke, or could break, something on the way to the database or a page. */
export const nastyStrings = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfff",
  "\ud83d\ude00",
  "%00",
  "%ED%A0%80",
  "../../etc/passwd",
  "${request.constructor}",
  "${steps.x.data.y}",
  "{{ 7 | times: 7 }}",
  "<script>alert(1)</script>",
  "'; drop table runs; --",
  "\r\nX-Injected: 1",
  "\u202eevil",
  "ǅ̈‍",
  "a".repeat(300),
  "9".repeat(40),
  "-1",
  "1e309",
  "NaN",
  "true",
  "null",
  "2025-02-30T25:61",
  ...prototypeKeys,
];

const nastyString = fc.constantFrom(...nastyStrings);

/** Any text, lone surrogates included (the "binary" unit), or one of the nasty ones. */
export const anyText = fc.oneof(
  { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }), weight: 1 },
  { arbitrary: nastyString, weight: 3 },
);

/** Arbitrary JSON, keys and strings unrestricted: what a client that ignores the document sends. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    anyText,
    fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(-0)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.oneof(anyText, fc.constantFrom(...prototypeKeys)), tie("value"), { maxKeys: 5 }),
  ),
})).value;

/** Resolves `#/components/schemas/X` references against the document's components. */
export function resolver(components: Record<string, JsonSchema>): (s: JsonSchema) => JsonSchema {
  const resolve = (s: JsonSchema): JsonSchema => {
    const ref = s.$ref;
    if (typeof ref !== "string") return s;
    const name = ref.replace(/^#\/components\/schemas\//, "").replace(/#$/, "");
    const target = Object.hasOwn(components, name) ? components[name] : undefined;
    if (!target) throw new Error(`the document has no component ${ref}`);
    return resolve(target);
  };
  return resolve;
}

/**
 * Values that match `schema` (as far as a JSON Schema says: the route's own checks, such as a client's
 * domains, are for the pools to hit), with the pool for `name` mixed in when there is one.
 */
export function fromSchema(
  schema: JsonSchema,
  opts: { pools: Pools; resolve: (s: JsonSchema) => JsonSchema; name?: string; depth?: number },
): fc.Arbitrary<unknown> {
  const s = opts.resolve(schema);
  const depth = opts.depth ?? 0;
  const generated = bySchema(s, { ...opts, depth });
  const named = opts.name !== undefined ? opts.pools.get(opts.name) : undefined;
  // A pool is by name only; where the schema lists the values, it keeps to them.
  const pool = Array.isArray(s.enum) ? named?.filter((v) => (s.enum as unknown[]).includes(v)) : named;
  if (!pool?.length) return generated;
  return fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 3 }, { arbitrary: generated, weight: 1 });
}

function bySchema(
  s: JsonSchema,
  opts: { pools: Pools; resolve: (s: JsonSchema) => JsonSchema; depth: number },
): fc.Arbitrary<unknown> {
  const inner = (schema: unknown, name?: string) =>
    fromSchema(schema as JsonSchema, { ...opts, depth: opts.depth + 1, name });
  if (Array.isArray(s.enum) && s.enum.length) return fc.constantFrom(...(s.enum as unknown[]));
  if ("const" in s) return fc.constant(s.const);
  const union = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(union) && union.length) return fc.oneof(...union.map((u) => inner(u)));
  if (Array.isArray(s.allOf) && s.allOf.length === 1) return inner(s.allOf[0]);
  const type = Array.isArray(s.type) ? (s.type as string[]) : [s.type];
  const arbs = type.map((t) => {
    switch (t) {
      case "string":
        return stringOf(s);
      case "integer":
        return fc.integer({
          min: numberOr(s.minimum, -1000),
          max: Math.min(numberOr(s.maximum, 1000), Number.MAX_SAFE_INTEGER),
        });
      case "number":
        return fc.double({
          min: numberOr(s.minimum, -1e6),
          max: numberOr(s.maximum, 1e6),
          noNaN: true,
          noDefaultInfinity: true,
        });
      case "boolean":
        return fc.boolean();
      case "null":
        return fc.constant(null);
      case "array": {
        if (opts.depth > 6) return fc.constant([]);
        return fc.array(inner(s.items ?? {}), {
          minLength: numberOr(s.minItems, 0),
          maxLength: Math.min(numberOr(s.maxItems, 4), 4),
        });
      }
      case "object":
        return objectOf(s, inner, opts.depth);
      default:
        // No type: anything JSON, as the schema allows.
        return opts.depth > 4 ? fc.constant(null) : anyJson;
    }
  });
  return arbs.length === 1 ? (arbs[0] as fc.Arbitrary<unknown>) : fc.oneof(...arbs);
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

function stringOf(s: JsonSchema): fc.Arbitrary<string> {
  const minLength = numberOr(s.minLength, 0);
  const maxLength = Math.max(minLength, Math.min(numberOr(s.maxLength, 40), 200));
  if (s.format === "uuid") return fc.uuid();
  if (s.format === "email") return fc.emailAddress();
  if (s.format === "date-time") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (typeof s.pattern === "string") {
    let re: RegExp | undefined;
    try {
      re = new RegExp(s.pattern);
    } catch {
      // A pattern JavaScript cannot compile is the document's business; plain text still exercises the route.
    }
    if (re) return patterned(re, minLength, typeof s.maxLength === "number" ? s.maxLength : Infinity);
  }
  return fc.string({ minLength, maxLength });
}

const patternTries = 4;

/**
 * Text the pattern matches, within the schema's own length bounds when a few tries find such a text (else
 * out of them, which the route must refuse like any wrong input). Not fc.filter: it retries until a value
 * passes, forever when none can, blocking the event loop. Bounding patterns by the 40 characters plain
 * text defaults to did that to `^[0-9a-f]{64}$` (an audit checkpoint's hash, no maxLength): the whole run
 * stalled on POST /api/audit/verify's first input.
 */
function patterned(re: RegExp, minLength = 0, maxLength = Infinity): fc.Arbitrary<string> {
  const fits = (x: string) => x.length >= minLength && x.length <= maxLength;
  return fc
    .array(fc.stringMatching(re), { minLength: patternTries, maxLength: patternTries })
    .map((xs) => xs.find(fits) ?? (xs[0] as string));
}

function objectOf(
  s: JsonSchema,
  inner: (schema: unknown, name?: string) => fc.Arbitrary<unknown>,
  depth: number,
): fc.Arbitrary<unknown> {
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const known = depth > 6 ? [] : Object.keys(properties);
  const record = fc.record(Object.fromEntries(known.map((k) => [k, inner(properties[k], k)])), {
    requiredKeys: known.filter((k) => required.has(k)),
  });
  const extra = s.additionalProperties;
  if (extra === false || extra === undefined || known.length > 0) return record;
  const values = typeof extra === "object" && extra !== null ? inner(extra) : anyJson;
  return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), values, { maxKeys: 4 });
}

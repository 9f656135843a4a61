import { cwErrors } from "./errors.ts";

/**
 * The query language (reference §2 "Query syntax"), for the forms Lifecycle and common scripts send:
 * `field op value` clauses joined by `and` (any case), strings in double quotes, numbers bare, booleans
 * True/False, null; operators = and !=. Anything else (or, parentheses, like, a field the resource does not
 * offer here) is refused with a 400, never silently ignored.
 */

export type Value = string | number | boolean | null;

export interface Clause {
  field: string;
  op: "=" | "!=";
  value: Value;
}

const clauseRe =
  /^\s*([A-Za-z][A-Za-z0-9_]*(?:\/[A-Za-z][A-Za-z0-9_]*)*)\s*(!=|=)\s*("(?:[^"\\])*"|-?\d+(?:\.\d+)?|true|false|null)\s*/i;

export function parseConditions(
  parameter: "conditions" | "childConditions",
  text: string,
  fields: readonly string[],
): Clause[] {
  const clauses: Clause[] = [];
  let rest = text;
  for (;;) {
    const m = clauseRe.exec(rest);
    if (!m)
      throw cwErrors.badQuery(parameter, `Cannot parse ${parameter} near '${rest.trim().slice(0, 40)}'`);
    const [whole, field = "", op = "=", raw = ""] = m;
    const known = fields.find((f) => f.toLowerCase() === field.toLowerCase());
    if (!known) throw cwErrors.badQuery(parameter, `Unsupported field '${field}' in ${parameter}`);
    clauses.push({ field: known, op: op as Clause["op"], value: literal(raw) });
    rest = rest.slice(whole.length);
    if (!rest.trim()) return clauses;
    const joiner = /^and\s+/i.exec(rest);
    if (!joiner)
      throw cwErrors.badQuery(parameter, `Unsupported operator near '${rest.trim().slice(0, 40)}'`);
    rest = rest.slice(joiner[0].length);
  }
}

function literal(raw: string): Value {
  if (raw.startsWith('"')) return raw.slice(1, -1);
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  if (/^null$/i.test(raw)) return null;
  return Number(raw);
}

/** The value at a slash path ("company/id") of a record. */
export function valueAt(record: unknown, path: string): unknown {
  let current: unknown = record;
  for (const key of path.split("/")) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function equal(actual: unknown, expected: Value, caseInsensitive: boolean): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (typeof expected === "string" && typeof actual === "string")
    return caseInsensitive ? actual.toLowerCase() === expected.toLowerCase() : actual === expected;
  if (typeof expected === "boolean") return (actual ?? false) === expected;
  return actual === expected;
}

export function matches(record: unknown, clauses: readonly Clause[], caseInsensitive: boolean): boolean {
  return clauses.every((c) => equal(valueAt(record, c.field), c.value, caseInsensitive) === (c.op === "="));
}

/**
 * childConditions name a child array ("communicationItems/value"): one child must meet every clause, as
 * the vendor's join does.
 */
export function matchesChildren(
  record: unknown,
  clauses: readonly Clause[],
  caseInsensitive: boolean,
): boolean {
  if (!clauses.length) return true;
  const array = clauses[0]!.field.split("/")[0] ?? "";
  const children = valueAt(record, array);
  if (!Array.isArray(children)) return false;
  const inner = clauses.map((c) => ({ ...c, field: c.field.split("/").slice(1).join("/") }));
  return children.some((child) => matches(child, inner, caseInsensitive));
}

export const maxPageSize = 1000;
const defaultPageSize = 25;

export interface Page<T> {
  items: T[];
  link: string | undefined;
}

function positiveInt(parameter: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw cwErrors.badQuery(parameter, `'${raw}' is not a valid value for ${parameter}`);
  return Number(raw);
}

/**
 * page (1-based) and pageSize (default 25, at most 1,000), with the RFC 5988 Link header: first and last
 * always, prev and next except at the ends (§2 "Pagination").
 */
export function pageOf<T>(
  items: readonly T[],
  query: Record<string, string | undefined>,
  selfUrl: string,
): Page<T> {
  const page = positiveInt("page", query.page, 1);
  const pageSize = Math.min(maxPageSize, positiveInt("pageSize", query.pageSize, defaultPageSize));
  const last = Math.max(1, Math.ceil(items.length / pageSize));
  const at = (n: number): string => {
    const url = new URL(selfUrl);
    url.searchParams.set("page", String(n));
    url.searchParams.set("pageSize", String(pageSize));
    return url.toString().replace(/\+/g, "%20");
  };
  const links = [
    `<${at(1)}>; rel="first"`,
    ...(page > 1 ? [`<${at(Math.min(page - 1, last))}>; rel="prev"`] : []),
    ...(page < last ? [`<${at(page + 1)}>; rel="next"`] : []),
    `<${at(last)}>; rel="last"`,
  ];
  return { items: items.slice((page - 1) * pageSize, page * pageSize), link: links.join(", ") };
}

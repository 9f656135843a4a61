/**
 * Autotask's query language, strictly: the documented operators (eq, noteq, gt, gte, lt, lte,
 * beginsWith, endsWith, contains, exist, notExist, in, notIn) and the and/or groups, field names in any
 * case, text compared without regard to case (SQL Server's collation). Anything else is refused the way
 * Autotask refuses a request, an HTTP 500 with its `errors` list, never silently ignored.
 */

export class QueryError extends Error {}

export interface QueryModel {
  filter: unknown[];
  maxRecords: number | undefined;
  includeFields: string[] | undefined;
}

const leafOps = new Set([
  "eq",
  "noteq",
  "gt",
  "gte",
  "lt",
  "lte",
  "beginswith",
  "endswith",
  "contains",
  "exist",
  "notexist",
  "in",
  "notin",
]);
const maxOrConditions = 500;

/** Reads a QueryModel in any key case (the API's binder is case-insensitive). */
export function readQuery(input: unknown): QueryModel {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new QueryError("The query is not a JSON object.");
  const keys = Object.fromEntries(Object.entries(input).map(([k, v]) => [k.toLowerCase(), v]));
  const filter = keys.filter;
  if (!Array.isArray(filter) || filter.length === 0)
    throw new QueryError("A query must contain at least one filter.");
  const maxRecords = keys.maxrecords;
  if (
    maxRecords !== undefined &&
    (!Number.isInteger(maxRecords) || Number(maxRecords) < 1 || Number(maxRecords) > 500)
  )
    throw new QueryError("MaxRecords must be an integer from 1 to 500.");
  const include = keys.includefields;
  if (include !== undefined && (!Array.isArray(include) || include.some((f) => typeof f !== "string")))
    throw new QueryError("IncludeFields must be a list of field names.");
  return {
    filter,
    maxRecords: maxRecords as number | undefined,
    includeFields: include as string[] | undefined,
  };
}

type Row = Record<string, unknown>;

/** Whether the row matches every top-level condition (the list is an implicit "and"). */
export function compile(filter: unknown[], fields: readonly string[]): (row: Row) => boolean {
  let ors = 0;
  const byLower = new Map(fields.map((f) => [f.toLowerCase(), f]));
  const one = (node: unknown): ((row: Row) => boolean) => {
    if (typeof node !== "object" || node === null || Array.isArray(node))
      throw new QueryError("Each filter must be a JSON object.");
    const n = Object.fromEntries(Object.entries(node).map(([k, v]) => [k.toLowerCase(), v]));
    const op = typeof n.op === "string" ? n.op.toLowerCase() : undefined;
    if (op === undefined) throw new QueryError("A filter has no 'op'.");
    if (n.udf === true) throw new QueryError("User-defined field filters are not supported for this entity.");
    if (op === "and" || op === "or") {
      if (!Array.isArray(n.items) || n.items.length === 0)
        throw new QueryError(`The '${String(n.op)}' filter must contain items.`);
      if (op === "or" && (ors += n.items.length) > maxOrConditions)
        throw new QueryError(`A query may contain at most ${maxOrConditions} OR conditions.`);
      const parts = n.items.map(one);
      return op === "and" ? (row) => parts.every((p) => p(row)) : (row) => parts.some((p) => p(row));
    }
    if (!leafOps.has(op)) throw new QueryError(`Invalid filter operator: '${String(n.op)}'.`);
    if (typeof n.field !== "string") throw new QueryError(`The '${String(n.op)}' filter has no field.`);
    const field = byLower.get(n.field.toLowerCase());
    if (!field) throw new QueryError(`Unable to find ${n.field} in the entity's fields.`);
    const value = n.value;
    if (op === "exist" || op === "notexist") {
      const exists = (row: Row): boolean =>
        row[field] !== null && row[field] !== undefined && row[field] !== "";
      return op === "exist" ? exists : (row) => !exists(row);
    }
    if (op === "in" || op === "notin") {
      if (!Array.isArray(value) || value.length === 0)
        throw new QueryError(`The '${String(n.op)}' filter needs a list of values.`);
      for (const v of value) scalar(v, op);
      const test = (row: Row): boolean => value.some((v) => equal(row[field], v));
      return op === "in" ? test : (row) => !test(row);
    }
    scalar(value, op);
    switch (op) {
      case "eq":
        return (row) => equal(row[field], value);
      case "noteq":
        return (row) => !equal(row[field], value);
      case "gt":
        return (row) => compare(row[field], value) > 0;
      case "gte":
        return (row) => compare(row[field], value) >= 0;
      case "lt":
        return (row) => compare(row[field], value) < 0;
      case "lte":
        return (row) => compare(row[field], value) <= 0;
      case "beginswith":
        return (row) => text(row[field]).startsWith(text(value));
      case "endswith":
        return (row) => text(row[field]).endsWith(text(value));
      default:
        return (row) => text(row[field]).includes(text(value));
    }
  };
  const parts = filter.map(one);
  return (row) => parts.every((p) => p(row));
}

function scalar(value: unknown, op: string): void {
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean")
    throw new QueryError(`The '${op}' filter needs a string, number or boolean value.`);
}

const text = (v: unknown): string => (v === null || v === undefined ? "" : String(v).toLowerCase());

function equal(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return false;
  if (typeof a === "number" || typeof b === "number") return Number(a) === Number(b);
  if (typeof a === "boolean" || typeof b === "boolean") return String(a) === String(b);
  return text(a) === text(b);
}

function compare(a: unknown, b: unknown): number {
  if (a === null || a === undefined) return Number.NaN;
  if (typeof a === "number" || typeof b === "number") return Number(a) - Number(b);
  return text(a).localeCompare(text(b));
}

import { graphErrors } from "../errors.ts";
import { isObject, type Json } from "../json.ts";

/**
 * The $filter subset lifecycle tools send: comparisons, startswith/endswith/contains, `in`, and
 * `any` lambdas over collections (proxyAddresses, assignedLicenses, groupTypes), joined by
 * and/or/not. String comparisons ignore case, as the directory's do.
 */

export type Literal = string | number | boolean | null;
export type CompareOp = "eq" | "ne" | "ge" | "le" | "gt" | "lt";

export type FilterExpr =
  | { k: "and" | "or"; left: FilterExpr; right: FilterExpr }
  | { k: "not"; expr: FilterExpr }
  | { k: "cmp"; op: CompareOp; path: string; value: Literal }
  | { k: "fn"; fn: "startswith" | "endswith" | "contains"; path: string; value: string }
  | { k: "in"; path: string; values: Literal[] }
  | { k: "any"; path: string; sub: string | undefined; op: CompareOp; value: Literal };

type Token = { t: "str"; v: string } | { t: "word"; v: string } | { t: "punct"; v: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:'((?:[^']|'')*)'|(\d{4}-\d{2}-\d{2}T[\d:.]+Z?)|([A-Za-z0-9_./\-+$]+)|([(),:]))/y;
  let pos = 0;
  while (pos < input.length) {
    if (/^\s*$/.test(input.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(input);
    if (!m) throw graphErrors.invalidFilter();
    if (m[1] !== undefined) tokens.push({ t: "str", v: m[1].replace(/''/g, "'") });
    else if (m[2] !== undefined) tokens.push({ t: "word", v: m[2] });
    else if (m[3] !== undefined) tokens.push({ t: "word", v: m[3] });
    else tokens.push({ t: "punct", v: m[4] as string });
    pos = re.lastIndex;
  }
  return tokens;
}

const compareOps = new Set(["eq", "ne", "ge", "le", "gt", "lt"]);

export function parseFilter(input: string): FilterExpr {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const next = (): Token => {
    const token = tokens[pos++];
    if (!token) throw graphErrors.invalidFilter();
    return token;
  };
  const expect = (v: string): void => {
    const token = next();
    if (token.v.toLowerCase() !== v) throw graphErrors.invalidFilter();
  };
  const isWord = (v: string): boolean => {
    const token = peek();
    return token?.t === "word" && token.v.toLowerCase() === v;
  };
  const literal = (): Literal => {
    const token = next();
    if (token.t === "str") return token.v;
    if (token.t !== "word") throw graphErrors.invalidFilter();
    const lower = token.v.toLowerCase();
    if (lower === "true" || lower === "false") return lower === "true";
    if (lower === "null") return null;
    if (/^-?\d+(\.\d+)?$/.test(token.v)) return Number(token.v);
    return token.v;
  };
  const parseOr = (): FilterExpr => {
    let left = parseAnd();
    while (isWord("or")) {
      next();
      left = { k: "or", left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterExpr => {
    let left = parseUnary();
    while (isWord("and")) {
      next();
      left = { k: "and", left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterExpr => {
    if (isWord("not")) {
      next();
      return { k: "not", expr: parseUnary() };
    }
    if (peek()?.v === "(") {
      next();
      const inner = parseOr();
      expect(")");
      return inner;
    }
    return parsePrimary();
  };
  const parsePrimary = (): FilterExpr => {
    const head = next();
    if (head.t !== "word") throw graphErrors.invalidFilter();
    const fn = head.v.toLowerCase();
    if ((fn === "startswith" || fn === "endswith" || fn === "contains") && peek()?.v === "(") {
      next();
      const path = next();
      expect(",");
      const value = literal();
      expect(")");
      if (path.t !== "word" || typeof value !== "string") throw graphErrors.invalidFilter();
      return { k: "fn", fn, path: path.v, value };
    }
    const anyMatch = /^(.+)\/any$/i.exec(head.v);
    if (anyMatch && peek()?.v === "(") {
      next();
      const variable = next().v;
      expect(":");
      const target = next().v;
      const opToken = next().v.toLowerCase();
      if (!compareOps.has(opToken)) throw graphErrors.invalidFilter();
      const value = literal();
      expect(")");
      const sub =
        target === variable
          ? undefined
          : target.startsWith(`${variable}/`)
            ? target.slice(variable.length + 1)
            : null;
      if (sub === null) throw graphErrors.invalidFilter();
      return { k: "any", path: anyMatch[1] as string, sub, op: opToken as CompareOp, value };
    }
    if (isWord("in")) {
      next();
      expect("(");
      const values: Literal[] = [literal()];
      while (peek()?.v === ",") {
        next();
        values.push(literal());
      }
      expect(")");
      return { k: "in", path: head.v, values };
    }
    const op = next().v.toLowerCase();
    if (!compareOps.has(op)) throw graphErrors.invalidFilter();
    return { k: "cmp", op: op as CompareOp, path: head.v, value: literal() };
  };
  const expr = parseOr();
  if (pos !== tokens.length) throw graphErrors.invalidFilter();
  return expr;
}

export interface FilterUse {
  path: string;
  /** The operator or function that touches the property; "not" marks a negated subtree. */
  how: CompareOp | "startswith" | "endswith" | "contains" | "in" | "any" | "not";
}

/** Every property the filter touches and how, so callers can apply their indexing rules. */
export function filterUses(expr: FilterExpr, negated = false): FilterUse[] {
  switch (expr.k) {
    case "and":
    case "or":
      return [...filterUses(expr.left, negated), ...filterUses(expr.right, negated)];
    case "not":
      return filterUses(expr.expr, true).map((u) => ({ ...u, how: "not" as const }));
    case "cmp":
      return [{ path: expr.path, how: negated ? "not" : expr.op }];
    case "fn":
      return [{ path: expr.path, how: negated ? "not" : expr.fn }];
    case "in":
      return [{ path: expr.path, how: negated ? "not" : "in" }];
    case "any":
      return [{ path: expr.path, how: negated ? "not" : "any" }];
  }
}

export function evaluateFilter(expr: FilterExpr, get: (path: string) => Json | undefined): boolean {
  switch (expr.k) {
    case "and":
      return evaluateFilter(expr.left, get) && evaluateFilter(expr.right, get);
    case "or":
      return evaluateFilter(expr.left, get) || evaluateFilter(expr.right, get);
    case "not":
      return !evaluateFilter(expr.expr, get);
    case "cmp":
      return compare(get(expr.path), expr.op, expr.value);
    case "fn": {
      const actual = get(expr.path);
      if (typeof actual !== "string") return false;
      const a = actual.toLowerCase();
      const v = expr.value.toLowerCase();
      return expr.fn === "startswith"
        ? a.startsWith(v)
        : expr.fn === "endswith"
          ? a.endsWith(v)
          : a.includes(v);
    }
    case "in":
      return expr.values.some((v) => compare(get(expr.path), "eq", v));
    case "any": {
      const collection = get(expr.path);
      if (!Array.isArray(collection)) return false;
      return collection.some((item) => {
        const value =
          expr.sub === undefined ? item : isObject(item) ? (item[expr.sub] as Json | undefined) : undefined;
        return compare(value, expr.op, expr.value);
      });
    }
  }
}

function compare(actual: Json | undefined, op: CompareOp, expected: Literal): boolean {
  const a = normalise(actual === undefined ? null : actual);
  const e = normalise(expected);
  switch (op) {
    case "eq":
      return a === e;
    case "ne":
      return a !== e;
    default: {
      if (a === null || e === null) return false;
      const ord = a < e ? -1 : a > e ? 1 : 0;
      return op === "ge" ? ord >= 0 : op === "le" ? ord <= 0 : op === "gt" ? ord > 0 : ord < 0;
    }
  }
}

function normalise(value: Json): string | number | boolean | null {
  if (typeof value === "string") return value.toLowerCase();
  if (typeof value === "number" || typeof value === "boolean" || value === null) return value;
  return JSON.stringify(value);
}

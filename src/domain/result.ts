import type { z } from "zod";

/** One problem with one field; `field` is a dotted path ("actions.forwardTo.address", "extraGroups.2"). */
export type FieldError = { field: string; message: string };

/** Validation outcome: bad input is a value, never an exception. */
export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(field: string, message: string): Result<T> {
  return { ok: false, errors: [{ field, message }] };
}

export function failAll<T = never>(errors: FieldError[]): Result<T> {
  return { ok: false, errors };
}

/** The name given to an issue about the whole input (not an object, say), so every error names a field. */
export const ROOT_FIELD = "input";

type Issue = z.core.$ZodIssue;

/**
 * Parses with `reportInput`, because that is the only way to tell "missing" from "wrong type" in zod 4's
 * issues, and "is required" is what a person filling a form needs to read.
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root: string = ROOT_FIELD,
): Result<z.output<S>> {
  const parsed = schema.safeParse(input, { reportInput: true });
  return parsed.success ? ok(parsed.data) : failAll(fromZod(parsed.error, root));
}

export function fromZod(error: { issues: readonly Issue[] }, root: string = ROOT_FIELD): FieldError[] {
  return error.issues.flatMap((issue) => fromIssue(issue, [], root));
}

function fromIssue(issue: Issue, prefix: readonly PropertyKey[], root: string): FieldError[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      field: dotted([...path, key], root),
      message: "is not a known field",
    }));
  }
  if (issue.code === "invalid_union") {
    // When exactly one branch got past the type check (its issues sit below the union), the person meant
    // that branch: its specific complaints help more than "matches no accepted form".
    const meant = issue.errors.filter(
      (branch) => branch.length > 0 && branch.every((i) => i.path.length > 0),
    );
    if (meant.length === 1 && meant[0]) return meant[0].flatMap((inner) => fromIssue(inner, path, root));
  }
  return [{ field: dotted(path, root), message: humanMessage(issue) }];
}

function dotted(path: readonly PropertyKey[], root: string): string {
  return path.length === 0 ? root : path.map(segment).join(".");
}

// A key that is empty or holds a dot would make the path unreadable or ambiguous, so it is quoted.
function segment(p: PropertyKey): string {
  const s = String(p);
  return s === "" || s.includes(".") ? JSON.stringify(s) : s;
}

const typeNames: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  record: "an object",
  date: "a date",
};

function humanMessage(issue: Issue): string {
  switch (issue.code) {
    case "invalid_type":
      if ("input" in issue && issue.input === undefined) return "is required";
      return `must be ${typeNames[issue.expected] ?? issue.expected}`;
    case "too_small":
      return tooSmall(issue.origin, Number(issue.minimum), issue.inclusive !== false);
    case "too_big":
      return tooBig(issue.origin, Number(issue.maximum), issue.inclusive !== false);
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_key":
      return `has a key that is not allowed: ${issue.issues.map(humanMessage).join("; ")}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "invalid_union":
      return issue.message === "Invalid input" ? "is not in an accepted form" : issue.message;
    // Our schemas give formats and custom checks their own wording; pass it through.
    default:
      return issue.message;
  }
}

function tooSmall(origin: string, min: number, inclusive: boolean): string {
  if (origin === "string") return min <= 1 ? "must not be empty" : `must be at least ${min} characters`;
  if (origin === "array" || origin === "set")
    return min <= 1 ? "must not be empty" : `must have at least ${min} items`;
  return inclusive ? `must be at least ${min}` : `must be greater than ${min}`;
}

function tooBig(origin: string, max: number, inclusive: boolean): string {
  if (origin === "string") return `must be at most ${max} characters`;
  if (origin === "array" || origin === "set") return `must have at most ${max} items`;
  return inclusive ? `must be at most ${max}` : `must be less than ${max}`;
}

import type { FieldError } from "./result.ts";

/**
 * PostgreSQL cannot keep U+0000 in text or jsonb, and a lone UTF-16 surrogate is not Unicode at all: the
 * driver sends it as U+FFFD, or jsonb refuses its escape. Either would fail a statement half-way through a
 * request or silently change what was stored, so such text is refused where it comes in, naming the field.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Flaw = "nul" | "surrogate";

function flawOf(s: string): Flaw | undefined {
  if (NUL.test(s)) return "nul";
  if (LONE_SURROGATE.test(s)) return "surrogate";
  return undefined;
}

const inValue: Record<Flaw, string> = {
  nul: "must not contain the character U+0000",
  surrogate: "must be valid Unicode text (it holds an unpaired surrogate)",
};
const inKey: Record<Flaw, string> = {
  nul: "has a name holding the character U+0000",
  surrogate: "has a name that is not valid Unicode text (an unpaired surrogate)",
};

/** Why `s` cannot be stored, or undefined when it can. */
export function unstorable(s: string): string | undefined {
  const flaw = flawOf(s);
  return flaw && inValue[flaw];
}

/**
 * Every string and object key in `value` that cannot be stored, as field errors with dotted paths
 * ("extraGroups.1", "actions.forwardTo.address"); `root` names an unstorable value that is not in an object.
 */
export function unstorableFields(value: unknown, root: string): FieldError[] {
  const errors: FieldError[] = [];
  walk(value, [], root, errors);
  return errors;
}

// Deep enough for any body the API takes; deeper input is refused rather than walked without end.
const maxDepth = 64;

function walk(value: unknown, path: string[], root: string, errors: FieldError[]): void {
  if (typeof value === "string") {
    const why = unstorable(value);
    if (why) errors.push({ field: dotted(path, root), message: why });
    return;
  }
  if (typeof value !== "object" || value === null) return;
  if (path.length >= maxDepth) {
    errors.push({ field: dotted(path, root), message: `must not nest deeper than ${maxDepth} levels` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, [...path, String(i)], root, errors));
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const flaw = flawOf(key);
    if (flaw) errors.push({ field: dotted([...path, key], root), message: inKey[flaw] });
    else walk(item, [...path, key], root, errors);
  }
}

// Same shape as domain/result.ts's paths; a key that cannot be stored is written escaped, so the field
// name itself stays storable and readable ("\u0000").
function dotted(path: readonly string[], root: string): string {
  if (path.length === 0) return root;
  return path.map((s) => (s === "" || s.includes(".") || flawOf(s) ? JSON.stringify(s) : s)).join(".");
}

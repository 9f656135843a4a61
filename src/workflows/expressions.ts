import type { StepRef } from "../domain/step-ref.ts";

/**
 * Expressions in a workflow's values: `${path}` alone is the value at the path, `${path}` inside text
 * is that value as text. Paths are dotted names; a segment is looked up only as an own property, so
 * `${request.constructor}` is nothing, never a function of Object.prototype.
 */

const whole = /^\$\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}$/;
const inner = /\$\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}/g;
const anyPlaceholder = /\$\{[^}]*\}?/g;

/** The roots an expression may start at. */
export const expressionRoots = ["request", "client", "vars", "derived", "item", "plan", "steps"] as const;

export interface Scope {
  request: unknown;
  client: unknown;
  vars: unknown;
  derived: unknown;
  item?: unknown;
  plan?: unknown;
}

/** Every `${…}` in a string, with whether it is a well-formed path. */
export function placeholdersOf(text: string): { raw: string; path?: string }[] {
  return [...text.matchAll(anyPlaceholder)].map((m) => {
    const path = whole.exec(m[0])?.[1];
    return path ? { raw: m[0], path } : { raw: m[0] };
  });
}

/** Every path an expression value refers to, with where in the value it sits. */
export function pathsIn(value: unknown, where = ""): { path: string; where: string; whole: boolean }[] {
  if (typeof value === "string")
    return placeholdersOf(value).flatMap((p) =>
      p.path ? [{ path: p.path, where, whole: whole.test(value) }] : [],
    );
  if (Array.isArray(value)) return value.flatMap((v, i) => pathsIn(v, where ? `${where}.${i}` : String(i)));
  if (typeof value === "object" && value !== null)
    return Object.entries(value).flatMap(([k, v]) => pathsIn(v, where ? `${where}.${k}` : k));
  return [];
}

/** Malformed `${…}` (unclosed, empty, not a path), so validation can name them. */
export function malformedIn(value: unknown, where = ""): { raw: string; where: string }[] {
  if (typeof value === "string")
    return placeholdersOf(value).flatMap((p) => (p.path ? [] : [{ raw: p.raw, where }]));
  if (Array.isArray(value))
    return value.flatMap((v, i) => malformedIn(v, where ? `${where}.${i}` : String(i)));
  if (typeof value === "object" && value !== null)
    return Object.entries(value).flatMap(([k, v]) => malformedIn(v, where ? `${where}.${k}` : k));
  return [];
}

export function lookup(scope: Scope, path: string): unknown {
  const [root, ...rest] = path.split(".");
  if (root === "steps") {
    // Another step's output (`steps.<id>.data.<path>`): known when that step has run, so it stays a
    // reference the engine resolves from what the step reported.
    const [key, , ...inside] = rest;
    return { $step: key ?? "", path: inside.join(".") } satisfies StepRef;
  }
  let value: unknown = Object.hasOwn(scope, root as string) ? scope[root as keyof Scope] : undefined;
  for (const part of rest) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The value of an expression: objects and arrays walked, absent values left out of objects. */
export function evaluate(value: unknown, scope: Scope): unknown {
  if (typeof value === "string") {
    const path = whole.exec(value)?.[1];
    if (path) return lookup(scope, path);
    return value.includes("${") ? value.replace(inner, (_, p: string) => asText(lookup(scope, p))) : value;
  }
  if (Array.isArray(value)) return value.map((v) => evaluate(v, scope));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const evaluated = evaluate(v, scope);
      if (evaluated !== undefined) out[k] = evaluated;
    }
    return out;
  }
  return value;
}

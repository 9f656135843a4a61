import type { PortName } from "../ports/index.ts";
import type { Condition } from "./definition.ts";
import { evaluate, lookup, type Scope } from "./expressions.ts";

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Present: there, and not an empty text or list (an unticked optional field arrives as neither). */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return false;
  return !Array.isArray(value) || value.length > 0;
}

export function holds(cond: Condition, scope: Scope, serves: (port: PortName) => boolean): boolean {
  if ("equals" in cond) return same(evaluate(cond.equals[0], scope), evaluate(cond.equals[1], scope));
  if ("in" in cond) {
    const list = evaluate(cond.in[1], scope);
    const value = evaluate(cond.in[0], scope);
    return Array.isArray(list) && list.some((v) => same(v, value));
  }
  if ("present" in cond) return isPresent(lookup(scope, cond.present.replace(/^\$\{\s*|\s*\}$/g, "")));
  if ("all" in cond) return cond.all.every((c) => holds(c, scope, serves));
  if ("any" in cond) return cond.any.some((c) => holds(c, scope, serves));
  if ("not" in cond) return !holds(cond.not, scope, serves);
  return serves(cond.serves);
}

/** The operands of a condition, for validation: each with where it sits. */
export function conditionOperands(
  cond: Condition,
  where: string,
): { value: unknown; where: string; path?: boolean }[] {
  if ("equals" in cond) return cond.equals.map((value, i) => ({ value, where: `${where}.equals.${i}` }));
  if ("in" in cond) return cond.in.map((value, i) => ({ value, where: `${where}.in.${i}` }));
  if ("present" in cond) return [{ value: cond.present, where: `${where}.present`, path: true }];
  if ("all" in cond) return cond.all.flatMap((c, i) => conditionOperands(c, `${where}.all.${i}`));
  if ("any" in cond) return cond.any.flatMap((c, i) => conditionOperands(c, `${where}.any.${i}`));
  if ("not" in cond) return conditionOperands(cond.not, `${where}.not`);
  return [];
}

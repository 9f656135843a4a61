import { failAll, ok, type FieldError, type Result } from "../../domain/result.ts";
import type { Field, Fields } from "./field.ts";

/**
 * A group's choices laid over the client's defaults for it, key by key: a left-out field keeps its
 * default, `false` on an or-off field removes it. A field that `excludes` others (deleting the user rules
 * out the mailbox options): where one side of the conflict is only a default, the explicit choice wins
 * and the default yields; where both were chosen explicitly, the conflict is reported under `path`.
 */
export function overDefaults<T extends Record<string, unknown>>(
  fields: Fields,
  chosen: Record<string, unknown>,
  defaults: T,
  path: string,
): Result<T> {
  // Keys come from the request: "constructor" must not find Object.prototype's.
  const field = (key: string): Field | undefined => (Object.hasOwn(fields, key) ? fields[key] : undefined);
  const picked = Object.entries(chosen).filter(([, v]) => v !== undefined);
  const explicit = new Set(picked.map(([k]) => k));
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of picked) {
    if (value === false && field(key)?.orOff) delete merged[key];
    else merged[key] = value;
  }
  const isOn = (key: string) =>
    field(key)?.kind === "checkbox" ? merged[key] === true : merged[key] !== undefined;
  const switchOff = (key: string) => {
    if (field(key)?.kind === "checkbox") merged[key] = false;
    else delete merged[key];
  };

  const errors: FieldError[] = [];
  for (const [key, field] of Object.entries(fields)) {
    if (!field.excludes || !isOn(key)) continue;
    const chosenConflicts = field.excludes.fields.filter((k) => isOn(k) && explicit.has(k));
    if (explicit.has(key) && chosenConflicts.length) {
      errors.push(conflict(path, key, chosenConflicts, field));
      errors.push(
        ...chosenConflicts.map((k) => ({ field: `${path}.${k}`, message: `cannot be combined with ${key}` })),
      );
    } else if (chosenConflicts.length) switchOff(key);
    else field.excludes.fields.forEach(switchOff);
  }
  if (errors.length) return failAll(errors);
  // Built from `defaults` and values the group's own validators accepted for the same keys.
  return ok(merged as T);
}

function conflict(path: string, key: string, others: readonly string[], field: Field): FieldError {
  return {
    field: `${path}.${key}`,
    message: `cannot be combined with ${others.join(", ")}: ${field.excludes?.because ?? ""}`,
  };
}

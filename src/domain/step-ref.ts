/**
 * A parameter that is another step's output: known only once that step has run, so the plan holds this
 * reference and the engine puts the value in before the step that needs it is bound.
 */
export interface StepRef {
  $step: string;
  /** Dotted path into what the step reported (its outcome's data). */
  path: string;
}

export function isStepRef(value: unknown): value is StepRef {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as StepRef).$step === "string" &&
    typeof (value as StepRef).path === "string" &&
    Object.keys(value).length === 2
  );
}

function at(data: unknown, path: string): unknown {
  let value = data;
  for (const part of path.split(".")) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Replaces every reference in `params` with the value the named step reported. A reference to a step
 * that reported nothing there is a problem named by its parameter, never a silent undefined.
 */
export function resolveStepRefs(
  params: Record<string, unknown>,
  output: (key: string) => Record<string, unknown> | undefined,
): { ok: true; params: Record<string, unknown> } | { ok: false; message: string } {
  const problems: string[] = [];
  const walk = (value: unknown, where: string): unknown => {
    if (isStepRef(value)) {
      const found = at(output(value.$step), value.path);
      if (found === undefined) problems.push(`${where}: step "${value.$step}" reported no ${value.path}`);
      return found;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${where}.${i}`));
    if (typeof value === "object" && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, `${where}.${k}`)]));
    return value;
  };
  const resolved = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, walk(v, k)]));
  return problems.length ? { ok: false, message: problems.join("; ") } : { ok: true, params: resolved };
}

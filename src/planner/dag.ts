import type { Plan } from "../domain/plan.ts";
import type { FieldError } from "../domain/result.ts";
import { findCycle } from "../domain/graph.ts";

/** Checks a plan is a DAG with unique keys and known dependencies; names every problem it finds. */
export function validatePlanGraph(plan: Plan): FieldError[] {
  const errors: FieldError[] = [];
  const keys = new Set<string>();
  for (const [i, a] of plan.actions.entries()) {
    if (keys.has(a.key))
      errors.push({ field: `actions.${i}.key`, message: `duplicate action key "${a.key}"` });
    keys.add(a.key);
  }
  for (const [i, a] of plan.actions.entries()) {
    for (const d of a.deps) {
      if (!keys.has(d))
        errors.push({ field: `actions.${i}.deps`, message: `"${a.key}" depends on unknown action "${d}"` });
    }
  }
  if (errors.length) return errors;
  const cycle = findCycle(new Map(plan.actions.map((a) => [a.key, a.deps])));
  // Reversed, so it reads in the order the steps would run.
  if (cycle)
    errors.push({
      field: "actions",
      message: `plan has a dependency cycle: ${cycle.reverse().join(" -> ")}`,
    });
  return errors;
}

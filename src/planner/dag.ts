import type { Plan } from "../domain/plan.ts";
import type { FieldError } from "../domain/result.ts";

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
  const cycle = findCycle(plan);
  if (cycle) errors.push({ field: "actions", message: `plan has a dependency cycle: ${cycle.join(" -> ")}` });
  return errors;
}

function findCycle(plan: Plan): string[] | undefined {
  const deps = new Map(plan.actions.map((a) => [a.key, a.deps]));
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (key: string): string[] | undefined => {
    if (state.get(key) === "done") return undefined;
    if (state.get(key) === "visiting") return [...path.slice(path.indexOf(key)), key];
    state.set(key, "visiting");
    path.push(key);
    for (const d of deps.get(key) ?? []) {
      const found = visit(d);
      if (found) return found;
    }
    path.pop();
    state.set(key, "done");
    return undefined;
  };
  for (const a of plan.actions) {
    const found = visit(a.key);
    if (found) return found.reverse();
  }
  return undefined;
}

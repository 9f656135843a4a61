import { failAll, ok, parseWith, type FieldError, type Result } from "../domain/result.ts";
import {
  workflowOverlaySchema,
  type StepPatch,
  type WorkflowDefinition,
  type WorkflowOverlay,
  type WorkflowStep,
} from "./definition.ts";

export function parseWorkflowOverlay(input: unknown): Result<WorkflowOverlay> {
  return parseWith(workflowOverlaySchema, input, "workflow");
}

export const refOf = (def: Pick<WorkflowDefinition, "id" | "version">) => `${def.id}@${def.version}`;

function patched(step: WorkflowStep, patch: StepPatch): WorkflowStep {
  const { params, when, forEach, key, maxAttempts, ...rest } = patch;
  const next: WorkflowStep = {
    ...step,
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
  };
  if (params) {
    const merged = { ...step.params };
    for (const [name, value] of Object.entries(params)) {
      if (value === null) delete merged[name];
      else merged[name] = value;
    }
    next.params = merged;
  }
  // null takes an optional field away; absent leaves it as the built-in has it.
  for (const [field, value] of [
    ["when", when],
    ["forEach", forEach],
    ["key", key],
    ["maxAttempts", maxAttempts],
  ] as const) {
    if (value === null) delete next[field];
    else if (value !== undefined) Object.assign(next, { [field]: value });
  }
  return next;
}

/**
 * A client's workflow: the built-in it extends with the overlay's edits. Added steps go before the first
 * step that comes after "all" (the welcome email, the verification), so those still wait for them; an
 * added "all" step goes last. Naming a step the base does not have, or keeping a step that waits for a
 * removed one, is refused naming the overlay's field.
 */
export function applyOverlay(
  base: WorkflowDefinition,
  overlay: WorkflowOverlay,
  pin: { id: string; version: number },
): Result<WorkflowDefinition> {
  const errors: FieldError[] = [];
  if (overlay.extends !== refOf(base))
    errors.push({ field: "extends", message: `is "${overlay.extends}", but the base is ${refOf(base)}` });
  if (overlay.kind !== base.kind)
    errors.push({
      field: "kind",
      message: `is "${overlay.kind}", but ${refOf(base)} is a ${base.kind} workflow`,
    });
  const baseIds = new Set(base.steps.map((s) => s.id));
  const removed = new Set<string>();
  for (const [i, id] of overlay.remove.entries()) {
    if (!baseIds.has(id))
      errors.push({ field: `remove.${i}`, message: `names "${id}", which ${refOf(base)} has no step of` });
    removed.add(id);
  }
  for (const id of Object.keys(overlay.patch)) {
    if (!baseIds.has(id))
      errors.push({ field: `patch.${id}`, message: `names "${id}", which ${refOf(base)} has no step of` });
    else if (removed.has(id))
      errors.push({ field: `patch.${id}`, message: `patches "${id}", which the overlay removes` });
  }
  const added = new Set<string>();
  for (const [i, step] of overlay.add.entries()) {
    if ((baseIds.has(step.id) && !removed.has(step.id)) || added.has(step.id))
      errors.push({ field: `add.${i}.id`, message: `"${step.id}" is already a step of the workflow` });
    added.add(step.id);
  }
  const kept = base.steps
    .filter((s) => !removed.has(s.id))
    .map((s) => (Object.hasOwn(overlay.patch, s.id) ? patched(s, overlay.patch[s.id] as StepPatch) : s));
  const firstAll = kept.findIndex((s) => s.after === "all");
  const at = firstAll === -1 ? kept.length : firstAll;
  const plain = overlay.add.filter((s) => s.after !== "all");
  const last = overlay.add.filter((s) => s.after === "all");
  const steps = [...kept.slice(0, at), ...plain, ...kept.slice(at), ...last];
  for (const step of steps) {
    if (step.after === "all") continue;
    for (const [j, dep] of step.after.entries()) {
      if (removed.has(dep) && !added.has(dep))
        errors.push({
          field: `steps.${step.id}.after.${j}`,
          message: `"${step.id}" comes after "${dep}", which the overlay removes: remove or patch "${step.id}" too`,
        });
    }
  }
  if (errors.length) return failAll(errors);
  return ok({ id: pin.id, version: pin.version, kind: base.kind, extends: refOf(base), steps });
}

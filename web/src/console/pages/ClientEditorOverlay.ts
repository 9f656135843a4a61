/**
 * A client's workflow overlay as the step list edits it. The overlay is the one source of truth (the YAML
 * view shows the same object); the list is computed from it and the built-in it extends, the way the
 * server applies an overlay (src/workflows/overlay.ts), so an edit shows at once and the server's
 * validation only has to confirm it.
 */

export interface Step {
  id: string;
  action: string;
  title: string;
  after?: string[] | "all";
  when?: unknown;
  [field: string]: unknown;
}

export interface Overlay {
  kind: "onboard" | "offboard";
  extends: string;
  remove?: string[];
  add?: Step[];
  patch?: Record<string, Record<string, unknown>>;
  [field: string]: unknown;
}

export interface ListedStep {
  step: Step;
  origin: "builtin" | "added";
  /** The overlay changes this built-in step. */
  patched: boolean;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const afterOf = (s: Step): string[] | "all" => s.after ?? [];

/** The steps in the order the server lists them, then sorted so a step follows those it waits for. */
export function listSteps(base: Step[], overlay: Overlay): ListedStep[] {
  const removed = new Set(overlay.remove ?? []);
  const patches = overlay.patch ?? {};
  const kept: ListedStep[] = base
    .filter((s) => !removed.has(s.id))
    .map((s) => {
      const patch = patches[s.id];
      if (!patch) return { step: s, origin: "builtin", patched: false };
      const next: Step = { ...s };
      for (const [field, value] of Object.entries(patch)) {
        if (field === "params" && value && typeof value === "object") {
          const params = { ...((s.params as Record<string, unknown>) ?? {}) };
          for (const [k, v] of Object.entries(value)) {
            if (v === null) delete params[k];
            else params[k] = v;
          }
          next.params = params;
        } else if (value === null) delete next[field];
        else if (value !== undefined) next[field] = value;
      }
      return { step: next, origin: "builtin", patched: true };
    });
  const added = (overlay.add ?? []).map((s): ListedStep => ({ step: s, origin: "added", patched: false }));
  const firstAll = kept.findIndex((s) => afterOf(s.step) === "all");
  const at = firstAll === -1 ? kept.length : firstAll;
  const plain = added.filter((s) => afterOf(s.step) !== "all");
  const last = added.filter((s) => afterOf(s.step) === "all");
  return topological([...kept.slice(0, at), ...plain, ...kept.slice(at), ...last]);
}

/** Kahn's order, ties kept in list order; a step "after all" waits for every step listed before it. */
function topological(list: ListedStep[]): ListedStep[] {
  const ids = new Set(list.map((l) => l.step.id));
  const deps = new Map<string, Set<string>>();
  list.forEach((l, i) => {
    const after = afterOf(l.step);
    const wanted = after === "all" ? list.slice(0, i).map((p) => p.step.id) : after;
    deps.set(l.step.id, new Set(wanted.filter((d) => ids.has(d) && d !== l.step.id)));
  });
  const out: ListedStep[] = [];
  const placed = new Set<string>();
  let rest = [...list];
  while (rest.length) {
    const next = rest.find((l) => [...(deps.get(l.step.id) ?? [])].every((d) => placed.has(d)));
    // A cycle: the validation names it; list the rest as they come.
    if (!next) return [...out, ...rest];
    out.push(next);
    placed.add(next.step.id);
    rest = rest.filter((l) => l !== next);
  }
  return out;
}

function clone(overlay: Overlay): Overlay {
  return JSON.parse(JSON.stringify(overlay)) as Overlay;
}

/** Sets one field of a step: on an added step directly, on a built-in as a patch (dropped when it undoes). */
export function setStepField(
  overlay: Overlay,
  base: Step[],
  id: string,
  field: string,
  value: unknown,
): Overlay {
  const next = clone(overlay);
  const added = next.add?.find((s) => s.id === id);
  if (added) {
    if (value === undefined) delete added[field];
    else added[field] = value;
    return next;
  }
  const original = base.find((s) => s.id === id);
  if (!original) return next;
  const patch = { ...(next.patch?.[id] ?? {}) };
  const unchanged = same(original[field] ?? (field === "after" ? [] : undefined), value);
  if (unchanged) delete patch[field];
  // null takes an optional field away; absent leaves it as the built-in has it.
  else patch[field] = value === undefined ? null : value;
  const patches = { ...(next.patch ?? {}) };
  if (Object.keys(patch).length) patches[id] = patch;
  else delete patches[id];
  next.patch = patches;
  return next;
}

export function removeStep(overlay: Overlay, id: string): Overlay {
  const next = clone(overlay);
  if (next.add?.some((s) => s.id === id)) {
    next.add = next.add.filter((s) => s.id !== id);
    return next;
  }
  next.remove = [...new Set([...(next.remove ?? []), id])];
  if (next.patch) delete next.patch[id];
  return next;
}

export function restoreStep(overlay: Overlay, id: string): Overlay {
  const next = clone(overlay);
  next.remove = (next.remove ?? []).filter((r) => r !== id);
  return next;
}

export function addStep(overlay: Overlay, step: Step): Overlay {
  const next = clone(overlay);
  next.add = [...(next.add ?? []), step];
  return next;
}

/** Whether the step at `index` can change places with its neighbour (steps "after all" stay last). */
export function canMove(list: ListedStep[], index: number, by: -1 | 1): boolean {
  const a = list[index];
  const b = list[index + by];
  return Boolean(a && b && afterOf(a.step) !== "all" && afterOf(b.step) !== "all");
}

/**
 * Moves a step above (by -1) or below (by 1) its neighbour. The order that matters is `after`, so the
 * move is an edit of it: the step that ends up first no longer waits for the other and takes over what
 * that one waited for; the other now waits for it. Two added steps also swap places in the overlay.
 */
export function moveStep(overlay: Overlay, base: Step[], id: string, by: -1 | 1): Overlay {
  const list = listSteps(base, overlay);
  const index = list.findIndex((l) => l.step.id === id);
  if (!canMove(list, index, by)) return overlay;
  const moving = list[index] as ListedStep;
  const neighbour = list[index + by] as ListedStep;
  const [first, second] = by === -1 ? [moving.step, neighbour.step] : [neighbour.step, moving.step];
  const firstAfter = afterOf(first) as string[];
  const secondAfter = afterOf(second) as string[];
  const newFirst = firstAfter.includes(second.id)
    ? [...new Set([...firstAfter.filter((d) => d !== second.id), ...secondAfter])].filter(
        (d) => d !== first.id,
      )
    : firstAfter;
  const newSecond = [...new Set([...secondAfter.filter((d) => d !== first.id), first.id])];
  let next = setStepField(overlay, base, first.id, "after", newFirst);
  next = setStepField(next, base, second.id, "after", newSecond);
  const adds = next.add ?? [];
  const i = adds.findIndex((s) => s.id === first.id);
  const j = adds.findIndex((s) => s.id === second.id);
  if (i !== -1 && j !== -1 && i > j) {
    const swapped = [...adds];
    [swapped[i], swapped[j]] = [swapped[j] as Step, swapped[i] as Step];
    next.add = swapped;
  }
  return next;
}

export interface FieldError {
  field: string;
  message: string;
}

/** The validation's errors by the step they name (`steps.<id>`, `add.<n>`, `patch.<id>`, `remove.<n>`). */
export function errorsByStep(
  errors: FieldError[],
  overlay: Overlay,
): { steps: Map<string, FieldError[]>; general: FieldError[] } {
  const steps = new Map<string, FieldError[]>();
  const general: FieldError[] = [];
  for (const e of errors) {
    const parts = e.field.replace(/^workflow\./, "").split(".");
    let id: string | undefined;
    let rest: string[] = [];
    if ((parts[0] === "steps" || parts[0] === "patch") && parts[1]) {
      id = parts[1];
      rest = parts.slice(2);
      // validate.ts names a duplicated id by its position.
      if (/^\d+$/.test(id)) id = undefined;
    } else if (parts[0] === "add" && parts[1]) {
      id = overlay.add?.[Number(parts[1])]?.id;
      rest = parts.slice(2);
    } else if (parts[0] === "remove" && parts[1]) {
      id = overlay.remove?.[Number(parts[1])];
    }
    if (id === undefined) general.push(e);
    else steps.set(id, [...(steps.get(id) ?? []), { field: rest.join(".") || "step", message: e.message }]);
  }
  return { steps, general };
}

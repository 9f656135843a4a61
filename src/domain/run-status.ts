import type { GateKind } from "./plan.ts";

export const runStatuses = [
  "scheduled",
  "awaiting-approval",
  "running",
  "waiting",
  "completed",
  "completed-with-warnings",
  "failed",
  "cancelled",
] as const;
export type RunStatus = (typeof runStatuses)[number];

export const terminalRunStatuses: ReadonlySet<RunStatus> = new Set([
  "completed",
  "completed-with-warnings",
  "failed",
  "cancelled",
]);

export const actionStates = [
  "pending",
  "ready",
  "running",
  "waiting",
  "retry",
  "succeeded",
  "already-done",
  "skipped",
  "failed",
  "blocked",
  "cancelled",
] as const;
export type ActionState = (typeof actionStates)[number];

export const finalActionStates: ReadonlySet<ActionState> = new Set([
  "succeeded",
  "already-done",
  "skipped",
  "failed",
  "blocked",
  "cancelled",
]);

export interface ActionSummary {
  type: string;
  /** For a gate step, what it waits for; null for a step that does work. */
  gate: GateKind | null;
  state: ActionState;
  required: boolean;
  attempts: number;
  runAt: Date;
}

export interface RunFacts {
  startAt: Date;
  cancelRequested: boolean;
}

/**
 * The run's status is a function of its actions, never a field someone sets: a run cannot read "completed"
 * while a required step failed or was never reached.
 */
export function deriveRunStatus(run: RunFacts, actions: readonly ActionSummary[], now: Date): RunStatus {
  const open = actions.filter((a) => !finalActionStates.has(a.state));
  if (run.cancelRequested) return open.some((a) => a.state === "running") ? "running" : "cancelled";
  if (open.length === 0) {
    if (actions.some((a) => a.required && (a.state === "failed" || a.state === "blocked"))) return "failed";
    if (actions.some((a) => a.state === "cancelled" && a.required)) return "cancelled";
    if (actions.some((a) => a.state === "failed" || a.state === "blocked")) return "completed-with-warnings";
    return "completed";
  }
  if (open.some((a) => a.gate === "approval")) return "awaiting-approval";
  if (open.some((a) => a.state === "running")) return "running";
  // A gate decided (or waited on) is not work begun: a run approved ahead of its start is still scheduled.
  const work = actions.filter((a) => a.gate === null);
  const started = work.some((a) => a.attempts > 0 || finalActionStates.has(a.state));
  if (!started && run.startAt > now) return "scheduled";
  // run_at is stored rounded to the millisecond and `now` arrives truncated to it: a step made ready
  // "now" can read up to 1 ms ahead, and must not make the run look like it is waiting.
  const due = (a: ActionSummary) => a.runAt.getTime() <= now.getTime() + 1;
  if (open.some((a) => (a.state === "ready" || a.state === "retry" || a.state === "waiting") && due(a)))
    return "running";
  return "waiting";
}

import { resolveStepRefs } from "../domain/step-ref.ts";
import type { ActionCatalog, BoundStep, StepInfo } from "../actions/define.ts";
import { retryableKinds, toFailure } from "../domain/errors.ts";
import type { Failure } from "../domain/errors.ts";
import type { Applied, Outcome, VendorCall } from "../domain/outcome.ts";
import { runInStepScope } from "../observability/step-scope.ts";
import { gateType, urgentPriority } from "../domain/plan.ts";
import { decideGate } from "./gate.ts";
import type { StepQueue } from "./step-queue.ts";
import type { ClaimedAction, EngineTuning, Transition } from "./types.ts";

const defaultVerifyDeadlineMs = 120_000;

export interface StepDeps<Caps> {
  queue: StepQueue;
  catalog: ActionCatalog<Caps>;
  caps: Caps;
  tuning: EngineTuning;
  signal: AbortSignal;
}

/**
 * One attempt of one step. `plan` always comes first, so a step resumed after a crash reads the world
 * before it changes it: what an interrupted attempt already did is found, not done again.
 */
export async function executeStep<Caps>(a: ClaimedAction, deps: StepDeps<Caps>): Promise<Transition> {
  if (a.type === gateType) return decideGate(a, await deps.queue.gateSignals(a));
  const calls: VendorCall[] = [];
  const urgent = a.priority >= urgentPriority;
  return withCalls(
    await runInStepScope({ calls, signal: deps.signal, urgent }, () => attempt(a, deps)),
    calls,
  );
}

/**
 * The attempt's vendor calls go with its outcome; a succeeded step's request id is its last change (the
 * write support would be asked about), unless the action named one.
 */
function withCalls(t: Transition, calls: VendorCall[]): Transition {
  if (!calls.length) return t;
  const o = t.outcome;
  if (o.kind === "succeeded") {
    const write = calls.findLast((c) => !c.call.startsWith("GET ") && c.status < 300 && c.requestId);
    return { ...t, outcome: { ...o, calls, requestId: o.requestId ?? write?.requestId } } as Transition;
  }
  if (o.kind === "failed") return { ...t, outcome: { ...o, calls } } as Transition;
  return t;
}

async function attempt<Caps>(a: ClaimedAction, deps: StepDeps<Caps>): Promise<Transition> {
  const def = deps.catalog.get(a.type);
  if (!def) {
    return failed({
      kind: "fatal",
      code: "UNKNOWN_ACTION",
      message: `no action "${a.type}" in this worker's catalogue`,
    });
  }
  // The params are parsed and the ports checked before `plan`: a bad field or a missing connector fails
  // the step naming it, and the action gets exactly the types it declared.
  const ctx = stepContext(a, deps);
  const refs = resolveStepRefs(a.params, ctx.output);
  if (!refs.ok)
    return failed({
      kind: "invalid",
      code: "INVALID_PARAMS",
      message: `step "${a.key}" (${a.type}) has invalid params: ${refs.message}`,
    });
  const bound = def.bind(refs.params, deps.caps, ctx);
  if (!bound.ok) return failed(bound.failure);
  const step = bound.step;
  const verifyDeadlineMs = def.verifyDeadlineMs;
  try {
    if (a.phase === "verify") return await verifyStep(step, verifyDeadlineMs, a, a.applied ?? undefined);
    const plan = await step.plan();
    switch (plan.kind) {
      case "already-done":
        return final({
          kind: "already-done",
          detail: ctx.inDoubt
            ? `${plan.detail ?? "found done"} (after an interrupted attempt; nothing applied again)`
            : plan.detail,
        });
      case "skip":
        return final({ kind: "skipped", reason: plan.reason });
      case "wait":
        return waitOrTimeout(
          a,
          plan.for,
          plan.retryInMs ?? deps.tuning.pollMs,
          plan.deadlineMs,
          "plan",
          plan.needs,
        );
      case "will-change":
        break;
    }
    await deps.queue.markApplying(a, plan.summary);
    const applied = await step.apply();
    if (applied.kind === "wait") {
      return waitOrTimeout(
        a,
        applied.for,
        applied.retryInMs ?? deps.tuning.pollMs,
        applied.deadlineMs,
        "plan",
        applied.needs,
      );
    }
    const { kind: _done, ...change } = applied;
    return await verifyStep(step, verifyDeadlineMs, a, { ...change, appliedAt: new Date().toISOString() });
  } catch (err) {
    const f = toFailure(err);
    if (retryableKinds.has(f.kind) && a.attempts < a.maxAttempts) {
      return {
        kind: "retry",
        outcome: { kind: "failed", error: f },
        retryAfterMs: f.retryAfterMs,
        phase: a.phase === "verify" ? "verify" : "plan",
      };
    }
    return failed(f);
  }
}

async function verifyStep(
  step: BoundStep,
  verifyDeadlineMs: number | undefined,
  a: ClaimedAction,
  applied: Applied | undefined,
): Promise<Transition> {
  const v = await step.verify();
  // What the re-read saw goes with the outcome whichever way it went; the change's own data comes first.
  const seen = v.data ? { data: v.data } : {};
  if (v.kind === "verified") {
    return final({
      kind: "succeeded",
      detail: applied?.detail ?? v.detail,
      requestId: applied?.requestId,
      data: applied?.data || v.data ? { ...v.data, ...applied?.data } : undefined,
      appliedAt: applied?.appliedAt,
    });
  }
  if (v.settled)
    return failed({ kind: "fatal", code: "NOT_VERIFIED", message: `re-read found: ${v.observed}` }, seen);
  const deadline = verifyDeadlineMs ?? defaultVerifyDeadlineMs;
  const t = waitOrTimeout(a, `verification (observed: ${v.observed})`, 2_000, deadline, "verify");
  if (t.kind === "wait") return { ...t, outcome: { ...t.outcome, ...(applied ? { applied } : {}), ...seen } };
  if (t.kind === "final") {
    return failed(
      {
        kind: "fatal",
        code: "NOT_VERIFIED",
        message: `change not observed after re-reading: ${v.observed}`,
      },
      seen,
    );
  }
  return t;
}

function waitOrTimeout(
  a: ClaimedAction,
  what: string,
  retryInMs: number,
  deadlineMs: number | undefined,
  phase: "plan" | "verify",
  needs?: "person",
): Transition {
  if (a.deadlineAt && Date.now() >= a.deadlineAt.getTime()) {
    return failed({
      kind: "transient",
      code: "WAIT_TIMED_OUT",
      message: `gave up waiting for ${what} at ${a.deadlineAt.toISOString()}`,
    });
  }
  return {
    kind: "wait",
    outcome: {
      kind: "waiting",
      for: what,
      until: new Date(Date.now() + retryInMs).toISOString(),
      ...(needs ? { needs } : {}),
    },
    retryInMs,
    deadlineMs,
    phase,
  };
}

// Blocked is never an attempt's own ending: it is written on dependents when a required step fails.
function final(
  outcome: Exclude<Outcome, { kind: "waiting" } | { kind: "failed" } | { kind: "blocked" }>,
): Transition {
  return { kind: "final", state: outcome.kind, outcome };
}

function failed(error: Failure, seen: { data?: Record<string, unknown> } = {}): Transition {
  return { kind: "final", state: "failed", outcome: { kind: "failed", error, ...seen } };
}

function stepContext<Caps>(a: ClaimedAction, deps: StepDeps<Caps>): StepInfo {
  return {
    idempotencyKey: `${a.runId}:${a.key}`,
    runId: a.runId,
    actionKey: a.key,
    attempt: a.attempts,
    // An attempt that died while still planning changed nothing; only one that began applying leaves doubt.
    inDoubt: a.previousState === "running" && a.phase === "apply",
    firstAttempt: a.firstAttempt,
    attemptStartedAt: a.claimedAt,
    runStartAt: a.runStartAt,
    signal: deps.signal,
    output: (key) => a.outputs[key],
  };
}

import { z } from "zod";
import { approverSchema, requestedBySchema } from "../domain/approval.ts";
import { gateKinds, type GateKind, type GateParams } from "../domain/plan.ts";
import type { GateSignals } from "./step-queue.ts";
import type { ClaimedAction, Transition } from "./types.ts";

const isGateKind = (v: unknown): v is GateKind => gateKinds.some((k) => k === v);

/** The gate's params as stored; a row written by hand or by an older version names what is wrong. */
export function gateParamsOf(params: Record<string, unknown>): GateParams | string {
  const { kind, who, ask, approvers, requestedBy } = params;
  if (!isGateKind(kind))
    return `gate kind must be one of ${gateKinds.join(", ")}, not ${JSON.stringify(kind)}`;
  if (typeof who !== "string" || !who) return "gate params need `who` (who may act on it)";
  if (typeof ask !== "string" || !ask) return "gate params need `ask` (what is asked)";
  const listed = approvers === undefined ? undefined : approverList.safeParse(approvers);
  if (listed && !listed.success) return "gate params' `approvers` must list people by address or staff";
  const asked = requestedBy === undefined ? undefined : requestedBySchema.safeParse(requestedBy);
  if (asked && !asked.success) return "gate params' `requestedBy` must hold addresses and account ids";
  return {
    kind,
    who,
    ask,
    ...(listed ? { approvers: listed.data } : {}),
    ...(asked ? { requestedBy: asked.data } : {}),
  };
}

const approverList = z.array(approverSchema).min(1);

/**
 * A gate is a step like any other: it holds no worker, it is claimed when a signal for it arrives or when
 * it expires, and it decides from its own signals only. An approval is of the plan, so it counts only for
 * the plan hash it was given; a manual task is done in the world, and its signal stands whatever the hash.
 */
export function decideGate(a: ClaimedAction, { signals, now }: GateSignals): Transition {
  const params = gateParamsOf(a.params);
  if (typeof params === "string") {
    return {
      kind: "final",
      state: "failed",
      outcome: { kind: "failed", error: { kind: "invalid", code: "INVALID_PARAMS", message: params } },
    };
  }
  const reject = signals.find((s) => s.kind === "reject");
  if (reject) {
    return {
      kind: "final",
      state: "skipped",
      outcome: {
        kind: "skipped",
        reason: `rejected by ${reject.actor}${reject.note ? `: ${reject.note}` : ""}`,
      },
      cancelRun: `rejected by ${reject.actor}`,
    };
  }
  const approval = params.kind === "approval";
  const approve = signals.find((s) => s.kind === "approve" && (!approval || s.planHash === a.planHash));
  if (approve) {
    return {
      kind: "final",
      state: "succeeded",
      outcome: {
        kind: "succeeded",
        detail: `${approval ? "approved" : "done"} by ${approve.actor} at ${approve.at.toISOString()}${approve.note && !approval ? `: ${approve.note}` : ""}`,
      },
    };
  }
  if (a.deadlineAt && now >= a.deadlineAt) {
    return {
      kind: "final",
      state: "failed",
      outcome: {
        kind: "failed",
        error: approval
          ? {
              kind: "fatal",
              code: "APPROVAL_EXPIRED",
              message: `no approval before ${a.deadlineAt.toISOString()}`,
            }
          : {
              kind: "fatal",
              code: "WAIT_TIMED_OUT",
              message: `${params.who} did not ${params.ask} before ${a.deadlineAt.toISOString()}`,
            },
      },
    };
  }
  // Without a deadline the gate is looked at now and then; a signal makes it due at once anyway.
  const remaining = a.deadlineAt ? a.deadlineAt.getTime() - now.getTime() : 60_000;
  return {
    kind: "wait",
    outcome: {
      kind: "waiting",
      for: approval ? "approval" : `${params.who} to ${params.ask}`,
      until: new Date(Date.now() + remaining).toISOString(),
      needs: "person",
    },
    retryInMs: remaining,
    phase: "plan",
  };
}

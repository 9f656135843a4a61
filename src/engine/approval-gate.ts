import type { Store } from "../store/sql.ts";
import type { ClaimedAction, Transition } from "./types.ts";

interface SignalRow {
  kind: "approve" | "reject";
  actor: string;
  planHash: string | null;
  note: string | null;
  at: Date;
}

/**
 * The approval wait is a step like any other: it holds no worker, it is claimed when a signal arrives or
 * when it expires, and it reads the signals rows to decide. An approval is for one plan hash only.
 */
export async function decideApproval(store: Store, a: ClaimedAction): Promise<Transition> {
  const signals = await store.query<SignalRow>(
    `select kind, actor, plan_hash as "planHash", note, at from signals where run_id = $1 order by id`,
    [a.runId],
  );
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
  const approve = signals.find((s) => s.kind === "approve" && s.planHash === a.planHash);
  if (approve) {
    return {
      kind: "final",
      state: "succeeded",
      outcome: { kind: "succeeded", detail: `approved by ${approve.actor} at ${approve.at.toISOString()}` },
    };
  }
  const [now] = await store.query<{ now: Date }>("select now() as now");
  if (a.deadlineAt && now && now.now >= a.deadlineAt) {
    return {
      kind: "final",
      state: "failed",
      outcome: {
        kind: "failed",
        error: {
          kind: "fatal",
          code: "APPROVAL_EXPIRED",
          message: `no approval before ${a.deadlineAt.toISOString()}`,
        },
      },
    };
  }
  const remaining = a.deadlineAt && now ? a.deadlineAt.getTime() - now.now.getTime() : 60_000;
  return {
    kind: "wait",
    outcome: { kind: "waiting", for: "approval", until: new Date(Date.now() + remaining).toISOString() },
    retryInMs: remaining,
    phase: "plan",
  };
}

import type { Outcome } from "../../domain/outcome.ts";
import type { Sql, Store } from "../../store/sql.ts";
import { txWithRetry } from "../../store/sql.ts";
import { appendEvent, wakeWorkers } from "../events.ts";
import type { ClaimedAction, EngineTuning, Transition } from "../types.ts";
import { blockDependents, cancelOpenActions, readyDependents } from "./dependents.ts";
import { refreshRunStatus } from "./run-status.ts";

/** Every write below carries `fence`: a worker whose lease was taken over matches no row and changes nothing. */
const fenced = "id = $1 and fence = $2 and state = 'running'";

export class LeaseLost extends Error {
  constructor(readonly actionKey: string) {
    super(`lease on ${actionKey} was taken over by another worker`);
  }
}

/** Records that `apply` is about to run, so a crash from here on is known to have been mid-change. */
export async function markApplying(store: Store, a: ClaimedAction, summary: string): Promise<void> {
  await txWithRetry(store, async (sql) => {
    const rows = await sql.query(`update actions set phase = 'apply' where ${fenced} returning id`, [a.id, a.fence]);
    if (!rows.length) throw new LeaseLost(a.key);
    await appendEvent(sql, { runId: a.runId, actionKey: a.key, type: "action.applying", message: summary });
  });
}

/** Writes the end of an attempt, the attempt's history row, the event, and what it unblocks, at once. */
export async function checkpoint(
  store: Store,
  a: ClaimedAction,
  t: Transition,
  tuning: EngineTuning,
): Promise<void> {
  await txWithRetry(store, async (sql) => {
    // Completions within one run take turns: two last dependencies finishing at once must not each
    // see the other as unfinished and leave their dependent pending forever.
    await sql.query("select id from runs where id = $1 for update", [a.runId]);
    const updated = await writeTransition(sql, a, t, tuning);
    if (!updated) throw new LeaseLost(a.key);
    await sql.query(
      `insert into attempts (action_id, run_id, attempt, fence, worker, in_doubt, started_at, outcome)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [a.id, a.runId, a.attempts, a.fence, a.worker, a.previousState === "running", a.startedAt, JSON.stringify(t.outcome)],
    );
    await appendEvent(sql, {
      runId: a.runId,
      actionKey: a.key,
      type: eventType(t),
      outcome: t.outcome.kind,
      message: describe(t.outcome),
      requestId: requestIdOf(t.outcome),
      detail: t.outcome,
    });
    if (t.kind === "final") {
      if (t.cancelRun) await cancelRun(sql, a.runId, t.cancelRun, "engine");
      else if (t.state === "failed") await blockDependents(sql, a.runId, a.key);
      else await readyDependents(sql, a.runId, a.key);
    }
    // A freed tenant slot or a newly ready step may be claimable by a worker in another process.
    await wakeWorkers(sql);
    await refreshRunStatus(sql, a.runId);
  });
}

async function writeTransition(sql: Sql, a: ClaimedAction, t: Transition, tuning: EngineTuning): Promise<boolean> {
  const outcome = JSON.stringify(t.outcome);
  switch (t.kind) {
    case "final": {
      const rows = await sql.query(
        `update actions set state = $3, outcome = $4, finished_at = now(), lease_owner = null, lease_until = null
          where ${fenced} returning id`,
        [a.id, a.fence, t.state, outcome],
      );
      return rows.length > 0;
    }
    case "wait": {
      const rows = await sql.query(
        `update actions set state = 'waiting', outcome = $3, phase = $4, lease_owner = null, lease_until = null,
                run_at = now() + $5 * interval '1 millisecond',
                waiting_since = coalesce(waiting_since, now()),
                deadline_at = coalesce(deadline_at, now() + $6 * interval '1 millisecond')
          where ${fenced} returning id`,
        [a.id, a.fence, outcome, t.phase, t.retryInMs, t.deadlineMs ?? null],
      );
      return rows.length > 0;
    }
    case "retry": {
      // Exponential backoff with jitter, never sooner than the vendor's Retry-After.
      const rows = await sql.query(
        `update actions set state = 'retry', outcome = $3, phase = $4, lease_owner = null, lease_until = null,
                run_at = now() + greatest(
                  coalesce($5::double precision, 0),
                  least($6::double precision * power(2, attempts - 1), $7::double precision) * (0.5 + random() / 2)
                ) * interval '1 millisecond'
          where ${fenced} returning id`,
        [a.id, a.fence, outcome, t.phase, t.retryAfterMs ?? null, tuning.backoffBaseMs, tuning.backoffCapMs],
      );
      return rows.length > 0;
    }
  }
}

function requestIdOf(o: Outcome): string | null {
  if (o.kind === "succeeded") return o.requestId ?? null;
  if (o.kind === "failed") return o.error.requestId ?? null;
  return null;
}

function eventType(t: Transition): string {
  if (t.kind === "wait") return "action.waiting";
  if (t.kind === "retry") return "action.retry-scheduled";
  return `action.${t.state}`;
}

export function describe(o: Outcome): string {
  switch (o.kind) {
    case "succeeded":
      return o.detail ?? "succeeded";
    case "already-done":
      return o.detail ?? "already done; nothing changed";
    case "skipped":
      return `skipped: ${o.reason}`;
    case "waiting":
      return `waiting for ${o.for}`;
    case "failed":
      return `failed (${o.error.kind}${o.error.code ? `, ${o.error.code}` : ""}): ${o.error.message}`;
  }
}

/** Cancels what has not started; a step in flight finishes its attempt and is recorded truthfully. */
export async function cancelRun(sql: Sql, runId: string, reason: string, actor: string): Promise<void> {
  await sql.query(
    `update runs set cancel_requested_at = coalesce(cancel_requested_at, now()), cancel_reason = coalesce(cancel_reason, $2)
      where id = $1`,
    [runId, reason],
  );
  await cancelOpenActions(sql, runId, reason);
  await appendEvent(sql, { runId, type: "run.cancel", message: `cancelled by ${actor}: ${reason}` });
}

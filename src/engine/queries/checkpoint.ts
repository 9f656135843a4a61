import type { Outcome } from "../../domain/outcome.ts";
import type { Sql, Store } from "../../store/sql.ts";
import { txWithRetry } from "../../store/sql.ts";
import { appendEvent } from "../events.ts";
import { LeaseLost } from "../step-queue.ts";
import type { ClaimedAction, EngineTuning, Transition } from "../types.ts";
import { blockDependents, cancelOpenActions, readyDependents } from "./dependents.ts";
import { lockRunRow, refreshRunStatus } from "./run-status.ts";

/** Every write carries `fence`: a worker whose lease was taken over matches no row and changes nothing. */
export const fenced = "id = $1 and fence = $2 and state = 'running'";

/** Writes the end of an attempt, the attempt's history row, the event, and what it unblocks, at once. */
export async function checkpoint(
  store: Store,
  a: ClaimedAction,
  t: Transition,
  tuning: EngineTuning,
): Promise<void> {
  await txWithRetry(store, async (sql) => {
    const locked = await lockRunRow(sql, a.runId);
    const updated = await writeTransition(sql, a, t, tuning);
    if (!updated) throw new LeaseLost(a.key);
    await appendEvent(
      sql,
      {
        runId: a.runId,
        actionKey: a.key,
        type: eventType(t),
        outcome: t.outcome.kind,
        message: describe(t.outcome),
        requestId: requestIdOf(t.outcome),
        detail: t.outcome,
      },
      { wake: true },
    ); // a freed tenant slot or a ready dependent may be claimable by another process
    if (t.kind === "final") {
      if (t.cancelRun) await cancelRun(sql, a.runId, t.cancelRun, "engine");
      // A best-effort step that failed leaves a warning, not a wall: what depends on it still runs.
      else if (t.state === "failed" && a.required) await blockDependents(sql, a.runId, a.key);
      else await readyDependents(sql, a.runId, a.key);
    }
    await refreshRunStatus(sql, a.runId, t.kind === "final" && t.cancelRun ? undefined : locked);
  });
}

/** The fenced update and the attempt's history row, as one statement. */
async function writeTransition(
  sql: Sql,
  a: ClaimedAction,
  t: Transition,
  tuning: EngineTuning,
): Promise<boolean> {
  const outcome = JSON.stringify(t.outcome);
  const history = (update: string) => `with u as (${update} where ${fenced} returning id, run_id, fence)
    insert into attempts (action_id, run_id, attempt, fence, worker, in_doubt, started_at, outcome)
    select id, run_id, $3, fence, $4, $5, $6, $7 from u returning id`;
  const base = [a.id, a.fence, a.attempts, a.worker, a.previousState === "running", a.claimedAt, outcome];
  let rows: unknown[];
  switch (t.kind) {
    case "final":
      rows = await sql.query(
        history(
          `update actions set state = $8, outcome = $7, finished_at = now(), lease_owner = null, lease_until = null`,
        ),
        [...base, t.state],
      );
      break;
    case "wait":
      rows = await sql.query(
        history(`update actions set state = 'waiting', outcome = $7, phase = $8, lease_owner = null, lease_until = null,
                -- Polls back off: never sooner than asked, and a quarter of the time waited so far
                -- (capped), so a mailbox that takes an hour is not asked about every five seconds.
                run_at = now() + greatest(
                  $9::double precision,
                  least(extract(epoch from (now() - coalesce(waiting_since, now()))) * 250, $11::double precision)
                ) * interval '1 millisecond',
                waiting_since = coalesce(waiting_since, now()),
                deadline_at = coalesce(deadline_at, now() + $10 * interval '1 millisecond')`),
        [...base, t.phase, t.retryInMs, t.deadlineMs ?? null, tuning.pollCapMs],
      );
      break;
    case "retry":
      // Exponential backoff with jitter, never sooner than the vendor's Retry-After.
      rows = await sql.query(
        history(`update actions set state = 'retry', outcome = $7, phase = $8, lease_owner = null, lease_until = null,
                run_at = now() + greatest(
                  coalesce($9::double precision, 0),
                  least($10::double precision * power(2, attempts - 1), $11::double precision) * (0.5 + random() / 2)
                ) * interval '1 millisecond'`),
        [...base, t.phase, t.retryAfterMs ?? null, tuning.backoffBaseMs, tuning.backoffCapMs],
      );
      break;
  }
  return rows.length > 0;
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

function describe(o: Outcome): string {
  switch (o.kind) {
    case "succeeded":
      return o.detail ?? "succeeded";
    case "already-done":
      return o.detail ?? "already done; nothing changed";
    case "skipped":
      return `skipped: ${o.reason}`;
    case "blocked":
      return o.reason;
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

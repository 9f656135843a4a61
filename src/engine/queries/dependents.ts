import type { Sql } from "../../store/sql.ts";
import { appendEvent } from "../events.ts";

/**
 * Steps whose every dependency has finished without a required failure become ready, not before the
 * run's start: the dependents of `key`, or with `key` null every pending step of the run (a retry). An
 * `always` step becomes ready once its dependencies have finished, however they ended.
 */
export async function readyDependents(sql: Sql, runId: string, key: string | null): Promise<number> {
  const rows = await sql.query<{ key: string }>(
    `update actions d set state = 'ready', run_at = greatest(now(), r.start_at)
       from runs r
      where d.run_id = $1 and r.id = d.run_id and d.state = 'pending' and ($2::text is null or $2 = any(d.deps))
        and r.cancel_requested_at is null
        and not exists (select 1 from actions x
                         where x.run_id = d.run_id and x.key = any(d.deps)
                           and not (x.state in ('succeeded', 'already-done', 'skipped') or (x.state = 'failed' and not x.required)
                                    or (d.always and x.state in ('failed', 'blocked', 'cancelled'))))
      returning d.key`,
    [runId, key],
  );
  return rows.length;
}

/**
 * Everything downstream of a failed step is blocked, with the reason and the step that failed, instead of
 * running on bad ground; an `always` step is not, and neither is what comes only after it. It runs once
 * what it waits for has finished.
 */
export async function blockDependents(sql: Sql, runId: string, key: string): Promise<void> {
  const rows = await sql.query<{ key: string }>(
    `with recursive down(key) as (
        select a.key from actions a where a.run_id = $1 and $2 = any(a.deps) and not a.always
        union
        select a.key from actions a join down on down.key = any(a.deps) where a.run_id = $1 and not a.always)
     update actions set state = 'blocked', finished_at = now(),
            outcome = jsonb_build_object('kind', 'blocked', 'reason', 'not run: ' || $2 || ' failed',
                                         'by', jsonb_build_array($2::text))
      where run_id = $1 and key in (select key from down) and state = 'pending'
      returning key`,
    [runId, key],
  );
  for (const r of rows) {
    await appendEvent(sql, {
      runId,
      actionKey: r.key,
      type: "action.blocked",
      outcome: "blocked",
      message: `not run: ${key} failed`,
    });
  }
  // An `always` step after the failed one, or after what was just blocked, may have nothing left to wait for.
  await readyDependents(sql, runId, null);
}

export async function cancelOpenActions(sql: Sql, runId: string, reason: string): Promise<void> {
  const rows = await sql.query<{ key: string }>(
    `update actions set state = 'cancelled', finished_at = now(),
            outcome = jsonb_build_object('kind', 'skipped', 'reason', 'cancelled: ' || $2)
      where run_id = $1 and state in ('pending', 'ready', 'waiting', 'retry')
      returning key`,
    [runId, reason],
  );
  for (const r of rows) {
    await appendEvent(sql, {
      runId,
      actionKey: r.key,
      type: "action.cancelled",
      outcome: "skipped",
      message: `cancelled: ${reason}`,
    });
  }
}

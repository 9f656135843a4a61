import { gateType } from "../../domain/plan.ts";
import {
  type ActionSummary,
  type RunStatus,
  deriveRunStatus,
  terminalRunStatuses,
} from "../../domain/run-status.ts";
import type { Sql } from "../../store/sql.ts";
import { appendEvent } from "../events.ts";

export interface LockedRun {
  status: RunStatus;
  startAt: Date;
  cancelRequestedAt: Date | null;
  now: Date;
}

/**
 * Transitions within one run take turns on the run's row: two last dependencies finishing at once must
 * not each see the other as unfinished (and leave their dependent pending), nor race on the status.
 */
export async function lockRunRow(sql: Sql, runId: string): Promise<LockedRun> {
  const [run] = await sql.query<LockedRun>(
    `select status, start_at as "startAt", cancel_requested_at as "cancelRequestedAt", now() as now
       from runs where id = $1 for update`,
    [runId],
  );
  if (!run) throw new Error(`run ${runId} not found`);
  return run;
}

/** Re-derives the run's status from its actions and stores the result as a cache for listings. */
export async function refreshRunStatus(sql: Sql, runId: string, locked?: LockedRun): Promise<RunStatus> {
  const run = locked ?? (await lockRunRow(sql, runId));
  const actions = await sql.query<ActionSummary>(
    `select type, case when type = $2 then params->>'kind' end as gate, state, required, attempts, run_at as "runAt"
       from actions where run_id = $1`,
    [runId, gateType],
  );
  const status = deriveRunStatus(
    { startAt: run.startAt, cancelRequested: run.cancelRequestedAt !== null },
    actions,
    run.now,
  );
  if (status !== run.status) {
    const terminal = terminalRunStatuses.has(status);
    await sql.query(
      `update runs set status = $2, updated_at = now(),
              finished_at = case when $3::boolean then now() else null end
        where id = $1`,
      [runId, status, terminal],
    );
    await appendEvent(sql, { runId, type: "run.status", outcome: status, message: `run is ${status}` });
  }
  return status;
}

import { LifecycleError } from "../domain/errors.ts";
import type { Outcome } from "../domain/outcome.ts";
import type { ActionState, RunStatus } from "../domain/run-status.ts";
import type { Sql } from "../store/sql.ts";
import { eventsSince, type RunEvent } from "./events.ts";

export interface RunRow {
  id: string;
  clientId: string;
  kind: "onboard" | "offboard";
  subject: string;
  status: RunStatus;
  planHash: string;
  /** The workflow it was planned with, `id@version`; null for runs planned before workflows were data. */
  workflow: string | null;
  startAt: Date;
  createdAt: Date;
  finishedAt: Date | null;
  cancelReason: string | null;
  requester: string;
  ticket: string | null;
}

export interface ActionRow {
  key: string;
  type: string;
  title: string;
  deps: string[];
  required: boolean;
  state: ActionState;
  attempts: number;
  outcome: Outcome | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  runAt: Date;
}

export interface RunDetail extends RunRow {
  actions: ActionRow[];
  events: RunEvent[];
}

const runColumns = `r.id, r.client_id as "clientId", r.kind, r.subject, r.status, r.plan_hash as "planHash",
  (r.plan->'workflow'->>'id') || '@' || (r.plan->'workflow'->>'version') as workflow,
  r.start_at as "startAt", r.created_at as "createdAt", r.finished_at as "finishedAt",
  r.cancel_reason as "cancelReason", q.requester, q.ticket`;

export async function getRun(sql: Sql, runId: string): Promise<RunDetail> {
  if (!/^[0-9a-f-]{36}$/i.test(runId))
    throw new LifecycleError({ kind: "invalid", message: `"${runId}" is not a run id` });
  const [run] = await sql.query<RunRow>(
    `select ${runColumns} from runs r join requests q on q.id = r.request_id where r.id = $1`,
    [runId],
  );
  if (!run) throw new LifecycleError({ kind: "not-found", message: `no run ${runId}` });
  const actions = await sql.query<ActionRow>(
    `select key, type, title, deps, required, state, attempts, outcome, started_at as "startedAt",
            finished_at as "finishedAt", run_at as "runAt"
       from actions where run_id = $1 order by id`,
    [runId],
  );
  return { ...run, actions, events: await eventsSince(sql, runId, 0) };
}

export async function listRuns(
  sql: Sql,
  filter: {
    clientId?: string | undefined;
    /** Only these clients' runs (a principal limited to some clients); absent, every client's. */
    clientIds?: readonly string[] | undefined;
    status?: string | undefined;
    limit?: number | undefined;
  } = {},
): Promise<RunRow[]> {
  return sql.query<RunRow>(
    `select ${runColumns} from runs r join requests q on q.id = r.request_id
      where ($1::text is null or r.client_id = $1) and ($2::text is null or r.status = $2)
        and ($4::text[] is null or r.client_id = any($4::text[]))
      order by r.created_at desc limit $3`,
    [filter.clientId ?? null, filter.status ?? null, filter.limit ?? 50, filter.clientIds ?? null],
  );
}

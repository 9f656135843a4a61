import type { Outcome } from "../../domain/outcome.ts";
import type { Plan } from "../../domain/plan.ts";
import { getRun, type RunDetail } from "../../engine/read.ts";
import type { Sql } from "../../store/sql.ts";

/** What the report is made from: the run as the engine reads it, and the records around it. */
export interface RunRecords {
  run: RunDetail;
  plan: Plan;
  request: { id: string; body: Record<string, unknown>; createdAt: Date };
  signals: SignalRow[];
  attempts: AttemptRow[];
  /** Each step's parameters as planned, by key: read to find what a step was about, never copied whole. */
  params: Map<string, Record<string, unknown>>;
  audit: AuditRow[];
}

export interface SignalRow {
  actionKey: string;
  kind: "approve" | "reject";
  actor: string;
  planHash: string | null;
  note: string | null;
  at: Date;
}

export interface AttemptRow {
  key: string;
  attempt: number;
  inDoubt: boolean;
  startedAt: Date;
  endedAt: Date;
  outcome: Outcome;
}

export interface AuditRow {
  at: Date;
  actor: string;
  action: string;
  hash: string;
}

/** Reads everything about one run; an unknown run is "not found" as getRun says it. */
export async function readRunRecords(sql: Sql, runId: string): Promise<RunRecords> {
  const run = await getRun(sql, runId);
  const [row] = await sql.query<{ plan: Plan; requestId: string; body: Record<string, unknown>; at: Date }>(
    `select r.plan, q.id as "requestId", q.body, q.created_at as at
       from runs r join requests q on q.id = r.request_id where r.id = $1`,
    [runId],
  );
  if (!row) throw new Error(`run ${runId} vanished while its report was read`);
  const signals = await sql.query<SignalRow>(
    `select action_key as "actionKey", kind, actor, plan_hash as "planHash", note, at
       from signals where run_id = $1 order by id`,
    [runId],
  );
  const attempts = await sql.query<AttemptRow>(
    `select a.key, t.attempt, t.in_doubt as "inDoubt", t.started_at as "startedAt", t.ended_at as "endedAt",
            t.outcome
       from attempts t join actions a on a.id = t.action_id where t.run_id = $1 order by t.id`,
    [runId],
  );
  const params = await sql.query<{ key: string; params: Record<string, unknown> }>(
    `select key, params from actions where run_id = $1`,
    [runId],
  );
  // The submission's entry names the subject (the run did not exist yet); its detail carries the run id.
  const audit = await sql.query<AuditRow>(
    `select at, actor, action, hash from audit_log
      where subject = $1 or detail->>'runId' = $1 order by id`,
    [runId],
  );
  return {
    run,
    plan: row.plan,
    request: { id: row.requestId, body: row.body, createdAt: new Date(row.at) },
    signals: signals.map((s) => ({ ...s, at: new Date(s.at) })),
    attempts: attempts.map((a) => ({
      ...a,
      startedAt: new Date(a.startedAt),
      endedAt: new Date(a.endedAt),
    })),
    params: new Map(params.map((p) => [p.key, p.params])),
    audit: audit.map((a) => ({ ...a, at: new Date(a.at) })),
  };
}

import type { PlanFinding } from "../domain/plan.ts";
import type { FieldError } from "../domain/result.ts";
import type { RunStatus } from "../domain/run-status.ts";
import type { Sql } from "./sql.ts";

export type BulkKind = "onboard" | "offboard";
export type BatchState = "uploaded" | "submitting" | "submitted";

/** Who a row is about, for a list a person reads: the new starter's name and address, or the leaver's. */
export interface RowSummary {
  name?: string;
  upn?: string;
}

export interface StoredRow {
  line: number;
  values: Record<string, unknown>;
  errors: FieldError[];
  findings: PlanFinding[];
  summary: RowSummary;
  planHash: string | null;
  runId: string | null;
  /** The run's status now, once it exists. */
  status: RunStatus | null;
  /** The run's plan hash (what an approval approves), once it exists. */
  runPlanHash: string | null;
}

export interface StoredBatch {
  id: string;
  clientId: string;
  kind: BulkKind;
  state: BatchState;
  createdBy: string;
  createdByEmail: string;
  createdAt: Date;
  submittedBy: string | null;
  submittedAt: Date | null;
  excluded: number[];
}

const batchColumns = (t: string) => `${t}.id, ${t}.client_id as "clientId", ${t}.kind, ${t}.state,
  ${t}.created_by as "createdBy", ${t}.created_by_email as "createdByEmail", ${t}.created_at as "createdAt",
  ${t}.submitted_by as "submittedBy", ${t}.submitted_at as "submittedAt", ${t}.excluded`;

export async function insertBatch(
  sql: Sql,
  batch: Pick<StoredBatch, "id" | "clientId" | "kind" | "createdBy" | "createdByEmail">,
  rows: Omit<StoredRow, "runId" | "status" | "runPlanHash">[],
): Promise<void> {
  await sql.query(
    `insert into bulk_batches (id, client_id, kind, state, created_by, created_by_email)
     values ($1, $2, $3, 'uploaded', $4, $5)`,
    [batch.id, batch.clientId, batch.kind, batch.createdBy, batch.createdByEmail],
  );
  // One statement for the whole file: a thousand rows are one round trip, not a thousand.
  await sql.query(
    `insert into bulk_rows (batch_id, line, values, errors, findings, summary, plan_hash)
     select $1, r.line, r.values, r.errors, r.findings, r.summary, r.plan_hash
       from jsonb_to_recordset($2::jsonb)
         as r(line int, values jsonb, errors jsonb, findings jsonb, summary jsonb, plan_hash text)`,
    [
      batch.id,
      JSON.stringify(
        rows.map((r) => ({
          line: r.line,
          values: r.values,
          errors: r.errors,
          findings: r.findings,
          summary: r.summary,
          plan_hash: r.planHash,
        })),
      ),
    ],
  );
}

/** The batch, locked for the caller's transaction when `lock` is set. */
export async function getBatch(sql: Sql, id: string, lock = false): Promise<StoredBatch | undefined> {
  const [row] = await sql.query<StoredBatch>(
    `select ${batchColumns("b")} from bulk_batches b where b.id = $1${lock ? " for update" : ""}`,
    [id],
  );
  return row;
}

export async function batchRows(sql: Sql, id: string): Promise<StoredRow[]> {
  return sql.query<StoredRow>(
    `select b.line, b.values, b.errors, b.findings, b.summary, b.plan_hash as "planHash", b.run_id as "runId",
            r.status, r.plan_hash as "runPlanHash"
       from bulk_rows b left join runs r on r.id = b.run_id
      where b.batch_id = $1 order by b.line`,
    [id],
  );
}

export async function batchClient(sql: Sql, id: string): Promise<string | undefined> {
  const [row] = await sql.query<{ client_id: string }>("select client_id from bulk_batches where id = $1", [
    id,
  ]);
  return row?.client_id;
}

export async function markSubmitting(
  sql: Sql,
  id: string,
  submittedBy: string,
  excluded: readonly number[],
): Promise<void> {
  await sql.query(
    `update bulk_batches set state = 'submitting', submitted_by = coalesce(submitted_by, $2),
            submitted_at = coalesce(submitted_at, now()), excluded = $3::integer[]
      where id = $1 and state <> 'submitted'`,
    [id, submittedBy, [...excluded]],
  );
}

export async function markSubmitted(sql: Sql, id: string): Promise<void> {
  await sql.query(`update bulk_batches set state = 'submitted' where id = $1`, [id]);
}

export async function setRowRun(
  sql: Sql,
  id: string,
  line: number,
  runId: string,
  planHash: string,
): Promise<void> {
  await sql.query(`update bulk_rows set run_id = $3, plan_hash = $4 where batch_id = $1 and line = $2`, [
    id,
    line,
    runId,
    planHash,
  ]);
}

export interface BatchListing extends StoredBatch {
  rows: number;
  runs: number;
}

export async function listBatches(
  sql: Sql,
  clientId: string,
  limit: number,
  before?: Date,
): Promise<BatchListing[]> {
  return sql.query<BatchListing>(
    `select ${batchColumns("b")},
            (select count(*)::int from bulk_rows r where r.batch_id = b.id) as rows,
            (select count(*)::int from bulk_rows r where r.batch_id = b.id and r.run_id is not null) as runs
       from bulk_batches b
      where b.client_id = $1 and ($3::timestamptz is null or b.created_at < $3)
      order by b.created_at desc, b.id limit $2`,
    [clientId, limit, before ?? null],
  );
}

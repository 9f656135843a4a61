import { createHash, randomUUID } from "node:crypto";
import type { Principal } from "../domain/staff-roles.ts";
import { LifecycleError } from "../domain/errors.ts";
import { approvalGateKey, gateType, type Plan, type PlanFinding } from "../domain/plan.ts";
import { fail, failAll, ok, type FieldError, type Result } from "../domain/result.ts";
import { terminalRunStatuses, type RunStatus } from "../domain/run-status.ts";
import { signalRunIn } from "../engine/runs.ts";
import { requestForms, type Request } from "../requests/index.ts";
import { parseCsvRequests } from "../requests/bulk-csv.ts";
import { appendAudit } from "../store/audit.ts";
import {
  batchRows,
  getBatch,
  insertBatch,
  markSubmitted,
  markSubmitting,
  setRowRun,
  type BatchState,
  type BulkKind,
  type RowSummary,
  type StoredBatch,
  type StoredRow,
} from "../store/bulk-repo.ts";
import { getClient } from "../store/clients-repo.ts";
import { txWithRetry, type Store } from "../store/sql.ts";
import { duplicateOnboarding } from "./duplicate-person.ts";
import { submitRequest, type SubmitOptions } from "./submit.ts";

/** A file larger than this is refused before it is read; one with more rows after. */
export const bulkLimits = { maxBytes: 1024 * 1024, maxRows: 1000 } as const;

/** Rows pre-flighted at once: each asks the client's systems a few questions, within their rate limits. */
const parallelRows = 4;

export type BulkOptions = Pick<SubmitOptions, "live" | "registry"> & { now?: () => Date };

export interface BulkRowView {
  line: number;
  ok: boolean;
  excluded: boolean;
  errors: FieldError[];
  findings: PlanFinding[];
  summary: RowSummary;
  planHash?: string;
  runId?: string;
  status?: RunStatus;
}

export interface BatchView {
  batchId: string;
  client: string;
  kind: BulkKind;
  state: BatchState;
  createdAt: string;
  createdBy: string;
  submittedAt?: string;
  excluded: number[];
  /** Over the rows' runs' plan hashes, once every row has its run: what one approval of the batch approves. */
  planHash?: string;
  rows: BulkRowView[];
  counts: {
    rows: number;
    ok: number;
    withErrors: number;
    excluded: number;
    runs: number;
    byStatus: Partial<Record<RunStatus, number>>;
  };
}

/** Who acts: the signed-in staff member or token owner. */
export type Actor = Pick<Principal, "accountId" | "email">;

/** The batch's hash: every submitted line with its run's plan hash, so one approval covers exactly those plans. */
export function batchPlanHash(rows: readonly { line: number; planHash: string }[]): string {
  const text = [...rows]
    .sort((a, b) => a.line - b.line)
    .map((r) => `${r.line}:${r.planHash}`)
    .join("\n");
  return createHash("sha256").update(text, "utf8").digest("hex");
}

async function eachLimited<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

function summaryOf(body: Record<string, unknown>, request?: Request, plan?: Plan): RowSummary {
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
  if (request?.kind === "offboard") return { upn: request.user };
  if (request?.kind === "onboard") {
    const upn = plan?.actions.map((a) => a.params.upn).find((u) => typeof u === "string");
    return { name: request.displayName, ...(typeof upn === "string" ? { upn } : {}) };
  }
  const name = [text(body.firstName), text(body.lastName)].filter(Boolean).join(" ");
  const upn = text(body.user);
  return { ...(name ? { name } : {}), ...(upn ? { upn } : {}) };
}

interface Checked {
  errors: FieldError[];
  findings: PlanFinding[];
  summary: RowSummary;
  planHash: string | null;
}

/** The row as the single submission's dry run judges it: its field errors, or its plan and findings. */
async function checkRow(
  store: Store,
  kind: BulkKind,
  body: Record<string, unknown>,
  actor: Actor,
  opts: BulkOptions,
): Promise<Checked> {
  const now = opts.now?.() ?? new Date();
  const dry = await submitRequest(store, kind, body, {
    actor: actor.email,
    submittedBy: actor,
    dryRun: true,
    now,
    ...(opts.live ? { live: opts.live } : {}),
    ...(opts.registry ? { registry: opts.registry } : {}),
  });
  if (!dry.ok) return { errors: dry.errors, findings: [], summary: summaryOf(body), planHash: null };
  const { findings, request, plan, planHash } = dry.value;
  // The single submission checks this only as it stores the run; a batch says so before anything runs.
  const twins = request.kind === "onboard" ? await duplicateOnboarding(store, request, now) : [];
  return {
    errors: [
      ...findings.filter((f) => f.severity === "error").map(({ field, message }) => ({ field, message })),
      ...twins,
    ],
    findings,
    summary: summaryOf(body, request, plan),
    planHash,
  };
}

/** The same person twice in one file would race: each row is planned before the other's account exists. */
function twinErrors(
  kind: BulkKind,
  rows: { line: number; summary: RowSummary; values: Record<string, unknown> }[],
): Map<number, FieldError> {
  const first = new Map<string, number>();
  const twins = new Map<number, FieldError>();
  for (const row of rows) {
    const upn = row.summary.upn?.toLowerCase();
    const name =
      kind === "onboard" && row.values.allowDuplicate !== true ? row.summary.name?.toLowerCase() : undefined;
    const seenUpn = upn === undefined ? undefined : first.get(`upn:${upn}`);
    const seenName = name === undefined ? undefined : first.get(`name:${name}`);
    if (seenUpn !== undefined)
      twins.set(row.line, {
        field: kind === "onboard" ? "username" : "user",
        message: `${upn} is also on line ${seenUpn} of this file: one row per person (give a username to tell two people apart)`,
      });
    else if (seenName !== undefined)
      twins.set(row.line, {
        field: "lastName",
        message: `${row.summary.name} is also on line ${seenName} of this file: one row per person, or set allowDuplicate to onboard a second person of that name`,
      });
    if (upn !== undefined && seenUpn === undefined) first.set(`upn:${upn}`, row.line);
    if (name !== undefined && seenName === undefined) first.set(`name:${name}`, row.line);
  }
  return twins;
}

/**
 * Reads a CSV file of requests for one client (an unknown client is not-found) and judges every row as the single submission's dry run
 * does (form validation, planning, pre-flight), storing the batch with each row's verdict. Nothing runs.
 * A file that cannot be read (not CSV, an unknown column, too many rows) stores nothing.
 */
export async function uploadBatch(
  store: Store,
  kind: BulkKind,
  clientId: string,
  csv: string,
  actor: Actor,
  opts: BulkOptions = {},
): Promise<Result<BatchView>> {
  const client = await getClient(store, clientId);
  if (!client) throw new LifecycleError({ kind: "not-found", message: `no client "${clientId}"` });
  const parsed = parseCsvRequests(requestForms[kind], client, csv, bulkLimits);
  if (!parsed.ok) return parsed;
  if (parsed.value.length === 0) return fail("csv", "has no rows below its header");
  const checked = await eachLimited(parsed.value, parallelRows, async (row) => {
    // As on the command line, the requester is who uploads unless the file names one.
    const values = { client: clientId, requester: actor.email, ...row.body };
    const verdict = await checkRow(store, kind, values, actor, opts);
    const cellFields = new Set(row.errors.map((e) => e.field));
    const errors = [...row.errors, ...verdict.errors.filter((e) => !cellFields.has(e.field))];
    return { line: row.line, values, ...verdict, errors };
  });
  const twins = twinErrors(kind, checked);
  const rows = checked.map((r) => {
    const twin = twins.get(r.line);
    return twin ? { ...r, errors: [...r.errors, twin] } : r;
  });
  const batchId = randomUUID();
  await txWithRetry(store, async (sql) => {
    await insertBatch(
      sql,
      { id: batchId, clientId, kind, createdBy: actor.accountId, createdByEmail: actor.email },
      rows,
    );
    await appendAudit(sql, {
      actor: actor.email,
      action: `${kind}.bulk-upload`,
      subject: batchId,
      detail: {
        client: clientId,
        rows: rows.length,
        withErrors: rows.filter((r) => r.errors.length).length,
      },
    });
  });
  return ok(await batchView(store, batchId));
}

function notFound(batchId: string): LifecycleError {
  return new LifecycleError({ kind: "not-found", message: `no batch ${batchId}` });
}

/** The batch with every row's verdict and, once submitted, its run and the run's status. */
export async function batchView(store: Store, batchId: string): Promise<BatchView> {
  const batch = await getBatch(store, batchId);
  if (!batch) throw notFound(batchId);
  return viewOf(batch, await batchRows(store, batchId));
}

function viewOf(batch: StoredBatch, rows: StoredRow[]): BatchView {
  const excluded = new Set(batch.excluded);
  const byStatus: Partial<Record<RunStatus, number>> = {};
  for (const r of rows) if (r.status) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const views: BulkRowView[] = rows.map((r) => ({
    line: r.line,
    ok: r.errors.length === 0,
    excluded: excluded.has(r.line) && !r.runId,
    errors: r.errors,
    findings: r.findings,
    summary: r.summary,
    ...((r.runPlanHash ?? r.planHash) ? { planHash: (r.runPlanHash ?? r.planHash)! } : {}),
    ...(r.runId ? { runId: r.runId } : {}),
    ...(r.status ? { status: r.status } : {}),
  }));
  const withRuns = rows.flatMap((r) =>
    r.runId && r.runPlanHash ? [{ line: r.line, planHash: r.runPlanHash }] : [],
  );
  return {
    batchId: batch.id,
    client: batch.clientId,
    kind: batch.kind,
    state: batch.state,
    createdAt: new Date(batch.createdAt).toISOString(),
    createdBy: batch.createdByEmail,
    ...(batch.submittedAt ? { submittedAt: new Date(batch.submittedAt).toISOString() } : {}),
    excluded: [...batch.excluded].sort((a, b) => a - b),
    ...(batch.state === "submitted" && withRuns.length ? { planHash: batchPlanHash(withRuns) } : {}),
    rows: views,
    counts: {
      rows: rows.length,
      ok: views.filter((r) => r.ok).length,
      withErrors: views.filter((r) => !r.ok).length,
      excluded: views.filter((r) => r.excluded).length,
      runs: withRuns.length,
      byStatus,
    },
  };
}

const sameLines = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length &&
  [...a].sort((x, y) => x - y).every((n, i) => n === [...b].sort((x, y) => x - y)[i]);

/**
 * Makes a run of every row not excluded, each with the Idempotency semantics of a single submission
 * (keyed by batch and line), so a retried or resumed submit answers the runs already made and makes only
 * the missing ones. Refused, naming line and field, while a row not excluded has an error.
 */
export async function submitBatch(
  store: Store,
  batchId: string,
  exclude: readonly number[],
  actor: Actor,
  opts: BulkOptions = {},
): Promise<Result<BatchView>> {
  const batch = await getBatch(store, batchId);
  if (!batch) throw notFound(batchId);
  const rows = await batchRows(store, batchId);
  const lines = new Set(rows.map((r) => r.line));
  const unknown = exclude.flatMap((line, i) =>
    lines.has(line) ? [] : [{ field: `exclude.${i}`, message: `line ${line} is not a row of this batch` }],
  );
  if (unknown.length) return failAll(unknown);
  const excluded = [...new Set(exclude)];
  if (batch.state === "submitted") {
    if (sameLines(excluded, batch.excluded)) return ok(viewOf(batch, rows));
    throw new LifecycleError({
      kind: "conflict",
      message: `batch ${batchId} was submitted already, leaving out lines [${batch.excluded.join(", ")}]`,
    });
  }
  const ran = rows.filter((r) => r.runId && excluded.includes(r.line)).map((r) => r.line);
  if (ran.length)
    throw new LifecycleError({
      kind: "conflict",
      message: `line(s) ${ran.join(", ")} already have their runs and cannot be left out: cancel those runs instead`,
    });
  const pending = rows.filter((r) => !r.runId && !excluded.includes(r.line));
  if (pending.length === 0 && !rows.some((r) => r.runId)) return fail("exclude", "leaves no row to submit");
  const stored = pending.flatMap((r) => lineErrors(r.line, r.errors));
  if (stored.length) return failAll(stored);
  // Judged again now: the client's systems may have changed since the upload (a username taken since).
  // A row whose run a crashed submit made already is not: its run would be its own twin.
  const made = await madeLines(store, batchId);
  const unmade = pending.filter((r) => !made.has(r.line));
  const now = await eachLimited(unmade, parallelRows, (r) =>
    checkRow(store, batch.kind, r.values, actor, opts),
  );
  const fresh = unmade.flatMap((r, i) => lineErrors(r.line, now[i]!.errors));
  if (fresh.length) return failAll(fresh);

  await markSubmitting(store, batchId, actor.accountId, excluded);
  const failed: FieldError[] = [];
  for (const row of pending) {
    const made = await submitRequest(store, batch.kind, row.values, {
      actor: actor.email,
      submittedBy: actor,
      now: opts.now?.() ?? new Date(),
      idempotencyKey: `line-${row.line}`,
      // Owned by the batch, not the submitter: whoever resumes a batch finds the runs it already made.
      idempotencyOwner: `bulk:${batchId}`,
      ...(opts.live ? { live: opts.live } : {}),
      ...(opts.registry ? { registry: opts.registry } : {}),
    });
    if (!made.ok) {
      failed.push(...lineErrors(row.line, made.errors));
      continue;
    }
    const { runId, planHash } = made.value;
    if (runId) await setRowRun(store, batchId, row.line, runId, planHash);
  }
  // The runs made stay made; the batch stays "submitting" until every row not left out has its run.
  if (failed.length) return failAll(failed);
  await txWithRetry(store, async (sql) => {
    await markSubmitted(sql, batchId);
    const after = await batchRows(sql, batchId);
    const withRuns = after.flatMap((r) => (r.runPlanHash ? [{ line: r.line, planHash: r.runPlanHash }] : []));
    await appendAudit(sql, {
      actor: actor.email,
      action: `${batch.kind}.bulk-submit`,
      subject: batchId,
      detail: { client: batch.clientId, runs: withRuns.length, excluded, planHash: batchPlanHash(withRuns) },
    });
  });
  return ok(await batchView(store, batchId));
}

/** The lines whose runs a submit of this batch stored, by their Idempotency-Keys. */
async function madeLines(store: Store, batchId: string): Promise<Set<number>> {
  const rows = await store.query<{ key: string }>(
    `select idempotency_key as key from requests where idempotency_owner = $1`,
    [`bulk:${batchId}`],
  );
  return new Set(rows.map((r) => Number(r.key.replace(/^line-/, ""))));
}

const lineErrors = (line: number, errors: readonly FieldError[]): FieldError[] =>
  errors.map((e) => ({
    field: `lines.${line}.${e.field}`,
    message: `line ${line}, ${e.field}: ${e.message}`,
  }));

/**
 * One approval for every run of the batch that waits for one: the approver approves the batch's hash
 * (over every run's plan hash), and each run's approval is then recorded by the run approval's own rules
 * (who the client's policy lets approve that run, never its requester or the batch's uploader or
 * submitter), all in one transaction: a run the approver may not approve refuses the whole batch,
 * naming its line, and nothing is recorded.
 */
export async function approveBatch(
  store: Store,
  batchId: string,
  decision: { planHash: string; note?: string | undefined },
  principal: Principal,
): Promise<BatchView> {
  return decideBatch(store, batchId, { kind: "approve", ...decision }, principal);
}

/**
 * One rejection for every run of the batch still waiting for approval, under each run's own rules (who
 * may answer its approval), in one transaction as the approval is. The batch's uploader may reject it:
 * only approving one's own request is refused. Runs already decided or ended are left as they are.
 */
export async function rejectBatch(
  store: Store,
  batchId: string,
  decision: { note?: string | undefined },
  principal: Principal,
): Promise<BatchView> {
  return decideBatch(store, batchId, { kind: "reject", ...decision }, principal);
}

type BatchDecision =
  | { kind: "approve"; planHash: string; note?: string | undefined }
  | { kind: "reject"; note?: string | undefined };

async function decideBatch(
  store: Store,
  batchId: string,
  decision: BatchDecision,
  principal: Principal,
): Promise<BatchView> {
  const verb = decision.kind === "approve" ? "approved" : "rejected";
  await txWithRetry(store, async (sql) => {
    const batch = await getBatch(sql, batchId, true);
    if (!batch) throw notFound(batchId);
    if (batch.state !== "submitted")
      throw new LifecycleError({
        kind: "conflict",
        message: `batch ${batchId} is ${batch.state}: submit it before ${decision.kind === "approve" ? "approving" : "rejecting"} it`,
      });
    const email = principal.email.toLowerCase();
    if (
      decision.kind === "approve" &&
      ([batch.createdBy, batch.submittedBy].includes(principal.accountId) ||
        batch.createdByEmail.toLowerCase() === email)
    )
      throw new LifecycleError({
        kind: "permission",
        message: `${email} uploaded or submitted this batch, and the requester never approves their own request: another approver must`,
      });
    const rows = await batchRows(sql, batchId);
    const withRuns = rows.flatMap((r) =>
      r.runId && r.runPlanHash ? [{ ...r, runId: r.runId, planHash: r.runPlanHash }] : [],
    );
    if (decision.kind === "approve" && decision.planHash !== batchPlanHash(withRuns))
      throw new LifecycleError({
        kind: "conflict",
        message: `the batch's plans changed since they were shown (hash ${decision.planHash.slice(0, 12)}…); review them again`,
      });
    // A rejection answers only gates still open: a run already past its approval is left running.
    const gated = new Set(
      (
        await sql.query<{ run_id: string }>(
          `select run_id from actions where run_id = any($1::uuid[]) and key = $2 and type = $3
              and ($4::boolean or state in ('waiting', 'ready'))`,
          [withRuns.map((r) => r.runId), approvalGateKey, gateType, decision.kind === "approve"],
        )
      ).map((r) => r.run_id),
    );
    const open = withRuns.filter(
      (r) => gated.has(r.runId) && !(r.status && terminalRunStatuses.has(r.status)),
    );
    if (open.length === 0)
      throw new LifecycleError({
        kind: "conflict",
        message: `no run of batch ${batchId} waits for approval`,
      });
    const by = { kind: "staff" as const, principal };
    const note = decision.note ?? `${verb} with batch ${batchId}`;
    let recorded = 0;
    for (const row of open) {
      try {
        const answer = await signalRunIn(
          sql,
          row.runId,
          decision.kind === "approve"
            ? { kind: "approve", by, planHash: row.planHash, note }
            : { kind: "reject", by, note },
        );
        if (answer.recorded) recorded++;
      } catch (err) {
        if (!(err instanceof LifecycleError)) throw err;
        throw new LifecycleError({ ...err.failure, message: `line ${row.line}: ${err.message}` });
      }
    }
    // Deciding again answers as the first time did, and records nothing new.
    if (recorded === 0) return;
    await appendAudit(sql, {
      actor: principal.email,
      action: `${batch.kind}.bulk-${decision.kind}`,
      subject: batchId,
      detail: {
        client: batch.clientId,
        ...(decision.kind === "approve" ? { planHash: decision.planHash } : {}),
        runs: open.map((r) => r.runId),
      },
    });
  });
  return batchView(store, batchId);
}

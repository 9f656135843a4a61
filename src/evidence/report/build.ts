import type { Outcome, VendorCall } from "../../domain/outcome.ts";
import type { PlanFinding } from "../../domain/plan.ts";
import { residualChecksIn, residualWords, type ResidualCheck } from "../../domain/residual-access.ts";
import type { ActionRow } from "../../engine/read.ts";
import { planHash } from "../../planner/hash.ts";
import type { Sql } from "../../store/sql.ts";
import { recordWithoutSecrets, redactText } from "../redact.ts";
import { beforeState, licenses, type ChangedStep } from "./changes.ts";
import { readRunRecords, type AttemptRow, type RunRecords } from "./read.ts";
import type { ReportAction, ReportResidualCheck, RunReport } from "./schema.ts";

const iso = (d: Date | string | null | undefined): string | null =>
  d === null || d === undefined ? null : new Date(d).toISOString();
const since = (start: Date, at: string | null) =>
  at === null ? null : new Date(at).getTime() - start.getTime();
const unique = <T>(xs: (T | undefined | null)[]): T[] => [
  ...new Set(xs.filter((x): x is T => x !== undefined && x !== null)),
];

function summaryOf(o: Outcome | null): string {
  if (!o) return "not started";
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
      return o.error.message;
  }
}

const callsOf = (o: Outcome | null): VendorCall[] =>
  o && (o.kind === "succeeded" || o.kind === "failed") ? (o.calls ?? []) : [];

function dataOf(o: Outcome | null): Record<string, unknown> {
  if (o?.kind === "succeeded") return recordWithoutSecrets(o.data ?? {});
  if (o?.kind === "waiting") return recordWithoutSecrets({ ...o.data, ...o.applied?.data });
  if (o?.kind === "failed") return recordWithoutSecrets(o.data ?? {});
  return {};
}

function appliedAtOf(o: Outcome | null): string | null {
  if (o?.kind === "succeeded") return iso(o.appliedAt);
  if (o?.kind === "waiting") return iso(o.applied?.appliedAt);
  return null;
}

function errorOf(o: Outcome | null): ReportAction["error"] {
  if (o?.kind !== "failed") return null;
  const e = o.error;
  return {
    kind: e.kind,
    code: e.code ?? null,
    message: redactText(e.message),
    vendorCode: e.vendor?.code ?? null,
    vendorStatus: e.vendor?.status ?? null,
    requestId: e.requestId ?? e.vendor?.requestId ?? null,
  };
}

function attemptOf(t: AttemptRow): ReportAction["attemptHistory"][number] {
  const failed = t.outcome.kind === "failed" ? t.outcome.error : undefined;
  return {
    attempt: t.attempt,
    startedAt: t.startedAt.toISOString(),
    endedAt: t.endedAt.toISOString(),
    inDoubt: t.inDoubt,
    outcome: t.outcome.kind,
    errorCode: failed?.code ?? null,
    message: failed ? redactText(failed.message) : null,
  };
}

function actionOf(a: ActionRow, records: RunRecords): ReportAction {
  const o = a.outcome;
  const start = records.run.startAt;
  const calls = callsOf(o);
  const startedAt = iso(a.startedAt);
  const appliedAt = appliedAtOf(o);
  const finishedAt = iso(a.finishedAt);
  const error = errorOf(o);
  return {
    key: a.key,
    type: a.type,
    title: redactText(a.title),
    required: a.required,
    deps: a.deps,
    state: a.state,
    startedAt,
    appliedAt,
    finishedAt,
    elapsed: {
      started: since(start, startedAt),
      applied: since(start, appliedAt),
      finished: since(start, finishedAt),
    },
    attempts: a.attempts,
    attemptHistory: records.attempts.filter((t) => t.key === a.key).map(attemptOf),
    outcome: o?.kind ?? null,
    summary: redactText(summaryOf(o)),
    blockedBy: o?.kind === "blocked" ? o.by : [],
    requestId: (o?.kind === "succeeded" ? o.requestId : undefined) ?? error?.requestId ?? null,
    requestIds: unique([
      o?.kind === "succeeded" ? o.requestId : undefined,
      error?.requestId,
      ...calls.map((c) => c.requestId),
    ]),
    calls: calls.map((c) => ({
      api: c.api,
      call: redactText(c.call),
      status: c.status,
      requestId: c.requestId ?? null,
      at: new Date(c.at).toISOString(),
    })),
    error,
    data: dataOf(o),
  };
}

const verifyType = "verify.no-access-remains";
// How the engine words a re-read that did not hold, for runs whose step recorded no checks.
const notVerifiedText = /^(?:re-read found|change not observed after re-reading): (.*)$/s;
const stillWaiting = /^waiting for verification \(observed: (.*)\)$/s;

function checkOf(c: ResidualCheck): ReportResidualCheck {
  return {
    step: c.step,
    type: c.type,
    what: c.what,
    result: c.result,
    findings: c.result === "found" ? c.findings : [],
    port: c.result === "not-checked" ? c.port : null,
    why: c.result === "not-checked" ? c.why : null,
  };
}

/** The findings of a run whose step recorded only words: its failure message, split as it was joined. */
function wordsOf(summary: string): string[] {
  const text = notVerifiedText.exec(summary)?.[1] ?? stillWaiting.exec(summary)?.[1];
  return text ? text.split("; ") : [];
}

/** The offboarding's final re-read: what it checked, and anything it found still in place. */
function verificationOf(actions: ReportAction[]): RunReport["verification"] {
  const step = actions.findLast((a) => a.type === verifyType);
  if (!step)
    return { step: null, result: "none-planned", detail: null, findings: [], checks: null, at: null };
  const recorded = residualChecksIn(step.data);
  const base = {
    step: step.key,
    at: step.finishedAt,
    detail: step.summary,
    checks: recorded?.map(checkOf) ?? null,
  };
  if (step.state === "succeeded") return { ...base, result: "verified", findings: [] };
  if (step.state === "failed" || step.state === "waiting" || step.state === "retry") {
    const findings = recorded ? unique(recorded.flatMap(residualWords)) : wordsOf(step.summary);
    return { ...base, result: "not-verified", findings };
  }
  return { ...base, result: "not-run", findings: [] };
}

function findingsOf(records: RunRecords): PlanFinding[] {
  const created = records.run.events.find((e) => e.type === "run.created");
  const detail = created?.detail as { findings?: PlanFinding[] } | null | undefined;
  return (detail?.findings ?? []).map((f) => ({
    field: f.field,
    severity: f.severity,
    message: redactText(f.message),
    ...(f.step ? { step: f.step } : {}),
  }));
}

/** Every step that changed something, with what it recorded, for the before-state and billing. */
function changedSteps(actions: ReportAction[], records: RunRecords): ChangedStep[] {
  return actions
    .filter((a) => a.outcome === "succeeded")
    .map((a) => ({
      key: a.key,
      type: a.type,
      data: a.data,
      params: recordWithoutSecrets(records.params.get(a.key) ?? {}),
      at: a.appliedAt ?? a.finishedAt,
    }));
}

/** The run's evidence as one document, from the store's records alone. */
export function reportOf(records: RunRecords, now: Date): RunReport {
  const { run, plan } = records;
  const actions = run.actions.map((a) => actionOf(a, records));
  const changed = changedSteps(actions, records);
  const billing = licenses(changed);
  return {
    reportVersion: 1,
    generatedAt: now.toISOString(),
    run: {
      id: run.id,
      clientId: run.clientId,
      kind: run.kind,
      subject: run.subject,
      status: run.status,
      createdAt: run.createdAt.toISOString(),
      startAt: run.startAt.toISOString(),
      finishedAt: iso(run.finishedAt),
      elapsedMs: run.finishedAt ? new Date(run.finishedAt).getTime() - run.startAt.getTime() : null,
      cancelReason: run.cancelReason === null ? null : redactText(run.cancelReason),
    },
    request: {
      id: records.request.id,
      requester: run.requester,
      ticket: run.ticket,
      submittedAt: records.request.createdAt.toISOString(),
      fields: recordWithoutSecrets(records.request.body),
    },
    approvals: records.signals.map((s) => ({
      gate: s.actionKey,
      decision: s.kind,
      by: s.actor,
      at: s.at.toISOString(),
      planHash: s.planHash,
      matchesPlan: s.planHash === run.planHash,
      note: s.note === null ? null : redactText(s.note),
    })),
    plan: {
      hash: run.planHash,
      hashMatches: planHash(plan) === run.planHash,
      workflow: run.workflow,
      extends: plan.workflow?.extends ?? null,
      steps: plan.actions.map((a) => ({
        key: a.key,
        type: a.type,
        title: redactText(a.title),
        deps: a.deps,
        required: a.required,
      })),
      findings: findingsOf(records),
    },
    beforeState: beforeState(changed),
    actions,
    verification: verificationOf(actions),
    billing: { licensesRecovered: billing.recovered, licensesAssigned: billing.assigned },
    audit: records.audit.map((e) => ({
      at: e.at.toISOString(),
      actor: e.actor,
      action: e.action,
      hash: e.hash,
    })),
  };
}

/** Reads the run and everything around it into its report; an unknown run is "not found". */
export async function buildReport(sql: Sql, runId: string, opts: { now?: Date } = {}): Promise<RunReport> {
  return reportOf(await readRunRecords(sql, runId), opts.now ?? new Date());
}

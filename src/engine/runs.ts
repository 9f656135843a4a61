import { randomUUID } from "node:crypto";
import {
  approvalRefusal,
  approverEmail,
  approverProof,
  requestedByOf,
  taskRefusal,
  type RequestedBy,
  type VerifiedApprover,
} from "../domain/approval.ts";
import { LifecycleError } from "../domain/errors.ts";
import {
  approvalGateKey,
  defaultQueue,
  engineTenant,
  gateApi,
  gateStep,
  gateType,
  type GateParams,
  type Plan,
  type PlanFinding,
} from "../domain/plan.ts";
import { terminalRunStatuses, type RunStatus } from "../domain/run-status.ts";
import { validatePlanGraph } from "../planner/dag.ts";
import { planHash } from "../planner/hash.ts";
import type { Sql, Store } from "../store/sql.ts";
import { txWithRetry } from "../store/sql.ts";
import { appendAudit } from "../store/audit.ts";
import { appendEvent, wakeWorkers } from "./events.ts";
import { gateParamsOf } from "./gate.ts";
import { cancelRun as cancelRunSql } from "./queries/checkpoint.ts";
import { readyDependents } from "./queries/dependents.ts";
import { refreshRunStatus } from "./queries/run-status.ts";
import { defaultLimit, type TenantLimit } from "./types.ts";

export { defaultLimit };

export interface NewRun {
  clientId: string;
  kind: "onboard" | "offboard";
  subject: string;
  requester: string;
  ticket?: string | undefined;
  /** The request as validated, kept whole for the record. */
  request: Record<string, unknown>;
  startAt: Date;
  plan: Plan;
  /** What planning found (warnings, how values were chosen): kept with the run's first event. */
  findings?: PlanFinding[];
  /**
   * The run waits for approval until `expiresAt`. Who may approve is the plan's (`plan.approval`); a plan
   * without it is approved by staff who may approve. `policy` names them when the plan does not.
   */
  approval?: { expiresAt: Date; policy: string; requestedBy?: RequestedBy } | undefined;
  maxParallel?: number;
  /** Per tenant+API limits to create when missing. */
  limits?: Record<string, TenantLimit>;
  /** Written to the audit log in the same transaction as the run. */
  audit?: { actor: string; action: string; subject: string };
  /**
   * The submitter's Idempotency-Key: unique per owner, so a second request with it stores nothing and
   * fails on the index (the caller then answers with the first).
   */
  idempotency?: { owner: string; key: string; bodyHash: string };
  /**
   * Runs first in the run's transaction (to take a lock and check for a twin): what it throws stores
   * nothing and reaches the caller.
   */
  guard?: (sql: Sql) => Promise<void>;
  /**
   * How the submitter proved who they are when they are not staff (a client's form link, by its id): kept
   * with the run's first event and its audit entry, so the run says it was asked for through that link.
   */
  submittedVia?: Record<string, string>;
  /** Runs last in the run's transaction, with its id: what the caller keeps about the run beside it. */
  record?: (sql: Sql, runId: string) => Promise<void>;
}

/** Stores request, run and steps in one transaction: a rejected plan leaves nothing behind. */
export async function createRun(
  store: Store,
  input: NewRun,
): Promise<{ runId: string; requestId: string; planHash: string; status: RunStatus }> {
  const problems = [
    ...validatePlanGraph(input.plan).map((p) => p.message),
    ...input.plan.actions.flatMap((a) => {
      const params = a.type === gateType ? gateParamsOf(a.params) : undefined;
      return typeof params === "string" ? [`${a.key}: ${params}`] : [];
    }),
  ];
  if (input.plan.approval && !input.approval)
    problems.push("the plan needs approval, and the run was given no approval expiry");
  if (problems.length) throw new LifecycleError({ kind: "invalid", message: problems.join("; ") });
  const hash = planHash(input.plan);
  const runId = randomUUID();
  const requestId = randomUUID();
  return txWithRetry(store, async (sql) => {
    await input.guard?.(sql);
    await sql.query(
      `insert into requests (id, client_id, kind, body, requester, ticket, start_at, idempotency_owner, idempotency_key, body_hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        requestId,
        input.clientId,
        input.kind,
        JSON.stringify(input.request),
        input.requester,
        input.ticket ?? null,
        input.startAt,
        input.idempotency?.owner ?? null,
        input.idempotency?.key ?? null,
        input.idempotency?.bodyHash ?? null,
      ],
    );
    await sql.query(
      `insert into runs (id, request_id, client_id, kind, subject, status, plan, plan_hash, start_at, max_parallel)
       values ($1, $2, $3, $4, $5, 'scheduled', $6, $7, $8, $9)`,
      [
        runId,
        requestId,
        input.clientId,
        input.kind,
        input.subject,
        JSON.stringify(input.plan),
        hash,
        input.startAt,
        input.maxParallel ?? 4,
      ],
    );
    const gated = input.approval !== undefined;
    if (input.approval) {
      const gate = gateStep(approvalGateKey, approvalParams(input, input.approval));
      await sql.query(
        `insert into actions (run_id, key, type, title, params, deps, required, tenant, api, state, run_at, deadline_at, priority, max_attempts)
         values ($1, $2, $3, $4, $5, '{}', true, $6, $7, 'waiting', $8, $8, $9, $10)`,
        [
          runId,
          gate.key,
          gate.type,
          gate.title,
          JSON.stringify(gate.params),
          gate.tenant,
          gate.api,
          input.approval.expiresAt,
          gate.priority,
          gate.maxAttempts,
        ],
      );
    }
    for (const a of input.plan.actions) {
      const deps = gated && a.deps.length === 0 && !a.beforeApproval ? [approvalGateKey] : a.deps;
      await sql.query(
        `insert into actions (run_id, key, type, title, params, deps, required, tenant, api, queue, priority, max_attempts, state, run_at, bind, always)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, greatest(now(), $14::timestamptz), $15, $16)`,
        [
          runId,
          a.key,
          a.type,
          a.title,
          JSON.stringify(a.params),
          deps,
          a.required,
          a.tenant,
          a.api,
          a.queue ?? defaultQueue,
          a.priority ?? 0,
          a.maxAttempts ?? 8,
          deps.length === 0 ? "ready" : "pending",
          input.startAt,
          a.bind ? JSON.stringify(a.bind) : null,
          a.always ?? false,
        ],
      );
    }
    await ensureLimits(sql, input.plan, input.limits ?? {});
    await appendEvent(sql, {
      runId,
      type: "run.created",
      message: `${input.kind} of ${input.subject} requested by ${input.requester}`,
      detail: {
        planHash: hash,
        startAt: input.startAt.toISOString(),
        actions: input.plan.actions.length,
        ...(input.plan.workflow
          ? { workflow: `${input.plan.workflow.id}@${input.plan.workflow.version}` }
          : {}),
        ...(input.findings?.length ? { findings: input.findings } : {}),
        ...(input.submittedVia ? { submittedVia: input.submittedVia } : {}),
      },
    });
    if (input.approval) {
      await appendEvent(sql, {
        runId,
        actionKey: approvalGateKey,
        type: "approval.requested",
        message: `approval by ${input.plan.approval?.who ?? input.approval.policy} required before ${input.approval.expiresAt.toISOString()}`,
      });
    }
    if (input.audit)
      await appendAudit(sql, {
        ...input.audit,
        detail: {
          runId,
          planHash: hash,
          ...(input.submittedVia ? { submittedVia: input.submittedVia } : {}),
        },
      });
    await input.record?.(sql, runId);
    const status = await refreshRunStatus(sql, runId);
    await wakeWorkers(sql);
    return { runId, requestId, planHash: hash, status };
  });
}

/**
 * The approval gate's params: who may approve as the plan resolved them, and who asked (the request's
 * requester and the submitter the caller names), who never may.
 */
function approvalParams(input: NewRun, approval: NonNullable<NewRun["approval"]>): GateParams {
  const asked = approval.requestedBy;
  const requestedBy = requestedByOf(input.requester, ...(asked?.emails ?? []));
  return {
    kind: "approval",
    who: input.plan.approval?.who ?? approval.policy,
    ask: "approve the plan as shown",
    ...(input.plan.approval ? { approvers: input.plan.approval.approvers } : {}),
    requestedBy: { ...requestedBy, accountIds: [...new Set(asked?.accountIds ?? [])] },
  };
}

async function ensureLimits(sql: Sql, plan: Plan, limits: Record<string, TenantLimit>): Promise<void> {
  const pairs = new Set([
    `${engineTenant}\u0000${gateApi}`,
    ...plan.actions.map((a) => `${a.tenant}\u0000${a.api}`),
  ]);
  for (const pair of pairs) {
    const [tenant, api] = pair.split("\u0000") as [string, string];
    const limit =
      tenant === engineTenant ? { concurrency: 1000, ratePerSecond: 1000 } : (limits[api] ?? defaultLimit);
    await sql.query(
      `insert into tenant_limits (tenant, api, concurrency, rate_per_second, tokens, priority_slots)
       values ($1, $2, $3, $4, $4, $5)
       on conflict (tenant, api) do nothing`,
      [
        tenant,
        api,
        limit.concurrency,
        limit.ratePerSecond,
        limit.prioritySlots ?? defaultLimit.prioritySlots,
      ],
    );
  }
}

/** Sets or changes a tenant+API limit; every worker sees it on its next claim. */
export async function setTenantLimit(
  store: Store,
  tenant: string,
  api: string,
  limit: TenantLimit,
): Promise<void> {
  await store.query(
    `insert into tenant_limits (tenant, api, concurrency, rate_per_second, tokens, priority_slots)
     values ($1, $2, $3, $4, $4, $5)
     on conflict (tenant, api) do update set concurrency = excluded.concurrency, rate_per_second = excluded.rate_per_second,
        priority_slots = excluded.priority_slots`,
    [tenant, api, limit.concurrency, limit.ratePerSecond, limit.prioritySlots ?? defaultLimit.prioritySlots],
  );
}

interface LockedRun {
  status: RunStatus;
  planHash: string;
  clientId: string;
  cancelRequestedAt: Date | null;
}

async function lockRun(sql: Sql, runId: string): Promise<LockedRun> {
  const [run] = await sql.query<LockedRun>(
    `select status, plan_hash as "planHash", client_id as "clientId", cancel_requested_at as "cancelRequestedAt"
       from runs where id = $1 for update`,
    [runId],
  );
  if (!run) throw new LifecycleError({ kind: "not-found", message: `no run ${runId}` });
  return run;
}

export async function cancelRun(
  store: Store,
  runId: string,
  actor: string,
  reason = "cancelled on request",
): Promise<RunStatus> {
  return txWithRetry(store, async (sql) => {
    const run = await lockRun(sql, runId);
    if (terminalRunStatuses.has(run.status)) {
      throw new LifecycleError({
        kind: "conflict",
        message: `run ${runId} is ${run.status}; only an unfinished run can be cancelled`,
      });
    }
    await cancelRunSql(sql, runId, reason, actor);
    await appendAudit(sql, { actor, action: "run.cancel", subject: runId, detail: { reason } });
    return refreshRunStatus(sql, runId);
  });
}

export interface Signal {
  kind: "approve" | "reject";
  /** Who decides, proven: signed-in staff, or the holder of an approval link. */
  by: VerifiedApprover;
  /** The plan hash that was reviewed: required to approve an approval, ignored by a manual task. */
  planHash?: string | undefined;
  note?: string | undefined;
  /** The gate step's key; absent, the run's approval gate. */
  gate?: string | undefined;
  /** The address the decision came from, for the audit entry of a decision made outside a sign-in. */
  from?: string | undefined;
}

/** `recorded` is false when the gate already had this decision: nothing new was stored. */
export interface SignalAnswer {
  recorded: boolean;
}

/**
 * Records an approval or rejection for one gate step of the run (the approval gate unless another is named)
 * and wakes it. Only an approver the gate allows may decide an approval (never its requester), for the plan
 * hash they reviewed: what was reviewed is what runs. The same decision again answers as the first did.
 */
export async function signalRun(store: Store, runId: string, signal: Signal): Promise<SignalAnswer> {
  return txWithRetry(store, (sql) => signalRunIn(sql, runId, signal));
}

interface SignalSeen {
  kind: "approve" | "reject";
  actor: string;
  planHash: string | null;
  at: Date;
}

/** `signalRun` in the caller's transaction, so a link is used up in the same commit as its decision. */
export async function signalRunIn(sql: Sql, runId: string, signal: Signal): Promise<SignalAnswer> {
  const key = signal.gate ?? approvalGateKey;
  const run = await lockRun(sql, runId);
  const [row] = await sql.query<{ state: string; params: Record<string, unknown> }>(
    `select state, params from actions where run_id = $1 and key = $2 and type = $3`,
    [runId, key, gateType],
  );
  if (!row) {
    throw signal.gate === undefined
      ? new LifecycleError({ kind: "conflict", message: `run ${runId} needs no approval` })
      : new LifecycleError({ kind: "not-found", message: `run ${runId} has no gate step "${key}"` });
  }
  const params = gateParamsOf(row.params);
  if (typeof params === "string")
    throw new LifecycleError({
      kind: "conflict",
      message: `gate step "${key}" cannot be answered: ${params}`,
    });
  const approval = params.kind === "approval";
  const refusal = approval
    ? approvalRefusal(params, signal.by, run.clientId, signal.kind)
    : taskRefusal(signal.by, run.clientId);
  if (refusal) throw new LifecycleError({ kind: "permission", message: refusal });
  if (approval && signal.kind === "approve") {
    if (!signal.planHash)
      throw new LifecycleError({
        kind: "invalid",
        message: "planHash is required: approve the plan hash you reviewed (lifecycle runs show <run>)",
      });
    if (signal.planHash !== run.planHash)
      throw new LifecycleError({
        kind: "conflict",
        message: `the plan changed since it was shown (hash ${signal.planHash.slice(0, 12)}…); review it again`,
      });
  }
  const seen = await sql.query<SignalSeen>(
    `select kind, actor, plan_hash as "planHash", at from signals where run_id = $1 and action_key = $2 order by id`,
    [runId, key],
  );
  // As the gate decides: a rejection stands first, an approval only for the run's plan.
  const decided =
    seen.find((s) => s.kind === "reject") ??
    seen.find((s) => s.kind === "approve" && (!approval || s.planHash === run.planHash));
  if (decided?.kind === signal.kind) return { recorded: false };
  if (decided) {
    const verb = decided.kind === "approve" ? (approval ? "approved" : "done") : "rejected";
    throw new LifecycleError({
      kind: "conflict",
      message: `${approval ? `run ${runId}` : `gate step "${key}"`} was already ${verb} by ${decided.actor} at ${new Date(decided.at).toISOString()}`,
    });
  }
  // A gate not yet claimed may be answered already; one still behind its dependencies may not.
  if (row.state !== "waiting" && row.state !== "ready") {
    throw new LifecycleError({
      kind: "conflict",
      message: approval
        ? `run ${runId} is not awaiting approval (approval step is ${row.state})`
        : `gate step "${key}" of run ${runId} is not waiting (it is ${row.state})`,
    });
  }
  const actor = approverEmail(signal.by);
  const hash = signal.planHash && approval ? signal.planHash : run.planHash;
  await sql.query(
    `insert into signals (run_id, action_key, kind, actor, plan_hash, note) values ($1, $2, $3, $4, $5, $6)`,
    [runId, key, signal.kind, actor, hash, signal.note ?? null],
  );
  await appendAudit(sql, {
    actor,
    action: `run.${signal.kind}`,
    subject: runId,
    detail: {
      gate: key,
      planHash: hash,
      note: signal.note ?? null,
      approver: approverProof(signal.by),
      ...(signal.from ? { address: signal.from } : {}),
    },
  });
  await sql.query(
    `update actions set run_at = now() where run_id = $1 and key = $2 and state in ('waiting', 'ready')`,
    [runId, key],
  );
  const verb = signal.kind === "approve" ? (approval ? "approved" : "done") : "rejected";
  const through = signal.by.kind === "link" ? ` through approval link ${signal.by.linkId}` : "";
  await appendEvent(sql, {
    runId,
    actionKey: key,
    type: `${approval ? "approval" : "task"}.${verb}`,
    message: `${verb} by ${actor}${through}${signal.note ? `: ${signal.note}` : ""}`,
  });
  await wakeWorkers(sql);
  return { recorded: true };
}

/**
 * Re-opens failed steps and the steps they blocked; succeeded ones are never run again. An expired approval
 * asks again with a fresh expiry.
 */
export async function retryFailed(
  store: Store,
  runId: string,
  actor: string,
  approvalTtlMs = 72 * 3600_000,
): Promise<{ reopened: string[] }> {
  return txWithRetry(store, async (sql) => {
    const run = await lockRun(sql, runId);
    if (run.cancelRequestedAt)
      throw new LifecycleError({ kind: "conflict", message: `run ${runId} was cancelled` });
    if (!["failed", "completed-with-warnings"].includes(run.status)) {
      throw new LifecycleError({
        kind: "conflict",
        message: `run ${runId} is ${run.status}; only failed steps of a finished run can be retried`,
      });
    }
    const reopened = await sql.query<{ key: string; type: string }>(
      `update actions set state = 'pending', outcome = null, attempts = 0, phase = 'plan', finished_at = null,
              waiting_since = null, deadline_at = null
        where run_id = $1 and state in ('failed', 'blocked') returning key, type`,
      [runId],
    );
    await sql.query(
      `update actions set state = 'waiting', run_at = now() + $2 * interval '1 millisecond', deadline_at = now() + $2 * interval '1 millisecond'
        where run_id = $1 and state = 'pending' and type = $3 and params->>'kind' = 'approval'`,
      [runId, approvalTtlMs, gateType],
    );
    await readyDependents(sql, runId, null);
    await appendAudit(sql, {
      actor,
      action: "run.retry",
      subject: runId,
      detail: { reopened: reopened.map((r) => r.key) },
    });
    await appendEvent(sql, {
      runId,
      type: "run.retry",
      message: `${actor} retried ${reopened.length} failed or blocked step(s): ${reopened.map((r) => r.key).join(", ")}`,
    });
    await refreshRunStatus(sql, runId);
    await wakeWorkers(sql);
    return { reopened: reopened.map((r) => r.key) };
  });
}

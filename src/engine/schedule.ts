import { LifecycleError } from "../domain/errors.ts";
import { approvalGateKey, gateType, type Plan } from "../domain/plan.ts";
import { terminalRunStatuses, type RunStatus } from "../domain/run-status.ts";
import { planHash } from "../planner/hash.ts";
import { appendAudit } from "../store/audit.ts";
import type { Sql, Store } from "../store/sql.ts";
import { txWithRetry } from "../store/sql.ts";
import { appendEvent, wakeWorkers } from "./events.ts";
import { refreshRunStatus } from "./queries/run-status.ts";

/** A run whose start lies ahead and none of whose work has begun. */
export interface ScheduledRun {
  runId: string;
  clientId: string;
  kind: "onboard" | "offboard";
  status: RunStatus;
  /** The account or address the run is about (the new user's UPN, the leaver). */
  subject: string;
  /** The person's name as the request gave it; null when it named only the account (an offboarding). */
  name: string | null;
  startAt: Date;
  requester: string;
  createdAt: Date;
}

/** Work of the run has begun: a step other than a gate was tried, or ended. */
const workBegun = `exists (select 1 from actions w where w.run_id = r.id and w.type <> $1
                     and (w.attempts > 0 or w.state not in ('pending', 'ready', 'waiting')))`;

export async function listScheduled(
  sql: Sql,
  filter: { clientId?: string | undefined; clientIds?: readonly string[] | undefined } = {},
): Promise<ScheduledRun[]> {
  return sql.query<ScheduledRun>(
    `select r.id as "runId", r.client_id as "clientId", r.kind, r.status, r.subject,
            coalesce(nullif(q.body->>'displayName', ''),
                     nullif(trim(coalesce(q.body->>'firstName', '') || ' ' || coalesce(q.body->>'lastName', '')), '')) as name,
            r.start_at as "startAt", q.requester, r.created_at as "createdAt"
       from runs r join requests q on q.id = r.request_id
      where r.start_at > now() and r.cancel_requested_at is null
        and r.status not in ('completed', 'completed-with-warnings', 'failed', 'cancelled')
        and not ${workBegun}
        and ($2::text is null or r.client_id = $2) and ($3::text[] is null or r.client_id = any($3::text[]))
      order by r.start_at, r.id
      limit 1000`,
    [gateType, filter.clientId ?? null, filter.clientIds ?? null],
  );
}

export interface NewStart {
  /** The instant. */
  startAt: Date;
  /** How it reads on the client's wall clock, with the zone ("2026-12-03T09:00 Europe/Berlin"). */
  startLocal: string;
  timeZone: string;
}

export interface Rescheduled {
  from: Date;
  to: Date;
  planHash: string;
  /** The run had been approved for the plan before: its approval is asked for again. */
  approvalReopened: boolean;
}

/** Why a reschedule is refused: the code the API answers with, apart from the other conflicts. */
export const runStartedCode = "RUN_STARTED" as const;

/** Every string of the value with `from`'s texts replaced by `to`'s: the plan's copies of the start. */
function restart(value: unknown, swaps: readonly (readonly [string, string])[]): unknown {
  if (typeof value === "string") return swaps.reduce((s, [a, b]) => (a ? s.replaceAll(a, b) : s), value);
  if (Array.isArray(value)) return value.map((v) => restart(v, swaps));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restart(v, swaps)]));
  return value;
}

interface RunForReschedule {
  status: RunStatus;
  clientId: string;
  plan: Plan;
  planHash: string;
  startAt: Date;
  cancelRequestedAt: Date | null;
  requestId: string;
  body: Record<string, unknown>;
  begun: boolean;
  due: boolean;
}

/**
 * Moves a run's start while nothing of it has begun. The plan holds the start where the workflow put it
 * (the hire date, a pass's start, the ticket's text), so those copies move too and the plan gets a new
 * hash: an approval given for the old plan no longer counts, and an approved run is asked again, as for
 * any changed plan. Steps already ready wait for the new start; the others are released at it as before.
 */
export async function rescheduleRun(
  store: Store,
  runId: string,
  next: NewStart,
  opts: { actor: string; reason?: string | undefined; approvalTtlHours: number },
): Promise<Rescheduled> {
  return txWithRetry(store, async (sql) => {
    const [run] = await sql.query<RunForReschedule>(
      `select r.status, r.client_id as "clientId", r.plan, r.plan_hash as "planHash", r.start_at as "startAt",
              r.cancel_requested_at as "cancelRequestedAt", r.request_id as "requestId", q.body,
              ${workBegun} as begun, r.start_at <= now() as due
         from runs r join requests q on q.id = r.request_id where r.id = $2 for update of r`,
      [gateType, runId],
    );
    if (!run) throw new LifecycleError({ kind: "not-found", message: `no run ${runId}` });
    if (run.cancelRequestedAt || run.status === "cancelled")
      throw new LifecycleError({ kind: "conflict", message: `run ${runId} was cancelled` });
    if (terminalRunStatuses.has(run.status) || run.begun || run.due) {
      const why = terminalRunStatuses.has(run.status)
        ? `it is ${run.status}`
        : run.begun
          ? "its first steps have run"
          : `its start (${run.startAt.toISOString()}) has come`;
      throw new LifecycleError({
        kind: "conflict",
        code: runStartedCode,
        message: `run ${runId} cannot be rescheduled: ${why}; only a run that has not started can be`,
      });
    }
    const oldAt = typeof run.body.startAt === "string" ? run.body.startAt : run.startAt.toISOString();
    const oldLocal = typeof run.body.startLocal === "string" ? run.body.startLocal : "";
    const newAt = next.startAt.toISOString();
    const swaps = [
      [oldAt, newAt],
      [oldLocal, next.startLocal],
    ] as const;
    const plan: Plan = {
      ...run.plan,
      actions: run.plan.actions.map((a) => ({
        ...a,
        title: restart(a.title, swaps) as string,
        params: restart(a.params, swaps) as Record<string, unknown>,
      })),
    };
    const hash = planHash(plan);
    const body = { ...run.body, startAt: newAt, startLocal: next.startLocal, startNow: false };
    await sql.query(
      `update runs set plan = $2, plan_hash = $3, start_at = $4, updated_at = now() where id = $1`,
      [runId, JSON.stringify(plan), hash, next.startAt],
    );
    await sql.query(`update requests set start_at = $2, body = $3 where id = $1`, [
      run.requestId,
      next.startAt,
      JSON.stringify(body),
    ]);
    for (const a of plan.actions) {
      await sql.query(`update actions set title = $3, params = $4 where run_id = $1 and key = $2`, [
        runId,
        a.key,
        a.title,
        JSON.stringify(a.params),
      ]);
    }
    // Steps not behind another are ready with the old start as their time; the rest are readied at the
    // run's start (readyDependents), which is the new one now.
    await sql.query(
      `update actions set run_at = greatest(now(), $2::timestamptz)
        where run_id = $1 and state = 'ready' and type <> $3`,
      [runId, next.startAt, gateType],
    );
    const approvalReopened = await reopenApproval(sql, runId, run.planHash !== hash, next, opts);
    await appendAudit(sql, {
      actor: opts.actor,
      action: "run.reschedule",
      subject: runId,
      detail: {
        from: run.startAt.toISOString(),
        to: newAt,
        startLocal: next.startLocal,
        planHash: hash,
        previousPlanHash: run.planHash,
        reason: opts.reason ?? null,
      },
    });
    await appendEvent(sql, {
      runId,
      type: "run.rescheduled",
      message: `${opts.actor} moved the start from ${oldLocal || oldAt} to ${next.startLocal}${opts.reason ? `: ${opts.reason}` : ""}`,
      detail: { from: run.startAt.toISOString(), to: newAt, planHash: hash, previousPlanHash: run.planHash },
    });
    await refreshRunStatus(sql, runId);
    await wakeWorkers(sql);
    return { from: run.startAt, to: next.startAt, planHash: hash, approvalReopened };
  });
}

/**
 * The approval is of the plan's hash: with a new one, an approval already given is asked for again (the
 * steps it had released wait again), and one still open expires as long after the new start as it did
 * after the old.
 */
async function reopenApproval(
  sql: Sql,
  runId: string,
  changed: boolean,
  next: NewStart,
  opts: { approvalTtlHours: number },
): Promise<boolean> {
  if (!changed) return false;
  const deadline = `greatest(now(), $3::timestamptz) + $4 * interval '1 hour'`;
  const reopened = await sql.query<{ key: string; who: string }>(
    `update actions set state = 'waiting', outcome = null, attempts = 0, phase = 'plan', finished_at = null,
            started_at = null, waiting_since = null, run_at = now(), deadline_at = ${deadline}
      where run_id = $1 and key = $2 and type = $5 and state = 'succeeded'
      returning key, params->>'who' as who`,
    [runId, approvalGateKey, next.startAt, opts.approvalTtlHours, gateType],
  );
  await sql.query(
    `update actions set run_at = now(), deadline_at = ${deadline}
      where run_id = $1 and key = $2 and type = $5 and state in ('waiting', 'ready')`,
    [runId, approvalGateKey, next.startAt, opts.approvalTtlHours, gateType],
  );
  if (!reopened.length) return false;
  await sql.query(
    `update actions set state = 'pending' where run_id = $1 and state = 'ready' and $2 = any(deps)`,
    [runId, approvalGateKey],
  );
  await appendEvent(sql, {
    runId,
    actionKey: approvalGateKey,
    type: "approval.requested",
    message: `the plan changed with its start: approval by ${reopened[0]?.who ?? "an approver"} is required again`,
  });
  return true;
}

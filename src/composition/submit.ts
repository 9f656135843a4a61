import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { describePolicy, requestedByOf } from "../domain/approval.ts";
import type { ClientConfig } from "../domain/client.ts";
import { LifecycleError } from "../domain/errors.ts";
import type { Plan, PlanFinding } from "../domain/plan.ts";
import { fail, failAll, ok, type FieldError, type Result } from "../domain/result.ts";
import { createRun } from "../engine/runs.ts";
import type { RunStatus } from "../domain/run-status.ts";
import { planHash, planRequest, preflight, type LiveState } from "../planner/index.ts";
import { getClient } from "../store/clients-repo.ts";
import type { Sql, Store } from "../store/sql.ts";
import { clientIdOf, validateOffboarding, validateOnboarding, type Request } from "../requests/index.ts";
import type { Connector } from "../connectors/module.ts";
import { duplicateOnboarding } from "./duplicate-person.ts";
import { unservedSteps } from "./step-coverage.ts";
import { limitsOf, planSystemsOf } from "./systems.ts";
import { clientWorkflow } from "./workflows.ts";

export interface Submission {
  request: Request;
  plan: Plan;
  planHash: string;
  dryRun: boolean;
  /**
   * What the pre-flight reads found. A dry run carries every one, errors included; a stored run only
   * warnings and info, since an error refuses the submission.
   */
  findings: PlanFinding[];
  /** Present when the run was stored. */
  runId?: string;
  status?: RunStatus;
  /** The run an earlier submission with the same Idempotency-Key stored: nothing new was. */
  replayed?: boolean;
}

export interface SubmitOptions {
  actor: string;
  /**
   * The signed-in staff member (or token owner) who submits: with the actor and the request's requester,
   * one who never approves the run.
   */
  submittedBy?: { accountId: string; email: string } | undefined;
  dryRun?: boolean;
  now?: Date;
  live?: (client: ClientConfig) => LiveState | Promise<LiveState>;
  /** The connectors the client's systems may name (tests add their own). */
  registry?: readonly Connector[];
  /**
   * The submitter's Idempotency-Key: the same key with the same body answers the first submission's run
   * (nothing new is stored); with another body the submission is refused. Scoped to `idempotencyOwner`.
   */
  idempotencyKey?: string;
  /**
   * A submitter who is not staff (the holder of a client's form link): how they proved it, kept on the
   * run and in the audit. They name no account, so nothing of theirs counts as an approver's identity.
   */
  submittedVia?: Record<string, string>;
  /** Kept in the run's transaction once the run is stored (the form link's record of what it submitted). */
  onStored?: (sql: Sql, runId: string) => Promise<void>;
  /** Whose keys these are: the signed-in account (another account's same key is another submission); `actor` when absent. */
  idempotencyOwner?: string;
}

/**
 * From a form, API body or CLI flags to a stored run: validate, plan against live state, check the plan
 * against the client's systems (pre-flight), store. Anything wrong comes back as field errors and nothing
 * is written.
 */
export async function submitRequest(
  store: Store,
  kind: "onboard" | "offboard",
  body: unknown,
  opts: SubmitOptions,
): Promise<Result<Submission>> {
  const bodyHash = opts.idempotencyKey && !opts.dryRun ? bodyHashOf(body) : undefined;
  // JSON reads 1e999 as Infinity, which has no canonical form to hash; no field takes such a number.
  if (bodyHash === null) return fail("body", "holds a number too large to be one (such as 1e999)");
  const idempotency =
    opts.idempotencyKey && bodyHash
      ? { owner: opts.idempotencyOwner ?? opts.actor, key: opts.idempotencyKey, bodyHash }
      : undefined;
  if (idempotency) {
    const first = await earlierSubmission(store, idempotency);
    if (first) return ok(first);
  }
  const clientId = clientIdOf(body);
  if (!clientId) return fail("client", "is required");
  const client = await getClient(store, clientId);
  if (!client) return fail("client", `unknown client "${clientId}"`);
  const now = opts.now ?? new Date();
  const validated =
    kind === "onboard" ? validateOnboarding(body, client, now) : validateOffboarding(body, client, now);
  if (!validated.ok) return validated;
  const request = validated.value;
  const live = (await opts.live?.(client)) ?? {};
  // The client's workflow as saved now: the run is pinned to it, whatever is saved later.
  const workflow = await clientWorkflow(store, client, kind);
  if (!workflow.ok) return workflow;
  const requestedBy = requestedByOf(request.requester, opts.actor, opts.submittedBy);
  const planned = await planRequest(
    request,
    client,
    live,
    planSystemsOf(client, opts.registry),
    workflow.value,
    requestedBy,
  );
  if (!planned.ok) return planned;
  const { plan, findings: planning } = planned.value;
  const findings = [
    ...planning,
    ...unservedSteps(plan, client, opts.registry),
    ...(await preflight({ request, client, plan, live })),
  ];
  if (opts.dryRun) return ok({ request, plan, planHash: planHash(plan), dryRun: true, findings });
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length) return failAll(errors.map(({ field, message }) => ({ field, message })));
  let twin: FieldError[] = [];
  const subject =
    request.kind === "onboard"
      ? String(plan.actions[0]?.params.upn ?? `${request.firstName} ${request.lastName}`)
      : request.user;
  try {
    const created = await createRun(store, {
      clientId: client.id,
      kind,
      subject,
      requester: request.requester,
      ticket: request.ticket,
      request,
      startAt: new Date(request.startAt),
      plan,
      findings,
      approval:
        request.approval === "none"
          ? undefined
          : {
              policy: describePolicy(request.approval),
              requestedBy,
              expiresAt: new Date(
                Math.max(now.getTime(), Date.parse(request.startAt)) +
                  client.approval.expiresAfterHours * 3600_000,
              ),
            },
      limits: limitsOf(client, opts.registry),
      audit: { actor: opts.actor, action: `${kind}.submit`, subject },
      ...(idempotency ? { idempotency } : {}),
      ...(opts.submittedVia ? { submittedVia: opts.submittedVia } : {}),
      ...(opts.onStored ? { record: opts.onStored } : {}),
      // Checked in the run's transaction under a per-client lock, so two submissions of the same starter
      // at the same moment (a double click) cannot both pass.
      ...(request.kind === "onboard" && {
        guard: async (sql: Sql) => {
          await sql.query("select pg_advisory_xact_lock(hashtext($1))", [`onboard:${client.id}`]);
          twin = await duplicateOnboarding(sql, request, now);
          if (twin.length) throw duplicateRefused;
        },
      }),
    });
    return ok({
      request,
      plan,
      planHash: created.planHash,
      dryRun: false,
      findings,
      runId: created.runId,
      status: created.status,
    });
  } catch (err) {
    if (err === duplicateRefused) return failAll(twin);
    if (err instanceof LifecycleError && err.failure.kind === "invalid") return fail("plan", err.message);
    // The same key sent twice at once: both planned, the index let one store; the other answers its run.
    if (idempotency && isUniqueViolation(err)) {
      const first = await earlierSubmission(store, idempotency);
      if (first) return ok(first);
    }
    throw err;
  }
}

const duplicateRefused = new Error("another onboarding of the same person is pending or just finished");

/** The body's hash for its Idempotency-Key; null when the body holds a non-finite number (no canonical JSON). */
function bodyHashOf(body: unknown): string | null {
  let text: string | undefined;
  try {
    text = canonicalize(body);
  } catch {
    return null;
  }
  return createHash("sha256")
    .update(text ?? "null", "utf8")
    .digest("hex");
}

const isUniqueViolation = (err: unknown) =>
  typeof err === "object" && err !== null && (err as { code?: unknown }).code === "23505";

/**
 * The submission an earlier request with this key stored, as it answered then (the run's status as it is
 * now); a different body under the same key is refused, naming the run it made.
 */
async function earlierSubmission(
  sql: Sql,
  id: { owner: string; key: string; bodyHash: string },
): Promise<Submission | undefined> {
  const [row] = await sql.query<{
    body: Request;
    body_hash: string;
    run_id: string;
    status: RunStatus;
    plan: Plan;
    plan_hash: string;
    findings: PlanFinding[] | null;
  }>(
    `select q.body, q.body_hash, r.id as run_id, r.status, r.plan, r.plan_hash,
            (select e.detail->'findings' from events e where e.run_id = r.id and e.type = 'run.created'
              order by e.id limit 1) as findings
       from requests q join runs r on r.request_id = q.id
      where q.idempotency_owner = $1 and q.idempotency_key = $2`,
    [id.owner, id.key],
  );
  if (!row) return undefined;
  if (row.body_hash !== id.bodyHash)
    throw new LifecycleError({
      kind: "conflict",
      code: "IDEMPOTENCY_KEY_REUSED",
      message: `this Idempotency-Key was sent before with a different body, and made run ${row.run_id}: send a new key for a new request`,
    });
  return {
    request: row.body,
    plan: row.plan,
    planHash: row.plan_hash,
    dryRun: false,
    findings: row.findings ?? [],
    runId: row.run_id,
    status: row.status,
    replayed: true,
  };
}

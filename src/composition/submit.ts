import type { ClientConfig } from "../domain/client.ts";
import { LifecycleError } from "../domain/errors.ts";
import type { Plan, PlanFinding } from "../domain/plan.ts";
import { fail, failAll, ok, type Result } from "../domain/result.ts";
import { createRun } from "../engine/runs.ts";
import type { RunStatus } from "../domain/run-status.ts";
import { planHash, planRequest, preflight, type LiveState } from "../planner/index.ts";
import { getClient } from "../store/clients-repo.ts";
import type { Store } from "../store/sql.ts";
import { clientIdOf, validateOffboarding, validateOnboarding, type Request } from "../requests/index.ts";
import type { Connector } from "../connectors/module.ts";
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
}

export interface SubmitOptions {
  actor: string;
  dryRun?: boolean;
  now?: Date;
  live?: (client: ClientConfig) => LiveState | Promise<LiveState>;
  /** The connectors the client's systems may name (tests add their own). */
  registry?: readonly Connector[];
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
  const planned = await planRequest(
    request,
    client,
    live,
    planSystemsOf(client, opts.registry),
    workflow.value,
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
              policy: request.approval,
              expiresAt: new Date(
                Math.max(now.getTime(), Date.parse(request.startAt)) +
                  client.approval.expiresAfterHours * 3600_000,
              ),
            },
      limits: limitsOf(client, opts.registry),
      audit: { actor: opts.actor, action: `${kind}.submit`, subject },
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
    if (err instanceof LifecycleError && err.failure.kind === "invalid") return fail("plan", err.message);
    throw err;
  }
}

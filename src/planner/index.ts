import { productionCatalog } from "../actions/catalog.ts";
import type { RequestedBy } from "../domain/approval.ts";
import type { ClientConfig } from "../domain/client.ts";
import { ok, type Result } from "../domain/result.ts";
import type { Request } from "../requests/index.ts";
import { builtinWorkflows, type WorkflowDefinition } from "../workflows/index.ts";
import { planApproval } from "./approval.ts";
import { planWorkflow, type PlanOutput } from "./interpret.ts";
import type { LiveState } from "./live-state.ts";
import { noSystems, type PlanSystems } from "./plan-builder.ts";

export type { LiveState } from "./live-state.ts";
export { preflight, type PreflightInput } from "./preflight.ts";
export { noSystems, type PlanSystems } from "./plan-builder.ts";
export { planHash } from "./hash.ts";
export { validatePlanGraph } from "./dag.ts";
export { planWorkflow, type PlanInput, type PlanOutput } from "./interpret.ts";
export { approvalRequestKey, approvalRequestType, planApproval } from "./approval.ts";

/**
 * A request planned with a workflow definition: the client's own, or the built-in of its kind. The
 * findings are what planning learnt on the way (the username's rule, who approves); the plan is what will
 * run, with its approvers. `requestedBy` is who asks besides the request's requester: never an approver.
 */
export async function planRequest(
  req: Request,
  client: ClientConfig,
  live: LiveState,
  systems: PlanSystems = noSystems,
  workflow: WorkflowDefinition = builtinWorkflows[req.kind],
  requestedBy: RequestedBy = { emails: [], accountIds: [] },
): Promise<Result<PlanOutput>> {
  if (workflow.kind !== req.kind)
    return {
      ok: false,
      errors: [
        { field: "workflow", message: `${workflow.id} is a ${workflow.kind} workflow, not ${req.kind}` },
      ],
    };
  const planned = await planWorkflow(workflow, {
    request: req,
    client,
    live,
    systems,
    catalog: productionCatalog(),
  });
  if (!planned.ok) return planned;
  const { plan, findings } = planned.value;
  const approval = await planApproval({ request: req, client, live, systems, requestedBy });
  return ok({
    plan: {
      ...plan,
      actions: [...plan.actions, ...approval.steps],
      ...(approval.approval ? { approval: approval.approval } : {}),
    },
    findings: [...findings, ...approval.findings],
  });
}

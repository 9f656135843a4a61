import { productionCatalog } from "../actions/catalog.ts";
import type { ClientConfig } from "../domain/client.ts";
import type { Result } from "../domain/result.ts";
import type { Request } from "../requests/index.ts";
import { builtinWorkflows, type WorkflowDefinition } from "../workflows/index.ts";
import { planWorkflow, type PlanOutput } from "./interpret.ts";
import type { LiveState } from "./live-state.ts";
import { noSystems, type PlanSystems } from "./plan-builder.ts";

export type { LiveState } from "./live-state.ts";
export { preflight, type PreflightInput } from "./preflight.ts";
export { noSystems, type PlanSystems } from "./plan-builder.ts";
export { planHash } from "./hash.ts";
export { validatePlanGraph } from "./dag.ts";
export { planWorkflow, type PlanInput, type PlanOutput } from "./interpret.ts";

/**
 * A request planned with a workflow definition: the client's own, or the built-in of its kind. The
 * findings are what planning learnt on the way (the username's rule); the plan is what will run.
 */
export async function planRequest(
  req: Request,
  client: ClientConfig,
  live: LiveState,
  systems: PlanSystems = noSystems,
  workflow: WorkflowDefinition = builtinWorkflows[req.kind],
): Promise<Result<PlanOutput>> {
  if (workflow.kind !== req.kind)
    return {
      ok: false,
      errors: [
        { field: "workflow", message: `${workflow.id} is a ${workflow.kind} workflow, not ${req.kind}` },
      ],
    };
  return planWorkflow(workflow, { request: req, client, live, systems, catalog: productionCatalog() });
}

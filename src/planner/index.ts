import type { ClientConfig } from "../domain/client.ts";
import type { Plan } from "../domain/plan.ts";
import type { Result } from "../domain/result.ts";
import type { Request } from "../requests/index.ts";
import type { LiveState } from "./live-state.ts";
import type { PlanSystems } from "./plan-builder.ts";
import { planOffboarding } from "./offboarding-plan.ts";
import { planOnboarding } from "./onboarding-plan.ts";

export type { LiveState } from "./live-state.ts";
export { preflight, type PreflightInput } from "./preflight.ts";
export { noSystems, type PlanSystems } from "./plan-builder.ts";
export { planHash } from "./hash.ts";
export { validatePlanGraph } from "./dag.ts";

export async function planRequest(
  req: Request,
  client: ClientConfig,
  live: LiveState,
  systems?: PlanSystems,
): Promise<Result<Plan>> {
  return req.kind === "onboard"
    ? planOnboarding(req, client, live, systems)
    : planOffboarding(req, client, live, systems);
}

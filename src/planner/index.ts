import type { ClientConfig } from "../domain/client.ts";
import type { Plan } from "../domain/plan.ts";
import type { Result } from "../domain/result.ts";
import type { Request } from "../requests/index.ts";
import type { LiveState } from "./live-state.ts";
import { planOffboarding } from "./offboarding-plan.ts";
import { planOnboarding } from "./onboarding-plan.ts";

export type { LiveState } from "./live-state.ts";
export { planHash } from "./hash.ts";
export { validatePlanGraph } from "./dag.ts";

export async function planRequest(
  req: Request,
  client: ClientConfig,
  live: LiveState,
): Promise<Result<Plan>> {
  return req.kind === "onboard" ? planOnboarding(req, client, live) : planOffboarding(req, client, live);
}

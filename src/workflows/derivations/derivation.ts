import type { ClientConfig } from "../../domain/client.ts";
import type { PlanFinding } from "../../domain/plan.ts";
import type { Result } from "../../domain/result.ts";
import type { LiveState } from "../../planner/live-state.ts";
import type { Shape } from "../shapes.ts";

export interface DerivationInput<R> {
  request: R;
  client: ClientConfig;
  live: LiveState;
}

/** A named computation a definition calls as `${derived.<name>}`: typed code where data would not do. */
export interface Derivation<R> {
  describe: string;
  /** What its value looks like, for validating the expressions that use it. */
  shape: Shape;
  compute(input: DerivationInput<R>): Promise<Result<{ value: unknown; findings?: PlanFinding[] }>>;
}

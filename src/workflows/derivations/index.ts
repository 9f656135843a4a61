import type { WorkflowKind } from "../definition.ts";
import type { Derivation } from "./derivation.ts";
import { offboardDerivations } from "./offboard.ts";
import { onboardDerivations } from "./onboard.ts";

export type { Derivation, DerivationInput } from "./derivation.ts";
export { onboardingImplications, type OnboardingImplications } from "./onboard.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind's derivations take its own request
export const derivations: Record<WorkflowKind, Record<string, Derivation<any>>> = {
  onboard: onboardDerivations,
  offboard: offboardDerivations,
};

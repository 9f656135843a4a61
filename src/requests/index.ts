export {
  validateOnboarding,
  toOnboardingInput,
  type OnboardingRequest,
  type ApprovalPolicy,
} from "./onboarding.ts";
export { validateOffboarding, toOffboardingInput, type OffboardingRequest } from "./offboarding.ts";
export { parseStartTime, PAST_TOLERANCE_MS, type StartTime } from "./start-time.ts";

import type { OnboardingRequest } from "./onboarding.ts";
import type { OffboardingRequest } from "./offboarding.ts";

export type Request = OnboardingRequest | OffboardingRequest;

/**
 * The client id a body names, read before validation so the caller can load that client's config (the
 * validators then insist the body and the config agree). Undefined when the body names none.
 */
export function clientIdOf(input: unknown): string | undefined {
  if (typeof input !== "object" || input === null || !("client" in input)) return undefined;
  const { client } = input;
  return typeof client === "string" && client.trim() !== "" ? client.trim() : undefined;
}

export {
  onboardingForm,
  validateOnboarding,
  toOnboardingInput,
  type OnboardingRequest,
  type ApprovalPolicy,
} from "./forms/onboarding.ts";
export {
  offboardingForm,
  offboardingActionFields,
  validateOffboarding,
  toOffboardingInput,
  type OffboardingRequest,
} from "./forms/offboarding.ts";
export { parseStartTime, PAST_TOLERANCE_MS, type StartTime } from "./start-time.ts";
export { defineForm, type Form, type FormOutline } from "./kit/define-form.ts";
export { describeForm, type FormDescription, type FieldDescription } from "./kit/console.ts";
export { formDocument } from "./kit/openapi.ts";
export { cliFlags, bodyFromFlags } from "./kit/cli-flags.ts";

import { onboardingForm, type OnboardingRequest } from "./forms/onboarding.ts";
import { offboardingForm, type OffboardingRequest } from "./forms/offboarding.ts";

export type Request = OnboardingRequest | OffboardingRequest;

/** The form of each request kind, for what derives from them all (the API, the CLI, the console). */
export const requestForms = { onboard: onboardingForm, offboard: offboardingForm } as const;

/**
 * The client id a body names, read before validation so the caller can load that client's config (the
 * validators then insist the body and the config agree). Undefined when the body names none.
 */
export function clientIdOf(input: unknown): string | undefined {
  if (typeof input !== "object" || input === null || !("client" in input)) return undefined;
  const { client } = input;
  return typeof client === "string" && client.trim() !== "" ? client.trim() : undefined;
}

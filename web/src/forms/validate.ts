// Loaded after the first paint (main.tsx imports it dynamically): zod, the form definitions and luxon (the
// start time's zone arithmetic) are most of this chunk, and nobody needs them before typing.
import type { ClientConfig } from "../../../src/domain/client.ts";
import { fromZod } from "../../../src/domain/result.ts";
import { offboardingForm } from "../../../src/requests/forms/offboarding.ts";
import { onboardingForm } from "../../../src/requests/forms/onboarding.ts";
import { cleanInput, formSchema } from "../../../src/requests/kit/validation.ts";
import type { FieldProblem } from "./model.ts";

export interface LinkClient {
  id: string;
  domains: string[];
  timeZone: string;
  /** The client's own fields, as the form description's custom-fields extras list them. */
  customFields: { key: string; label: string; required: boolean }[];
}

/**
 * The form's own field validators (the ones the API runs, built from the same definitions) for the part
 * of the client's configuration a form link shows. What needs the rest of it (the username format, the
 * approval policy, the live directory) the server's preview answers, by field, before anything is stored.
 */
export function validateBody(
  kind: "onboard" | "offboard",
  client: LinkClient,
  body: unknown,
): FieldProblem[] {
  // The fields read only these parts of a client; a name with pictographs is judged by the server, whose
  // config says whether it is refused or stripped, so here it is let through as "strip" would.
  const config = {
    id: client.id,
    domains: client.domains,
    timeZone: client.timeZone,
    customFields: client.customFields,
    names: { pictographs: "strip" },
  } as unknown as ClientConfig;
  const form = kind === "onboard" ? onboardingForm : offboardingForm;
  const parsed = formSchema(form.fields, { client: config, now: new Date() }).safeParse(cleanInput(body), {
    reportInput: true,
  });
  const problems = parsed.success ? [] : fromZod(parsed.error);
  const custom = (cleanInput(body) as { customFields?: Record<string, unknown> }).customFields ?? {};
  for (const f of client.customFields)
    if (f.required && !Object.hasOwn(custom, f.key))
      problems.push({ field: `customFields.${f.key}`, message: `is required (${f.label})` });
  return problems;
}

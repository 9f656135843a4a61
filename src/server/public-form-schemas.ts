import { z } from "zod";
import { peopleSearch } from "../composition/public-forms.ts";
import { actionStates } from "../domain/run-status.ts";
import { formDocument, requestForms } from "../requests/index.ts";
import { formDescription, plan, planFinding, runStatus } from "./schemas.ts";
import { jsonSchemaOf } from "./zod.ts";

/** Where a form link opens its page (the web app is served there), and where a submission is followed. */
export const formLinkPath = (token: string) => `/forms/${encodeURIComponent(token)}`;
/** The web page a submitter follows their request on; the status token goes after `#status=`. */
export const formStatusPage = "/forms/status";
export const statusPath = (token: string) => `/api/public/status/${encodeURIComponent(token)}`;

export const peopleQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .min(peopleSearch.minLength, { error: `must be at least ${peopleSearch.minLength} characters` })
    .max(100)
    .describe("The start of a name, sign-in name or address."),
});

export const people = z
  .object({
    people: z
      .array(
        z.object({
          displayName: z.string(),
          userPrincipalName: z.string(),
          mail: z.string().optional(),
          department: z.string().optional(),
          jobTitle: z.string().optional(),
        }),
      )
      .max(peopleSearch.limit),
  })
  .describe(`At most ${peopleSearch.limit} people, by display name.`);

const groupsImplied = z.object({
  groups: z.array(z.string()).describe("Directory groups, by name, joined right after the account is made."),
  distributionLists: z
    .array(z.string())
    .describe("Distribution lists, by address, joined once the mailbox exists."),
});

export const implications = z
  .object({
    everyone: groupsImplied.describe("What every new user of the client gets."),
    departments: z.record(z.string(), groupsImplied).describe("By department, the form's choices."),
    roles: z
      .record(z.string(), z.object({ licences: z.array(z.string()).describe("SKU part numbers.") }))
      .describe("By role, the form's choices."),
  })
  .nullable()
  .describe("What the client's maps give a new user by department and role; null for offboarding.");

export const publicForm = z
  .object({
    kind: z.enum(["onboard", "offboard"]),
    client: z.object({
      id: z.string(),
      displayName: z.string(),
      domains: z.array(z.string()),
      timeZone: z.string(),
    }),
    form: formDescription,
    implications,
  })
  .describe("The form this link opens, for its client.");

export const publicPreview = z
  .object({
    planHash: z.string(),
    plan,
    findings: z
      .array(planFinding)
      .describe("Every finding, errors included: the same body submitted is refused on an error."),
  })
  .describe("The plan that would run; nothing was stored.");

export const publicSubmitted = z
  .object({
    runId: z.string(),
    status: runStatus,
    statusUrl: z
      .string()
      .describe("Where the submitter follows the run (GET): its token is the only way to read it."),
    statusPage: z
      .string()
      .describe("The same as a web page to give a person: it keeps working after the form link is revoked."),
  })
  .describe("Stored: the run starts at the requested time, after approval if the client requires it.");

export const publicStatus = z
  .object({
    kind: z.enum(["onboard", "offboard"]),
    client: z.string().describe("The client's name."),
    subject: z.string().describe("The person the run is about."),
    status: runStatus,
    submittedAt: z.date(),
    startAt: z.date(),
    finishedAt: z.date().nullable(),
    steps: z.array(
      z.object({
        title: z.string(),
        state: z.enum(actionStates),
        startedAt: z.date().nullable(),
        finishedAt: z.date().nullable(),
      }),
    ),
  })
  .describe("Where a submitted run stands, step by step.");

// The form's fields as the staff API documents them, but `client` may be left out: it is the link's.
function linkFormDocument(kind: "onboard" | "offboard"): Record<string, unknown> {
  const doc = jsonSchemaOf(formDocument(requestForms[kind]), "input");
  const required = Array.isArray(doc.required) ? doc.required.filter((k) => k !== "client") : [];
  return { ...doc, title: `${kind} request`, required };
}

/**
 * Plain JSON Schema, so the route lets the body through to the form's own validator, which needs the
 * link's client and kind.
 */
export const publicFormBody = {
  description:
    "The request, as the form the link opens takes it (onboarding or offboarding); `client` is the link's when left out.",
  anyOf: [linkFormDocument("onboard"), linkFormDocument("offboard")],
};

export const idempotencyHeaders = z.looseObject({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, { error: "must be 1–255 visible ASCII characters, e.g. a UUID" })
    .describe(
      "A key unique to this submission (a UUID), required: sent again with the same body it answers the first run, with another body 409.",
    ),
});

import { z } from "zod";
import { errorKinds } from "../../domain/errors.ts";
import { outcomeKinds } from "../../domain/outcome.ts";
import { actionStates, runStatuses } from "../../domain/run-status.ts";

/**
 * The run's evidence report as a versioned document: what an auditor (or the client) is handed to show
 * who asked, who approved which plan, what was there before, what each step did and when, and what the
 * final re-read found. The schema is the type: the API documents it and the tests check replies against it.
 * A change that removes or renames a field raises `reportVersion`.
 */

const instant = z.string().describe("An instant, ISO 8601 in UTC.");
const offsetMs = z
  .number()
  .nullable()
  .describe("Milliseconds from the run's start (its `startAt`); null when it did not happen.");

export const reportCall = z
  .object({
    api: z.string().describe('The vendor API that answered ("graph", "exchange").'),
    call: z.string().describe('"GET /users/{upn}", or the Exchange cmdlet.'),
    status: z.number(),
    requestId: z.string().nullable().describe("The vendor's request id, for the vendor's support."),
    at: instant,
  })
  .describe("One request made to a vendor on the step's behalf.");

export const reportError = z.object({
  kind: z.enum(errorKinds),
  code: z.string().nullable().describe("Lifecycle's failure code."),
  message: z.string(),
  vendorCode: z.string().nullable().describe("The vendor's error code as sent."),
  vendorStatus: z.number().nullable(),
  requestId: z.string().nullable(),
});

export const reportAttempt = z.object({
  attempt: z.int(),
  startedAt: instant,
  endedAt: instant,
  inDoubt: z.boolean().describe("The attempt before it was interrupted while applying."),
  outcome: z.enum(outcomeKinds),
  errorCode: z.string().nullable(),
  message: z.string().nullable(),
});

export const reportAction = z.object({
  key: z.string(),
  type: z.string(),
  title: z.string(),
  required: z.boolean(),
  deps: z.array(z.string()),
  state: z.enum(actionStates),
  startedAt: instant.nullable().describe("When its first attempt was claimed."),
  appliedAt: instant.nullable().describe("When the vendor accepted the change, before it was re-read."),
  finishedAt: instant.nullable(),
  elapsed: z.object({ started: offsetMs, applied: offsetMs, finished: offsetMs }),
  attempts: z.int(),
  attemptHistory: z.array(reportAttempt),
  outcome: z.enum(outcomeKinds).nullable(),
  summary: z.string().describe("What the step did or why it did not, in words."),
  blockedBy: z.array(z.string()).describe("The failed steps that kept it from running."),
  requestId: z
    .string()
    .nullable()
    .describe("The request id of the step's change (its last accepted write), or of its failure."),
  requestIds: z.array(z.string()).describe("Every vendor request id the step's outcome recorded."),
  calls: z.array(reportCall),
  error: reportError.nullable(),
  data: z
    .record(z.string(), z.unknown())
    .describe("What the step recorded, with links, passes and other secrets left out."),
});

export const reportChange = z
  .object({
    step: z.string(),
    what: z.string().describe('"group memberships", "licenses", "mail forwarding", "mailbox type", ...'),
    before: z.string(),
    after: z.string(),
    items: z.array(z.string()).describe("The things taken away or changed, one by one."),
  })
  .describe("The state before a step changed it, from what the step recorded.");

export const reportApproval = z.object({
  gate: z.string(),
  decision: z.enum(["approve", "reject"]),
  by: z.string(),
  at: instant,
  planHash: z.string().nullable().describe("The plan hash the decision was for."),
  matchesPlan: z.boolean().describe("The hash is the run's plan hash: what was approved is what ran."),
  note: z.string().nullable(),
});

export const reportFinding = z.object({
  field: z.string(),
  severity: z.enum(["error", "warning", "info"]),
  message: z.string(),
  step: z.string().optional(),
});

export const reportResidualCheck = z
  .object({
    step: z.string().describe("The planned step whose change was re-read."),
    type: z.string(),
    what: z.string().describe('What its check looks at: "groups", "licenses", "sign-in", ...'),
    result: z
      .enum(["clean", "found", "not-checked"])
      .describe(
        "clean: nothing left; found: still in place; not-checked: the client has no connector for it.",
      ),
    findings: z
      .array(
        z.object({
          found: z.string(),
          settled: z.boolean().describe("Waiting will not change it: the verification failed at once."),
        }),
      )
      .describe("What it found still in place; empty unless `found`."),
    port: z.string().nullable().describe("For not-checked: the port the check needs and the client lacks."),
    why: z.string().nullable().describe("For not-checked: why it could not look."),
  })
  .describe("One planned step's residual access as the final re-read saw it.");

export const reportSku = z.object({
  skuId: z.string().nullable().describe("Null where the step named the SKU only by its part number."),
  skuPartNumber: z.string(),
  step: z.string(),
  via: z.string().nullable().describe("The group that assigns it, for group-based licensing."),
  at: instant.nullable(),
});

export const reportAudit = z.object({
  at: instant,
  actor: z.string(),
  action: z.string(),
  hash: z.string().describe("The audit chain's hash of the entry."),
});

export const runReport = z
  .object({
    reportVersion: z.literal(1),
    generatedAt: instant,
    run: z.object({
      id: z.string(),
      clientId: z.string(),
      kind: z.enum(["onboard", "offboard"]),
      subject: z.string(),
      status: z.enum(runStatuses),
      createdAt: instant,
      startAt: instant,
      finishedAt: instant.nullable(),
      elapsedMs: z.number().nullable().describe("From its start to its end; null while unfinished."),
      cancelReason: z.string().nullable(),
    }),
    request: z.object({
      id: z.string(),
      requester: z.string(),
      ticket: z.string().nullable().describe("The PSA ticket the request named."),
      submittedAt: instant,
      fields: z.record(z.string(), z.unknown()).describe("The request as validated, secrets left out."),
    }),
    approvals: z.array(reportApproval),
    plan: z.object({
      hash: z.string(),
      hashMatches: z.boolean().describe("The stored plan still hashes to `hash`: nobody edited it."),
      workflow: z.string().nullable().describe('The workflow definition it was planned with, "id@version".'),
      extends: z.string().nullable().describe("The built-in a client's workflow extends."),
      steps: z.array(
        z.object({
          key: z.string(),
          type: z.string(),
          title: z.string(),
          deps: z.array(z.string()),
          required: z.boolean(),
        }),
      ),
      findings: z.array(reportFinding).describe("What the pre-flight reads found."),
    }),
    beforeState: z.array(reportChange),
    actions: z.array(reportAction),
    verification: z.object({
      step: z.string().nullable().describe("The final re-read step; null when the run has none."),
      result: z.enum(["verified", "not-verified", "not-run", "none-planned"]),
      detail: z.string().nullable(),
      findings: z
        .array(z.string())
        .describe("What the re-read found still in place, or could not check, each said once."),
      checks: z
        .array(reportResidualCheck)
        .nullable()
        .describe(
          "Each planned step the re-read looked at, as the step recorded it; null when it recorded none " +
            "(a run verified before checks were recorded, or a re-read that failed before it could look): " +
            "`findings` then come from its message.",
        ),
      at: instant.nullable(),
    }),
    billing: z.object({
      licensesRecovered: z.array(reportSku),
      licensesAssigned: z.array(reportSku),
    }),
    audit: z.array(reportAudit),
  })
  .describe("The run's evidence report (reportVersion 1).");

export type RunReport = z.output<typeof runReport>;
export type ReportAction = RunReport["actions"][number];
export type ReportChange = RunReport["beforeState"][number];
export type ReportSku = RunReport["billing"]["licensesRecovered"][number];
export type ReportResidualCheck = z.output<typeof reportResidualCheck>;

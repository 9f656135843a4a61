import { z } from "zod";
import { outcomeKinds } from "../domain/outcome.ts";
import { actionStates, runStatuses } from "../domain/run-status.ts";
import { fieldKinds } from "../requests/kit/field.ts";

/**
 * Shapes of what the API sends, for the OpenAPI document and the handlers' types. They mirror
 * engine/read.ts and domain/plan.ts; test/server checks real replies against them so they cannot drift.
 */

/** Who is acting, until sign-in exists: named by the caller, recorded in the audit log. */
export const runId = z.guid({ error: "must be a run id (a UUID)" });
export const runParams = z.strictObject({ id: runId });

export const plannedAction = z.object({
  key: z.string(),
  type: z.string().describe('Catalogue name, e.g. "identity.create-user".'),
  title: z.string(),
  params: z.record(z.string(), z.unknown()),
  deps: z.array(z.string()),
  required: z.boolean(),
  always: z
    .boolean()
    .optional()
    .describe("Runs once the steps it comes after have finished, however they ended."),
  tenant: z.string(),
  api: z.string(),
  priority: z.number().optional(),
  maxAttempts: z.number().optional(),
});

export const workflowPin = z
  .object({ id: z.string(), version: z.int(), extends: z.string().optional() })
  .describe("The workflow definition and version the plan was made from (part of its hash).");

export const planApproval = z
  .object({
    who: z.string(),
    approvers: z.array(
      z.union([
        z.object({ kind: z.literal("person"), email: z.string(), as: z.enum(["manager", "named"]) }),
        z.object({ kind: z.literal("staff") }),
      ]),
    ),
  })
  .describe(
    "Who may approve, resolved at planning (part of its hash): people by address, or staff who may approve.",
  );

export const plan = z.object({
  actions: z.array(plannedAction),
  workflow: workflowPin.optional(),
  approval: planApproval.optional(),
});

export const planFinding = z
  .object({
    field: z
      .string()
      .describe('The request\'s field ("manager", "extraGroups.1"), else "steps.<key>.params.<name>".'),
    severity: z.enum(["error", "warning", "info"]),
    message: z.string(),
    step: z.string().optional().describe("The key of the plan's step the finding is about."),
  })
  .describe("What the pre-flight reads of the client's systems found.");

export const runEvent = z.object({
  id: z.number().describe("Increasing; resume a stream after it with Last-Event-ID."),
  runId: z.string(),
  actionKey: z.string().nullable(),
  at: z.date(),
  type: z.string().describe('e.g. "run.created", "approval.approved", "action.succeeded".'),
  outcome: z.string().nullable(),
  message: z.string().nullable(),
  requestId: z
    .string()
    .nullable()
    .describe("The vendor's request id, when a vendor call produced the event."),
  detail: z.unknown(),
});

export const runStatus = z.enum(runStatuses);

export const runRow = z.object({
  id: z.string(),
  clientId: z.string(),
  kind: z.enum(["onboard", "offboard"]),
  subject: z.string(),
  status: runStatus,
  planHash: z.string(),
  workflow: z
    .string()
    .nullable()
    .describe('The workflow the run was planned with, as id@version ("builtin:onboard@1").'),
  startAt: z.date(),
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
  cancelReason: z.string().nullable(),
  requester: z.string(),
  ticket: z.string().nullable(),
});

// The outcome union lives in domain/outcome.ts; its `kind` is what clients branch on, the rest varies.
const outcome = z
  .looseObject({ kind: z.enum(outcomeKinds) })
  .describe(
    "By kind: succeeded {detail, requestId, data, appliedAt, calls}; already-done {detail}; skipped {reason}; blocked {reason, by: the failed steps it depended on}; waiting {for, until, applied, data}; failed {error, calls, data}. A verification step's data (verify.no-access-remains) holds `checks`: each planned step re-read, its `what` and result (clean, found with its findings, or not-checked with the port it lacks), whether the step succeeded or failed.",
  );

export const actionRow = z.object({
  key: z.string(),
  type: z.string(),
  title: z.string(),
  deps: z.array(z.string()),
  required: z.boolean(),
  state: z.enum(actionStates),
  attempts: z.number(),
  outcome: outcome.nullable(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  runAt: z.date(),
});

export const runDetail = runRow
  .extend({ actions: z.array(actionRow), events: z.array(runEvent) })
  .describe("The run with its steps and every event so far.");

// Loose, because a kind adds its own properties (a date-time its zone, custom fields the client's list).
const fieldDescription = z.looseObject({
  key: z.string(),
  kind: z.enum(fieldKinds),
  label: z.string(),
  help: z.string().optional(),
  required: z.boolean(),
  choices: z
    .array(z.string())
    .optional()
    .describe("For this client; with `closed`, the only values accepted."),
  closed: z.boolean().optional(),
  orOff: z
    .string()
    .optional()
    .describe("Present when false switches the field off; says what else it takes."),
  default: z.unknown().optional().describe("For an offboarding action, the client's default."),
  excludes: z.array(z.string()).optional().describe("Fields of the same group this one rules out when on."),
  excludesBecause: z.string().optional().describe("Why `excludes` cannot be combined with this field."),
});

export const formDescription = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    client: z.string(),
    fields: z.array(fieldDescription.extend({ fields: z.array(fieldDescription).optional() })),
  })
  .describe("The form as a console renders it for this client: labels, help, choices and defaults.");

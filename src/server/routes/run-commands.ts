import { z } from "zod";
import { getRun } from "../../engine/read.ts";
import { approvalGateKey } from "../../domain/plan.ts";
import { cancelRun, retryFailed, signalRun } from "../../engine/runs.ts";
import type { Store } from "../../store/sql.ts";
import { bodyErrors, errorResponses } from "../errors.ts";
import { runDetail, runParams } from "../schemas.ts";
import type { RoutePlugin } from "./plugin.ts";
import { clientOfRun, principalOf } from "../principal.ts";

const note = z.string().trim().max(2000).optional();
const gate = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .optional()
  .describe("The key of the gate step answered (a run may wait on several); absent, the run's approval.");

// The approver is who signed in (or owns the token), never a name in the body: the body says what they
// decided about which plan.
const approveBody = z
  .strictObject({
    planHash: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .optional()
      .describe(
        "The plan hash that was reviewed: required to approve the run's approval (a manual task needs none); refused (409) when the plan has changed since.",
      ),
    note,
    gate,
  })
  .superRefine((body, ctx) => {
    if (body.planHash === undefined && (body.gate === undefined || body.gate === approvalGateKey))
      ctx.addIssue({
        code: "custom",
        path: ["planHash"],
        message: "is required: an approval is of the plan hash that was reviewed",
      });
  });
const rejectBody = z.strictObject({ note, gate });
const cancelBody = z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() });
const retryBody = z.strictObject({}).nullish();

const commandErrors = errorResponses(
  "LC_ERR_VALIDATION",
  "LC_ERR_NOT_FOUND",
  "LC_ERR_CONFLICT",
  "LC_ERR_FORBIDDEN",
  ...bodyErrors,
);
// The approver is the request's principal: without one (no sign-in, no token) there is nobody to decide.
const decisionErrors = { ...commandErrors, ...errorResponses("LC_ERR_UNAUTHENTICATED") };
const newState = runDetail.describe("The run's state after the command.");

/** Commands on one run; each answers with the run as it now stands, so a console needs no second call. */
export const runCommandRoutes: RoutePlugin<{ store: Store }> = async (app, { store }) => {
  app.post(
    "/runs/:id/approve",
    {
      config: { access: { permission: "approve", client: clientOfRun(store) } },
      schema: {
        summary: "Approve a run awaiting approval",
        description:
          "The signed-in approver decides: one the client's approval policy names (the manager, a named address, or staff who may approve when the policy says so), never the run's requester. Approving again answers as the first time did.",
        tags: ["runs"],
        params: runParams,
        body: approveBody,
        response: { 200: newState, ...decisionErrors },
      },
    },
    async (request) => {
      const by = { kind: "staff" as const, principal: principalOf(request) };
      await signalRun(store, request.params.id, { kind: "approve", by, ...request.body });
      return getRun(store, request.params.id);
    },
  );

  app.post(
    "/runs/:id/reject",
    {
      config: { access: { permission: "approve", client: clientOfRun(store) } },
      schema: {
        summary: "Reject a run awaiting approval",
        description:
          "The signed-in approver decides, as for an approval. Rejecting again answers as the first time did.",
        tags: ["runs"],
        params: runParams,
        body: rejectBody,
        response: { 200: newState, ...decisionErrors },
      },
    },
    async (request) => {
      const by = { kind: "staff" as const, principal: principalOf(request) };
      await signalRun(store, request.params.id, { kind: "reject", by, ...request.body });
      return getRun(store, request.params.id);
    },
  );

  app.post(
    "/runs/:id/cancel",
    {
      config: { access: { permission: "operate", client: clientOfRun(store) } },
      schema: {
        summary: "Cancel an unfinished run",
        description: "Steps already running finish; nothing else starts.",
        tags: ["runs"],
        params: runParams,
        body: cancelBody,
        response: { 200: newState, ...commandErrors },
      },
    },
    async (request) => {
      await cancelRun(store, request.params.id, principalOf(request).email, request.body.reason);
      return getRun(store, request.params.id);
    },
  );

  app.post(
    "/runs/:id/retry",
    {
      config: { access: { permission: "operate", client: clientOfRun(store) } },
      schema: {
        summary: "Retry the failed steps of a finished run",
        description: "Succeeded steps are never run again; an expired approval is asked for again.",
        tags: ["runs"],
        params: runParams,
        body: retryBody,
        response: { 200: newState, ...commandErrors },
      },
    },
    async (request) => {
      await retryFailed(store, request.params.id, principalOf(request).email);
      return getRun(store, request.params.id);
    },
  );
};

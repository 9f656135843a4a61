import { z } from "zod";
import { submitRequest, type SubmitOptions } from "../../composition/submit.ts";
import { describeForm, formDocument, requestForms } from "../../requests/index.ts";
import { getClient } from "../../store/clients-repo.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, bodyErrors, errorResponses } from "../errors.ts";
import { formDescription, plan, planFinding, runStatus } from "../schemas.ts";
import { clientFromBody, clientFromQuery, principalOf } from "../principal.ts";
import { jsonSchemaOf } from "../zod.ts";
import type { RoutePlugin } from "./plugin.ts";

const submitQuery = z.strictObject({
  // Strict, so "?dryrun=true" is refused instead of quietly submitting a real run.
  dryRun: z
    .stringbool({ truthy: ["true", "1"], falsy: ["false", "0"] })
    .optional()
    .describe("Plan only: nothing is stored and nothing runs."),
});

const submitHeaders = z.looseObject({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, { error: "must be 1–255 visible ASCII characters, e.g. a UUID" })
    .optional()
    .describe(
      "A key unique to this submission (a UUID): sent again with the same body it answers the first run, with another body 409.",
    ),
});

const validated = z
  .record(z.string(), z.unknown())
  .describe("The request as validated: trimmed, defaults filled in, start time resolved.");

const submitted = z
  .object({
    runId: z.string(),
    status: runStatus,
    planHash: z.string(),
    plan,
    request: validated,
    findings: z.array(planFinding).describe("Warnings and info only: an error refuses the submission."),
  })
  .describe("Stored: the run will start at the requested time (after approval, if the client requires it).");

const dryRun = z
  .object({
    dryRun: z.literal(true),
    planHash: z.string(),
    plan,
    request: validated,
    findings: z
      .array(planFinding)
      .describe(
        "Every finding, errors included: the same request submitted for real is refused on an error.",
      ),
  })
  .describe("The plan that would run; nothing was stored.");

const formQuery = z.strictObject({ client: z.string().min(1).max(100).describe("The client's id.") });

export interface RequestDeps {
  store: Store;
  now: () => Date;
  live?: SubmitOptions["live"];
}

// Plain JSON Schema, so the route validator lets the body through to the form's own validator, which
// needs the client the body names.
const formSchemas = {
  onboard: jsonSchemaOf(formDocument(requestForms.onboard), "input"),
  offboard: jsonSchemaOf(formDocument(requestForms.offboard), "input"),
};

export const requestRoutes: RoutePlugin<RequestDeps> = async (app, { store, now, live }) => {
  for (const kind of ["onboard", "offboard"] as const) {
    app.get(
      `/requests/${kind}/form`,
      {
        config: { access: { permission: "read", client: clientFromQuery() } },
        schema: {
          summary: kind === "onboard" ? "The onboarding form" : "The offboarding form",
          tags: ["requests"],
          querystring: formQuery,
          response: {
            200: formDescription,
            ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_NOT_FOUND"),
          },
        },
      },
      async (request) => {
        const client = await getClient(store, request.query.client);
        if (!client) throw new ApiError("LC_ERR_NOT_FOUND", `no client "${request.query.client}"`);
        return describeForm(requestForms[kind], client);
      },
    );

    app.post(
      `/requests/${kind}`,
      {
        config: { access: { permission: "submit", client: clientFromBody() } },
        schema: {
          summary: kind === "onboard" ? "Submit an onboarding" : "Submit an offboarding",
          tags: ["requests"],
          querystring: submitQuery,
          headers: submitHeaders,
          body: formSchemas[kind],
          response: {
            200: dryRun,
            201: submitted,
            ...errorResponses("LC_ERR_VALIDATION", "LC_ERR_CONFLICT", ...bodyErrors),
          },
        },
      },
      async (request, reply) => {
        const body: unknown = request.body;
        const submission = await submitRequest(store, kind, body, {
          actor: principalOf(request).email,
          idempotencyOwner: principalOf(request).accountId,
          // Whoever signed in to submit never approves the run, whatever the body names as requester.
          submittedBy: principalOf(request),
          dryRun: request.query.dryRun ?? false,
          now: now(),
          live,
          idempotencyKey: request.headers["idempotency-key"],
        });
        if (!submission.ok)
          throw new ApiError("LC_ERR_VALIDATION", `the ${kind} request is not valid`, {
            fields: submission.errors,
          });
        const { request: validRequest, plan: planned, planHash, runId, status, findings } = submission.value;
        if (submission.value.dryRun)
          return reply
            .code(200)
            .send({ dryRun: true as const, planHash, plan: planned, request: validRequest, findings });
        if (runId === undefined || status === undefined)
          throw new Error("submitRequest stored a run without returning its id and status");
        if (submission.value.replayed) reply.header("idempotent-replayed", "true");
        return reply
          .code(201)
          .send({ runId, status, planHash, plan: planned, request: validRequest, findings });
      },
    );
  }
};

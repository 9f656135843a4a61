import { z } from "zod";
import { submitRequest, type SubmitOptions } from "../../composition/submit.ts";
import type { Store } from "../../store/sql.ts";
import { ApiError, bodyErrors, errorResponses } from "../errors.ts";
import { formSchemas } from "../forms.ts";
import { plan, runStatus } from "../schemas.ts";
import type { RoutePlugin } from "./plugin.ts";

const submitQuery = z.strictObject({
  // Strict, so "?dryrun=true" is refused instead of quietly submitting a real run.
  dryRun: z
    .stringbool({ truthy: ["true", "1"], falsy: ["false", "0"] })
    .optional()
    .describe("Plan only: nothing is stored and nothing runs."),
});

const validated = z
  .record(z.string(), z.unknown())
  .describe("The request as validated: trimmed, defaults filled in, start time resolved.");

const submitted = z
  .object({ runId: z.string(), status: runStatus, planHash: z.string(), plan, request: validated })
  .describe("Stored: the run will start at the requested time (after approval, if the client requires it).");

const dryRun = z
  .object({ dryRun: z.literal(true), planHash: z.string(), plan, request: validated })
  .describe("The plan that would run; nothing was stored.");

export interface RequestDeps {
  store: Store;
  now: () => Date;
  live?: SubmitOptions["live"];
}

export const requestRoutes: RoutePlugin<RequestDeps> = async (app, { store, now, live }) => {
  for (const kind of ["onboard", "offboard"] as const) {
    app.post(
      `/requests/${kind}`,
      {
        schema: {
          summary: kind === "onboard" ? "Submit an onboarding" : "Submit an offboarding",
          tags: ["requests"],
          querystring: submitQuery,
          body: formSchemas[kind],
          response: { 200: dryRun, 201: submitted, ...errorResponses("LC_ERR_VALIDATION", ...bodyErrors) },
        },
      },
      async (request, reply) => {
        const body: unknown = request.body;
        const submission = await submitRequest(store, kind, body, {
          actor: actorOf(body),
          dryRun: request.query.dryRun ?? false,
          now: now(),
          live,
        });
        if (!submission.ok)
          throw new ApiError("LC_ERR_VALIDATION", `the ${kind} request is not valid`, {
            fields: submission.errors,
          });
        const { request: validRequest, plan: planned, planHash, runId, status } = submission.value;
        if (submission.value.dryRun)
          return reply
            .code(200)
            .send({ dryRun: true as const, planHash, plan: planned, request: validRequest });
        if (runId === undefined || status === undefined)
          throw new Error("submitRequest stored a run without returning its id and status");
        return reply.code(201).send({ runId, status, planHash, plan: planned, request: validRequest });
      },
    );
  }
};

/**
 * Until sign-in exists the audit log names whoever the form says asked. Validation rejects a body without
 * a requester before anything is stored, so the fallback is never written.
 */
function actorOf(body: unknown): string {
  if (
    typeof body === "object" &&
    body !== null &&
    "requester" in body &&
    typeof body.requester === "string"
  ) {
    const requester = body.requester.trim();
    if (requester) return requester.slice(0, 200);
  }
  return "api";
}

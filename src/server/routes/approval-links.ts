import { z } from "zod";
import {
  answerApprovalLink,
  openApprovalLink,
  type ApprovalLinkUnavailable,
} from "../../composition/approval-links.ts";
import { LifecycleError } from "../../domain/errors.ts";
import type { Store } from "../../store/sql.ts";
import { answeredPage, approvalPage, refusedPage, unavailableApprovalPage } from "../approval-page.ts";
import { ApiError, errorResponses, toApiError } from "../errors.ts";
import { limitedResponse, linkPageOptions, privately, wantsHtml } from "../link-pages.ts";
import type { RoutePlugin } from "./plugin.ts";

// Any token is looked up, so a malformed one answers as an unknown one does: no answer tells them apart.
const tokenParams = z.strictObject({ token: z.string().describe("The approval link's token.") });
const htmlContent = { "text/html": { schema: { type: "string" } } };
const html = (description: string) => ({ description, content: htmlContent });
// A browser's form post gets a page; an API client gets the error envelope.
const pageOrError = (code: string) => ({
  description: code,
  content: { "application/json": { schema: { $ref: "ErrorResponse#" } }, ...htmlContent },
});

const decisionBody = z
  .strictObject({
    decision: z.enum(["approve", "reject"]),
    planHash: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .optional()
      .describe("The plan hash the page showed: required to approve; refused (409) when the plan changed."),
    // A form's empty textarea is sent as "": no note.
    note: z.string().trim().max(2000).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.decision === "approve" && body.planHash === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["planHash"],
        message: "is required: an approval is of the plan hash that was shown",
      });
  });

function unavailableError(state: ApprovalLinkUnavailable): ApiError {
  switch (state.kind) {
    case "not-found":
      return new ApiError("LC_ERR_NOT_FOUND", "no such approval link");
    case "used":
      return new ApiError(
        "LC_ERR_GONE",
        `this approval link was already used (to ${state.decision}, at ${state.usedAt.toISOString()})`,
      );
    case "expired":
      return new ApiError(
        "LC_ERR_GONE",
        `this approval link expired at ${state.link.expiresAt.toISOString()}`,
      );
    case "decided":
      return new ApiError("LC_ERR_GONE", "the run no longer waits for approval");
  }
}

const statusOf = (state: ApprovalLinkUnavailable): 404 | 410 => (state.kind === "not-found" ? 404 : 410);

// The plan and the link must not be kept by browsers, proxies or search engines.

/**
 * The pages an approver opens from the link mailed to them. Outside /api and its sign-in: the link is the
 * credential, for one approver of one run. A GET shows the plan and decides nothing; the page's form posts
 * the decision with the plan hash it showed, once.
 */
export const approvalLinkRoutes: RoutePlugin<{ store: Store }> = async (app, { store }) => {
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: 16_384 },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  const limits = await linkPageOptions(app, "approval links");

  app.get(
    "/approvals/:token",
    {
      ...limits,
      schema: {
        summary: "The page of an approval link: the plan, what the pre-flight found, approve or reject",
        tags: ["approval links"],
        params: tokenParams,
        response: {
          200: html("The page; viewing it decides nothing."),
          404: html("No such link."),
          410: html("The link was used, has expired, or its run no longer waits for approval."),
          ...limitedResponse,
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const state = await openApprovalLink(store, request.params.token, { from: request.ip });
      privately(reply).type("text/html; charset=utf-8");
      if (state.kind === "ready") return reply.send(approvalPage(state.view, request.params.token));
      return reply.code(statusOf(state)).send(unavailableApprovalPage(state));
    },
  );

  app.post(
    "/approvals/:token",
    {
      ...limits,
      schema: {
        summary: "Approve or reject a run through its approval link, once",
        description:
          "Takes a form post (the page's) or JSON. Answers a page to a browser, JSON otherwise; a second decision answers 410.",
        tags: ["approval links"],
        params: tokenParams,
        body: decisionBody,
        response: {
          200: {
            description: "The decision was recorded; the link is used up.",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["linkId", "state", "decision"],
                  additionalProperties: false,
                  properties: {
                    linkId: { type: "string" },
                    state: { type: "string", enum: ["used"] },
                    decision: { type: "string", enum: ["approve", "reject"] },
                  },
                },
              },
              ...htmlContent,
            },
          },
          400: pageOrError("LC_ERR_VALIDATION"),
          403: pageOrError("LC_ERR_FORBIDDEN"),
          404: pageOrError("LC_ERR_NOT_FOUND"),
          409: pageOrError("LC_ERR_CONFLICT"),
          410: pageOrError("LC_ERR_GONE"),
          ...limitedResponse,
          ...errorResponses(
            "LC_ERR_MALFORMED_REQUEST",
            "LC_ERR_UNSUPPORTED_MEDIA_TYPE",
            "LC_ERR_PAYLOAD_TOO_LARGE",
          ),
        },
      },
    },
    async (request, reply) => {
      privately(reply);
      const { decision, planHash, note } = request.body;
      let result;
      try {
        result = await answerApprovalLink(store, request.params.token, {
          decision,
          planHash,
          note: note || undefined,
          from: request.ip,
        });
      } catch (err) {
        // A refusal (the plan changed, the approver may not) changes nothing: a browser is told why.
        const known = err instanceof LifecycleError ? toApiError(err) : undefined;
        if (!known || !wantsHtml(request)) throw err;
        return reply.code(known.status).type("text/html; charset=utf-8").send(refusedPage(known.message));
      }
      if (result.kind !== "answered") {
        if (!wantsHtml(request)) throw unavailableError(result);
        return reply
          .code(statusOf(result))
          .type("text/html; charset=utf-8")
          .send(unavailableApprovalPage(result));
      }
      if (wantsHtml(request)) return reply.type("text/html; charset=utf-8").send(answeredPage(decision));
      return { linkId: result.link.linkId, state: "used", decision };
    },
  );
};

import { z } from "zod";
import type { KeySource } from "../../credentials/keys.ts";
import { linkState, revealLink, type LinkRecord, type TokenState } from "../../credentials/one-time-links.ts";
import { appendEvent } from "../../engine/events.ts";
import { appendAudit } from "../../store/audit.ts";
import type { Sql, Store } from "../../store/sql.ts";
import { ApiError, errorResponses } from "../errors.ts";
import { readyPage, revealedPage, unavailablePage } from "../one-time-link-page.ts";
import { htmlResponse as html, pageOrErrorResponse as pageOrError } from "../html-page.ts";
import { limitedResponse, linkPageOptions, privately, wantsHtml } from "../link-pages.ts";
import type { RoutePlugin } from "./plugin.ts";

// Any token is looked up, so a malformed one answers as an unknown one does: no answer tells them apart.
const tokenParams = z.strictObject({ token: z.string().describe("The link's token.") });
// A browser's form post gets the same answer as a page; an API client gets the error envelope.

type Unavailable = Exclude<TokenState, { kind: "ready" }>;

function unavailableError(state: Unavailable): ApiError {
  switch (state.kind) {
    case "not-found":
      return new ApiError("LC_ERR_NOT_FOUND", "no such one-time link");
    case "viewed":
      return new ApiError(
        "LC_ERR_GONE",
        `this one-time link was already opened, at ${state.viewedAt.toISOString()}`,
      );
    case "expired":
      return new ApiError("LC_ERR_GONE", `this one-time link expired at ${state.expiresAt.toISOString()}`);
  }
}

const statusOf = (state: Unavailable): 404 | 410 => (state.kind === "not-found" ? 404 : 410);

// Secrets and links to them must not be kept by browsers, proxies or search engines.

/** The reveal, on the run's timeline and in the audit log: the link's id, never its token. */
async function recordReveal(sql: Sql, link: LinkRecord, from: string): Promise<void> {
  await appendEvent(sql, {
    runId: link.runId,
    actionKey: link.actionKey,
    type: "link.viewed",
    outcome: "viewed",
    message: `one-time link ${link.linkId} was opened`,
    detail: { linkId: link.linkId, state: "viewed" },
  });
  await appendAudit(sql, {
    actor: `one-time link holder at ${from}`,
    action: "link.viewed",
    subject: link.linkId,
    detail: { linkId: link.linkId, runId: link.runId, step: link.actionKey, address: from },
  });
}

/**
 * The pages a person opens from a one-time link. Outside /api and its token: the link is the credential.
 * A GET only describes the link (mail scanners fetch links before people do); the secret comes from the
 * POST behind the page's button, once.
 */
export const oneTimeLinkRoutes: RoutePlugin<{ store: Store; keys: KeySource }> = async (
  app,
  { store, keys },
) => {
  // The page's button posts an empty form; its body carries nothing, so it is not parsed.
  app.addContentTypeParser("application/x-www-form-urlencoded", (_request, _payload, done) => done(null, {}));

  const limits = await linkPageOptions(app, "one-time links");

  app.get(
    "/credentials/:token",
    {
      ...limits,
      schema: {
        summary: "The page of a one-time link, with a button that shows the secret",
        tags: ["one-time links"],
        params: tokenParams,
        response: {
          200: html("The page; viewing it does not use the link up."),
          404: html("No such link."),
          410: html("The link was already used, or has expired."),
          ...limitedResponse,
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const state = await linkState(store, request.params.token);
      const body =
        state.kind === "ready"
          ? readyPage(state.label, state.expiresAt, request.params.token)
          : unavailablePage(state);
      const status = state.kind === "ready" ? 200 : statusOf(state);
      return privately(reply).code(status).type("text/html; charset=utf-8").send(body);
    },
  );

  app.post(
    "/credentials/:token/reveal",
    {
      ...limits,
      schema: {
        summary: "Show a one-time link's secret, once",
        description: "Answers HTML to a browser's form post, JSON otherwise. A second call answers 410.",
        tags: ["one-time links"],
        params: tokenParams,
        body: z.strictObject({}).nullish(),
        response: {
          200: {
            description: "The secret; the link is used up.",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["label", "secret"],
                  additionalProperties: false,
                  properties: { label: { type: "string" }, secret: { type: "string" } },
                },
              },
              "text/html": { schema: { type: "string" } },
            },
          },
          404: pageOrError("LC_ERR_NOT_FOUND"),
          410: pageOrError("LC_ERR_GONE"),
          ...limitedResponse,
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const result = await revealLink(store, keys, request.params.token, {
        record: (sql, link) => recordReveal(sql, link, request.ip),
      });
      privately(reply);
      if (result.kind !== "revealed") {
        const err = unavailableError(result);
        if (!wantsHtml(request)) throw err;
        return reply.code(statusOf(result)).type("text/html; charset=utf-8").send(unavailablePage(result));
      }
      if (wantsHtml(request))
        return reply.type("text/html; charset=utf-8").send(revealedPage(result.label, result.secret));
      return { label: result.label, secret: result.secret };
    },
  );
};

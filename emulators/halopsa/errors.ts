import type { FastifyReply, FastifyRequest } from "fastify";
import { badJsonCode } from "../kit/server.ts";
import type { ErrorRenderer } from "../kit/pipeline.ts";
import type { RouteTable, TableRoute } from "../kit/routes.ts";
import type { ErrorStyle } from "./settings.ts";
import type { HaloContext, RequestInfo } from "./state.ts";

/**
 * Halo's error answers. Its bodies are not one envelope (reference §1, §11: plain strings, or JSON with
 * {ClassName, Message}, {resultCode, errorMessage} or {error}); `settings.errorStyle` picks which one this
 * instance sends. Texts quoted in the reference are used verbatim (`verbatim`); the others are this
 * emulator's wording, since no source gives Halo's (`ours`).
 */

export const verbatim = {
  outcomeRequired: "An Outcome must be entered for this Action",
  invalidAdvancedSearch: "Invalid advanced search parameter",
} as const;

export const ours = {
  notFound: (what: string, id: number | string) => `${what} ${id} not found`,
  notAnArray: "The request body must be a JSON array",
  badJson: "The request body is not valid JSON",
  siteRequired: "A site is required when a user is set on the ticket",
  unknownClient: (id: number) => `Client ${id} not found`,
  unknownSite: (id: number) => `Site ${id} not found`,
  unknownStatus: (id: number) => `Status ${id} not found`,
  noRoute: "No HTTP resource was found that matches the request URI",
  methodNotAllowed: "The requested resource does not support this http method",
  failed: (status: number) => `HTTP ${status}`,
} as const;

export function errorBody(
  style: ErrorStyle,
  message: string,
): { body: unknown; text: string; json: boolean } {
  if (style === "text") return { body: message, text: message, json: false };
  const body =
    style === "classname"
      ? { ClassName: "System.Exception", Message: message }
      : style === "resultcode"
        ? { resultCode: 1, errorMessage: message }
        : { error: message };
  return { body, text: JSON.stringify(body), json: true };
}

export function sendHaloError(
  ctx: HaloContext,
  reply: FastifyReply,
  info: RequestInfo | undefined,
  status: number,
  message: string,
): FastifyReply {
  const { body, text, json } = errorBody(ctx.settings.errorStyle, message);
  if (info) info.extra.responseBody = body;
  return reply
    .code(status)
    .header("content-type", json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8")
    .send(text);
}

/** The 429: Retry-After in whole seconds, no body (none is documented). */
export function sendThrottled(reply: FastifyReply, retryAfterMs: number | undefined): FastifyReply {
  if (retryAfterMs !== undefined)
    reply.header("retry-after", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return reply.code(429).send();
}

/** A missing, expired or unknown bearer token: ASP.NET's JwtBearer answer, an empty 401. */
export function sendUnauthorized(reply: FastifyReply, error = "invalid_token"): FastifyReply {
  return reply.code(401).header("www-authenticate", `Bearer error="${error}"`).send();
}

export function apiRenderer(ctx: HaloContext, table: RouteTable<TableRoute>): ErrorRenderer<RequestInfo> {
  return {
    fault: (reply, rule, info) => {
      if (rule.status === 429) {
        if (rule.retryAfterSeconds !== undefined) reply.header("retry-after", String(rule.retryAfterSeconds));
        return reply.code(429).send();
      }
      if (rule.status === 401) return sendUnauthorized(reply);
      if (rule.retryAfterSeconds !== undefined) reply.header("retry-after", String(rule.retryAfterSeconds));
      return sendHaloError(ctx, reply, info, rule.status, ours.failed(rule.status));
    },
    framework: (reply, error, info) =>
      sendHaloError(
        ctx,
        reply,
        info,
        error.status,
        error.code === badJsonCode ? ours.badJson : error.status >= 500 ? ours.failed(500) : error.message,
      ),
    notFound: (req: FastifyRequest, reply, info) =>
      table.knowsPath(req.url.split("?")[0] ?? "")
        ? sendHaloError(ctx, reply, info, 405, ours.methodNotAllowed)
        : sendHaloError(ctx, reply, info, 404, ours.noRoute),
  };
}

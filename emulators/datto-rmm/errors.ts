import { STATUS_CODES } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ErrorRenderer } from "../kit/pipeline.ts";
import type { RouteTable, TableRoute } from "../kit/routes.ts";
import { badJsonCode } from "../kit/server.ts";
import type { ErrorStyle } from "./settings.ts";
import type { DattoContext, RequestInfo } from "./state.ts";

/**
 * Datto's error answers. The texts in `verbatim` are the reference's (§5) and the spec-derived types'
 * response descriptions; the envelope around them is not documented (§11), so `settings.errorStyle`
 * picks one. The texts in `ours` are this emulator's, since no source gives Datto's.
 */
export const verbatim = {
  unauthorized: "Request can not be authorized",
  forbidden: "Authenticated user doesn't have access to this resource.",
  deviceNotFound: "Device was not found.",
  siteNotFound: "Site was not found.",
  filterNotFound: "Filter was not found",
  invalid: "Request is invalid.",
  parametersInvalid: "Request parameters are invalid.",
  notOfClassDevice: "The device identified by the given device UID is not of class device.",
  concurrentWrite: "Request aborted due to concurrent write access to this record.",
} as const;

export const ours = {
  throttled: "API rate limit exceeded",
  blocked: "IP address temporarily blocked: API rate limit exceeded persistently",
  noRoute: (method: string, path: string) => `No handler found for ${method} ${path}`,
  methodNotAllowed: (method: string) => `Request method '${method}' not supported`,
  badJson: "JSON parse error",
  failed: "Internal Server Error",
} as const;

export function errorBody(
  style: ErrorStyle,
  status: number,
  message: string,
  path: string,
  now: number,
): { body: unknown; text: string; json: boolean } {
  const reason = STATUS_CODES[status] ?? "Error";
  if (style === "text") return { body: message, text: message, json: false };
  const body =
    style === "spring"
      ? { timestamp: new Date(now).toISOString(), status, error: reason, message, path }
      : style === "oauth"
        ? { error: reason.toLowerCase().replace(/\W+/g, "_"), error_description: message }
        : { message };
  return { body, text: JSON.stringify(body), json: true };
}

export function sendDattoError(
  ctx: DattoContext,
  req: FastifyRequest,
  reply: FastifyReply,
  info: RequestInfo | undefined,
  status: number,
  message: string,
): FastifyReply {
  const path = req.url.split("?")[0] ?? req.url;
  const { body, text, json } = errorBody(ctx.settings.errorStyle, status, message, path, ctx.clock.now());
  if (info) info.extra.responseBody = body;
  if (status === 401) reply.header("www-authenticate", 'Bearer error="invalid_token"');
  return reply
    .code(status)
    .header("content-type", json ? "application/json;charset=UTF-8" : "text/plain;charset=UTF-8")
    .send(text);
}

/** A 429 or a block's 403, with Retry-After only when the settings say Datto sends one. */
export function sendRefused(
  ctx: DattoContext,
  req: FastifyRequest,
  reply: FastifyReply,
  info: RequestInfo,
  refusal: { status: 429 | 403; retryAfterMs: number },
): FastifyReply {
  if (ctx.settings.retryAfter) {
    const seconds = String(Math.max(1, Math.ceil(refusal.retryAfterMs / 1000)));
    reply.header("retry-after", seconds);
    info.extra.retryAfter = seconds;
  }
  return sendDattoError(
    ctx,
    req,
    reply,
    info,
    refusal.status,
    refusal.status === 429 ? ours.throttled : ours.blocked,
  );
}

export function apiRenderer(ctx: DattoContext, table: RouteTable<TableRoute>): ErrorRenderer<RequestInfo> {
  return {
    fault: (reply, rule, info) => {
      const req = reply.request;
      if (rule.retryAfterSeconds !== undefined) {
        reply.header("retry-after", String(rule.retryAfterSeconds));
        info.extra.retryAfter = String(rule.retryAfterSeconds);
      }
      const message =
        rule.status === 401
          ? verbatim.unauthorized
          : rule.status === 403
            ? verbatim.forbidden
            : rule.status === 404
              ? verbatim.deviceNotFound
              : rule.status === 409
                ? verbatim.concurrentWrite
                : rule.status === 429
                  ? ours.throttled
                  : rule.status === 400
                    ? verbatim.invalid
                    : ours.failed;
      return sendDattoError(ctx, req, reply, info, rule.status, message);
    },
    framework: (reply, error, info) =>
      sendDattoError(
        ctx,
        reply.request,
        reply,
        info,
        error.status,
        error.code === badJsonCode ? ours.badJson : error.status >= 500 ? ours.failed : verbatim.invalid,
      ),
    notFound: (req, reply, info) => {
      const path = req.url.split("?")[0] ?? "";
      return table.knowsPath(path)
        ? sendDattoError(ctx, req, reply, info, 405, ours.methodNotAllowed(req.method))
        : sendDattoError(ctx, req, reply, info, 404, ours.noRoute(req.method, path));
    },
  };
}

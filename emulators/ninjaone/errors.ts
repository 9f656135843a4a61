import type { FastifyReply, FastifyRequest } from "fastify";
import type { ErrorRenderer } from "../kit/pipeline.ts";
import type { RouteTable, TableRoute } from "../kit/routes.ts";
import { badJsonCode } from "../kit/server.ts";
import type { ErrorStyle } from "./settings.ts";
import type { NinjaContext, RequestInfo } from "./state.ts";

/**
 * NinjaOne's error answers. The body is not documented (reference §4, §11): clients parse
 * `{resultCode, errorMessage}` or `{error}`, and `settings.errorStyle` picks which one this instance sends.
 * No source quotes NinjaOne's codes or texts, so every one here is this emulator's (`ours`); the spec
 * gives the statuses (400 "Several possible validation errors", 401, 403, 404).
 */
export class NinjaHttpError extends Error {
  constructor(
    readonly status: number,
    readonly resultCode: string,
    message: string,
  ) {
    super(message);
  }
}

export const ours = {
  badRequest: (message: string) => new NinjaHttpError(400, "BAD_REQUEST", message),
  invalidField: (field: string, why: string) => new NinjaHttpError(400, "INVALID_FIELD", `${field}: ${why}`),
  emailTaken: (email: string) =>
    new NinjaHttpError(400, "USER_ALREADY_EXISTS", `User with email ${email} already exists`),
  invalidFilter: (df: string) =>
    new NinjaHttpError(400, "INVALID_DEVICE_FILTER", `Invalid device filter: ${df}`),
  notFound: (what: string, id: number | string) =>
    new NinjaHttpError(404, "NOT_FOUND", `${what} ${id} not found`),
  unauthorized: () => new NinjaHttpError(401, "UNAUTHORIZED", "Full authentication is required"),
  insufficientScope: (scope: string) =>
    new NinjaHttpError(403, "FORBIDDEN", `Insufficient scope: this call needs '${scope}'`),
  throttled: () => new NinjaHttpError(429, "TOO_MANY_REQUESTS", "Too many requests"),
  noRoute: () => new NinjaHttpError(404, "NOT_FOUND", "No handler found"),
  methodNotAllowed: (method: string) =>
    new NinjaHttpError(405, "METHOD_NOT_ALLOWED", `Request method '${method}' is not supported`),
  badJson: () => new NinjaHttpError(400, "BAD_REQUEST", "The request body is not valid JSON"),
  failed: (status: number) => new NinjaHttpError(status, "FAILURE", `HTTP ${status}`),
} as const;

export function errorBody(style: ErrorStyle, e: NinjaHttpError): unknown {
  return style === "resultcode"
    ? { resultCode: e.resultCode, errorMessage: e.message }
    : { error: e.message };
}

export function sendNinjaError(
  ctx: NinjaContext,
  reply: FastifyReply,
  info: RequestInfo | undefined,
  error: NinjaHttpError,
  /** The Retry-After header as sent: whole seconds from the budget, a fault's own value as given. */
  retryAfter?: string,
): FastifyReply {
  const body = errorBody(ctx.settings.errorStyle, error);
  if (info) info.extra.responseBody = body;
  if (error.status === 401) reply.header("www-authenticate", 'Bearer error="invalid_token"');
  if (retryAfter !== undefined) reply.header("retry-after", retryAfter);
  return reply
    .code(error.status)
    .header("content-type", "application/json; charset=utf-8")
    .send(JSON.stringify(body));
}

export function apiRenderer(ctx: NinjaContext, tables: RouteTable<TableRoute>[]): ErrorRenderer<RequestInfo> {
  return {
    fault: (reply, rule, info) =>
      sendNinjaError(
        ctx,
        reply,
        info,
        rule.status === 429
          ? ours.throttled()
          : rule.status === 401
            ? ours.unauthorized()
            : ours.failed(rule.status),
        rule.retryAfterSeconds !== undefined ? String(rule.retryAfterSeconds) : undefined,
      ),
    framework: (reply, error, info) =>
      sendNinjaError(
        ctx,
        reply,
        info,
        error.code === badJsonCode
          ? ours.badJson()
          : error.status >= 500
            ? ours.failed(500)
            : new NinjaHttpError(error.status, "BAD_REQUEST", error.message),
      ),
    notFound: (req: FastifyRequest, reply, info) =>
      sendNinjaError(
        ctx,
        reply,
        info,
        tables.some((t) => t.knowsPath(req.url.split("?")[0] ?? ""))
          ? ours.methodNotAllowed(req.method)
          : ours.noRoute(),
      ),
  };
}

/** A budget's wait in whole seconds, never zero (a zero tells a client to retry at once). */
export const wholeSeconds = (ms: number): string => String(Math.max(1, Math.ceil(ms / 1000)));

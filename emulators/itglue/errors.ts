import type { FastifyReply, FastifyRequest } from "fastify";
import { formatRetryAfter } from "../kit/buckets.ts";
import type { ErrorRenderer } from "../kit/pipeline.ts";
import type { RouteTable, TableRoute } from "../kit/routes.ts";
import { badJsonCode } from "../kit/server.ts";
import type { ItglueContext, RequestInfo } from "./state.ts";

/**
 * IT Glue's error answers: JSON:API `{"errors":[{"status","title","detail"}]}` ("returns JSON content in
 * all of its responses, including errors", reference §6). The members are the reference's, [unconfirmed]
 * as to exact wording: titles are the HTTP reason phrases, details are this emulator's (`ours`), and
 * validation details are worded as the Rails app behind the API would word them.
 */

export const mediaType = "application/vnd.api+json; charset=utf-8";

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export const ours = {
  badKey: "The API key is missing or invalid",
  noPasswordAccess: "This API key does not have password access",
  notFound: (what: string, id: number | string) => `${what} with id ${id} was not found`,
  noRoute: "The requested route does not exist",
  methodNotAllowed: "The requested resource does not support this HTTP method",
  badJson: "The request body is not valid JSON",
  missingData: "param is missing or the value is empty: data",
  wrongType: (want: string, got: unknown) => `The resource type '${String(got)}' does not match '${want}'`,
  mediaType: "Writes must be sent as application/vnd.api+json",
  blank: (field: string) => `${field} can't be blank`,
  unknownRef: (field: string, id: unknown) => `${field} ${String(id)} does not exist`,
  notIncluded: (field: string) => `${field} is not included in the list`,
  notArchivable: "Archived is not a permitted attribute",
  psaSynced: "This record is synced with a PSA integration and cannot be updated",
  throttled: "A maximum of 3,000 requests within a 5-minute window is allowed",
  failed: (status: number) => titles[status] ?? `HTTP ${status}`,
} as const;

export interface ErrorMember {
  status: string;
  title: string;
  detail?: string;
  source?: { pointer: string };
}

export const member = (status: number, detail?: string, pointer?: string): ErrorMember => ({
  status: String(status),
  title: titles[status] ?? `HTTP ${status}`,
  ...(detail !== undefined ? { detail } : {}),
  ...(pointer !== undefined ? { source: { pointer } } : {}),
});

/** A refusal a route answers in IT Glue's envelope. */
export class ItglueHttpError extends Error {
  readonly members: ErrorMember[];
  constructor(
    readonly status: number,
    detail?: string,
    pointer?: string,
  ) {
    super(detail ?? titles[status] ?? String(status));
    this.members = [member(status, detail, pointer)];
  }
}

export function sendErrors(
  reply: FastifyReply,
  info: RequestInfo | undefined,
  status: number,
  members: ErrorMember[],
): FastifyReply {
  const body = { errors: members };
  if (info) info.extra.responseBody = body;
  return reply.code(status).header("content-type", mediaType).send(JSON.stringify(body));
}

export const sendError = (
  reply: FastifyReply,
  info: RequestInfo | undefined,
  status: number,
  detail?: string,
): FastifyReply => sendErrors(reply, info, status, [member(status, detail)]);

/** The 429, with Retry-After in whole seconds when the setting says IT Glue sends one. */
export function sendThrottled(
  ctx: ItglueContext,
  reply: FastifyReply,
  info: RequestInfo | undefined,
  retryAfterMs: number,
): FastifyReply {
  if (ctx.settings.retryAfterOn429) {
    const value = formatRetryAfter(Math.ceil(retryAfterMs / 1000) * 1000);
    reply.header("retry-after", value);
    if (info) info.extra.retryAfter = value;
  }
  return sendError(reply, info, 429, ours.throttled);
}

export function apiRenderer(table: RouteTable<TableRoute>): ErrorRenderer<RequestInfo> {
  return {
    fault: (reply, rule, info) => {
      if (rule.retryAfterSeconds !== undefined) {
        reply.header("retry-after", String(rule.retryAfterSeconds));
        info.extra.retryAfter = String(rule.retryAfterSeconds);
      }
      return sendError(reply, info, rule.status, rule.status === 429 ? ours.throttled : undefined);
    },
    framework: (reply, error, info) =>
      sendError(
        reply,
        info,
        error.status,
        error.code === badJsonCode
          ? ours.badJson
          : error.status === 415
            ? ours.mediaType
            : error.status >= 500
              ? undefined
              : error.message,
      ),
    notFound: (req: FastifyRequest, reply, info) =>
      table.knowsPath(req.url.split("?")[0] ?? "")
        ? sendError(reply, info, 405, ours.methodNotAllowed)
        : sendError(reply, info, 404, ours.noRoute),
  };
}

import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { graphDate } from "./clock.ts";
import type { EmulatorContext, RequestInfo } from "./context.ts";
import type { GraphError } from "./errors.ts";
import type { Json, JsonObject } from "./json.ts";

/** Request bookkeeping and the response conventions every Graph answer follows (reference §0.1). */

export const graphContentType =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

export const batchItemHeader = "x-ms365-emulator-batch-item";

export function classify(url: string): RequestInfo["api"] {
  if (url.startsWith("/_admin")) return "admin";
  if (url.startsWith("/v1.0/") || url === "/v1.0") return "graph";
  if (url.startsWith("/adminapi/")) return "exchange";
  if (/^\/[^/]+\/(oauth2\/|v2\.0\/\.well-known|discovery\/)/.test(url) || url.startsWith("/common/discovery"))
    return "token";
  return "other";
}

export function startRequest(ctx: EmulatorContext, req: FastifyRequest): RequestInfo {
  const requestId = randomUUID();
  const sent = header(req, "client-request-id");
  const info: RequestInfo = {
    requestId,
    clientRequestId: sent ?? requestId,
    startedAt: performance.now(),
    api: classify(req.url),
    tenantId: undefined,
    appId: undefined,
    cmdlet: undefined,
    insideBatch: header(req, batchItemHeader) === ctx.batchNonce,
    fault: undefined,
  };
  ctx.requests.set(req, info);
  return info;
}

export function infoOf(ctx: EmulatorContext, req: FastifyRequest): RequestInfo {
  return ctx.requests.get(req) ?? startRequest(ctx, req);
}

export function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The scheme and host the client used, so links it follows come back here (X-Forwarded-* honoured). */
export function originOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

export function queryOf(req: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const query = req.query;
  if (typeof query !== "object" || query === null) return out;
  for (const [key, value] of Object.entries(query)) {
    out[key] = Array.isArray(value) ? String(value[0]) : typeof value === "string" ? value : undefined;
  }
  return out;
}

export function graphErrorBody(error: GraphError, info: RequestInfo, now: number): JsonObject {
  const innerError: JsonObject = error.extra.throttled
    ? {
        code: "429",
        date: graphDate(now),
        message: "Please retry after",
        "request-id": info.requestId,
        status: "429",
      }
    : { date: graphDate(now), "request-id": info.requestId, "client-request-id": info.clientRequestId };
  const body: JsonObject = { code: error.code, message: error.message, innerError };
  if (error.extra.details) body.details = error.extra.details;
  return { error: body };
}

export function sendGraphError(
  reply: FastifyReply,
  error: GraphError,
  info: RequestInfo,
  now: number,
): FastifyReply {
  for (const [name, value] of Object.entries(error.extra.headers ?? {})) reply.header(name, value);
  return reply
    .code(error.status)
    .header("content-type", graphContentType)
    .send(JSON.stringify(graphErrorBody(error, info, now)));
}

export function sendJson(
  reply: FastifyReply,
  status: number,
  body: Json,
  contentType = graphContentType,
): FastifyReply {
  return reply.code(status).header("content-type", contentType).send(JSON.stringify(body));
}

/** Headers Graph puts on every response, success or error. */
export function graphHeaders(reply: FastifyReply, info: RequestInfo): void {
  reply.header("request-id", info.requestId);
  reply.header("client-request-id", info.clientRequestId);
  reply.header(
    "x-ms-ags-diagnostic",
    JSON.stringify({
      ServerInfo: {
        DataCenter: "West Europe",
        Slice: "E",
        Ring: "5",
        ScaleUnit: "003",
        RoleInstance: "AM2PEPF0001A3C6",
      },
    }),
  );
  if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-cache");
  if (!reply.hasHeader("strict-transport-security"))
    reply.header("strict-transport-security", "max-age=31536000");
}

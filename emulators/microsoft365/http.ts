import type { FastifyReply } from "fastify";
import { graphDate } from "./clock.ts";
import type { RequestInfo } from "./context.ts";
import type { GraphError } from "./errors.ts";
import type { Json, JsonObject } from "./json.ts";

/** The response conventions every Graph answer follows (reference §0.1). */

export const graphContentType =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

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

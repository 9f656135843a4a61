import type { FastifyReply, FastifyRequest } from "fastify";
import { badJsonCode } from "../kit/server.ts";
import type { ErrorRenderer, FrameworkError } from "../kit/pipeline.ts";
import type { RouteTable } from "../kit/routes.ts";
import type { EmulatorContext, RequestInfo } from "./context.ts";
import { GraphError, graphErrors } from "./errors.ts";
import type { GraphRoute } from "./graph/route.ts";
import { sendGraphError, sendJson } from "./http.ts";

/**
 * How each API of this emulator answers what the kit's pipeline cannot hand to a route: injected
 * status faults, framework refusals (unreadable JSON, 415, a crash) and unknown routes. Graph's OData
 * error shape serves all three APIs except where the token endpoint and Exchange differ.
 */

/** Bodies for injected statuses, in Graph's error shape. Unconfirmed texts: the service varies them. */
const faultBodies: Record<number, { code: string; message: string }> = {
  500: { code: "InternalServerError", message: "An internal server error occurred." },
  502: { code: "BadGateway", message: "The server received an invalid response from an upstream server." },
  503: { code: "ServiceUnavailable", message: "Service is unavailable. Please try again later." },
  504: {
    code: "GatewayTimeout",
    message: "The gateway did not receive a response from the upstream server in time.",
  },
};

/** The statuses a fault may inject: those the bodies above, and Graph's 429, render verbatim. */
export const faultStatuses = [429, 500, 502, 503, 504] as const;

type Renderer = ErrorRenderer<RequestInfo>;

function frameworkGraphError(error: FrameworkError): GraphError {
  if (error.code === badJsonCode || error.code === "FST_ERR_CTP_INVALID_JSON_BODY")
    return graphErrors.unreadableJson();
  if (error.status === 415) return new GraphError(415, "UnsupportedMediaType", error.message);
  if (error.status < 500) return new GraphError(error.status, "BadRequest", error.message);
  return new GraphError(500, "InternalServerError", "An internal server error occurred.");
}

function plainNotFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendJson(
    reply,
    404,
    { error: { code: "NotFound", message: `No route for ${req.method} ${req.url}` } },
    "application/json; charset=utf-8",
  );
}

export function renderers(
  ctx: EmulatorContext,
  graphTable: RouteTable<GraphRoute>,
): { graph: Renderer; exchange: Renderer; token: Renderer; other: Renderer } {
  const now = (): number => ctx.clock.now();
  const other: Renderer = {
    fault(reply, rule, info) {
      const retryAfter =
        rule.retryAfterSeconds !== undefined ? { "Retry-After": String(rule.retryAfterSeconds) } : undefined;
      const error =
        rule.status === 429
          ? graphErrors.throttled(retryAfter ?? {})
          : new GraphError(
              rule.status,
              faultBodies[rule.status]?.code ?? "UnknownError",
              faultBodies[rule.status]?.message ?? "",
              retryAfter ? { headers: retryAfter } : {},
            );
      return sendGraphError(reply, error, info, now());
    },
    framework: (reply, error, info) => sendGraphError(reply, frameworkGraphError(error), info, now()),
    notFound: (req, reply) => plainNotFound(req, reply),
  };
  const graph: Renderer = {
    ...other,
    notFound(req, reply, info) {
      const path = req.url.split("?")[0] ?? "";
      if (graphTable.knowsPath(path))
        return sendGraphError(reply, graphErrors.methodNotAllowed(), info, now());
      const segment = path.split("/").filter(Boolean).pop() ?? "";
      return sendGraphError(reply, graphErrors.segment(decodeURIComponent(segment)), info, now());
    },
  };
  const token: Renderer = {
    ...other,
    framework: (reply, error) =>
      reply
        .code(error.status)
        .header("content-type", "application/json; charset=utf-8")
        .send(
          JSON.stringify({
            error: "invalid_request",
            error_description: `AADSTS900144: ${error.message}`,
            error_codes: [900144],
          }),
        ),
  };
  return { graph, exchange: other, token, other };
}

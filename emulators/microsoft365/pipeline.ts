import { header, originOf, queryOf, requestInfo, takeLatency } from "../kit/pipeline.ts";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authenticate, authorize, type AuthInfo } from "./auth.ts";
import type { EmulatorContext } from "./context.ts";
import { settleMailboxes } from "./directory/mailboxes.ts";
import { GraphError, graphErrors, intuneError } from "./errors.ts";
import { expandGuard } from "./graph/expand.ts";
import type { GraphCall, GraphRoute } from "./graph/route.ts";
import { sendGraphError, sendJson } from "./http.ts";
import { pickLatency } from "../kit/latency.ts";
import type { LatencyClass } from "./latency.ts";
import type { Tenant } from "./model.ts";
import { tenantSize } from "./state.ts";
import { formatRetryAfter } from "../kit/buckets.ts";
import type { RouteTable } from "../kit/routes.ts";
import type { BucketKind } from "./throttling.ts";

/**
 * What happens to every Graph request, in the service's order: authenticate, authorise, throttle,
 * take the endpoint's time, then act. Faults and bookkeeping are the kit's (kit/pipeline.ts).
 */

export function latencyOf(ctx: EmulatorContext, cls: LatencyClass): number {
  return pickLatency(ctx.settings.latency[cls], ctx.random);
}

/** Due transitions (provisioned mailboxes, finished conversions, device actions) take effect. */
export function settle(ctx: EmulatorContext, tenant: Tenant): void {
  const now = ctx.clock.now();
  settleMailboxes(tenant, now);
  for (const device of tenant.managedDevices.values()) {
    const results = Array.isArray(device.props.deviceActionResults) ? device.props.deviceActionResults : [];
    for (const result of results) {
      if (typeof result !== "object" || result === null || Array.isArray(result)) continue;
      const dueAt = Date.parse(String(result.startDateTime)) + ctx.settings.deviceActionDelayMs;
      if (result.actionState === "pending" && dueAt <= now) {
        result.actionState = "done";
        result.lastUpdatedDateTime = new Date(now).toISOString();
        if (result.actionName === "retire") device.props.managementState = "retireIssued";
        if (result.actionName === "wipe") device.props.managementState = "wipeIssued";
      }
    }
  }
}

/** §0.4: $select takes one unit off, $expand adds one, $top under 20 takes one off; never below 1. */
export function identityCost(route: GraphRoute, query: Record<string, string | undefined>): number {
  if (route.method !== "GET") return 1;
  let cost = route.cost;
  if (query.$select) cost -= 1;
  if (query.$expand) cost += 1;
  if (query.$top !== undefined && Number(query.$top) < 20) cost -= 1;
  return Math.max(1, cost);
}

export function throttle(
  ctx: EmulatorContext,
  auth: AuthInfo,
  kind: BucketKind,
  cost: number,
  write: boolean,
  mailboxId?: string,
): Record<string, string> {
  const outcome = ctx.throttler.check({
    kind,
    tenantId: auth.tenant.id,
    tenantSize: tenantSize(auth.tenant),
    appId: auth.appId,
    cost,
    write,
    ...(mailboxId !== undefined ? { mailboxId } : {}),
    now: ctx.clock.now(),
  });
  if (outcome.ok) return outcome.headers;
  throw graphErrors.throttled({ ...outcome.headers, "Retry-After": formatRetryAfter(outcome.retryAfterMs) });
}

export function registerGraphRoutes(
  app: FastifyInstance,
  ctx: EmulatorContext,
  table: RouteTable<GraphRoute>,
): void {
  const refuseExpand = expandGuard(table.routes);
  table.register((method, url, route) =>
    app.route({ method, url, handler: (req, reply) => runGraph(ctx, route, req, reply, refuseExpand) }),
  );
}

async function runGraph(
  ctx: EmulatorContext,
  route: GraphRoute,
  req: FastifyRequest,
  reply: FastifyReply,
  refuseExpand: (route: GraphRoute, expand: string) => void,
): Promise<FastifyReply> {
  const info = requestInfo(ctx, req);
  try {
    const auth = authenticate(ctx, header(req, "authorization"), "graph");
    info.tenantId = auth.tenant.id;
    info.appId = auth.appId;
    const url = req.url;
    authorize(auth, route.permissions, () =>
      route.intune
        ? intuneError(
            403,
            "Forbidden",
            `Application is not authorized to perform this operation. Application must have one of the following scopes: ${route.permissions.join(", ")}`,
            info.requestId,
            url,
          )
        : graphErrors.forbidden(),
    );
    const query = queryOf(req);
    if (query.$expand !== undefined) refuseExpand(route, query.$expand);
    const params = req.params as Record<string, string>;
    const mailbox = route.bucket === "outlook" ? params.id?.toLowerCase() : undefined;
    const cost = route.bucket === "identity" ? identityCost(route, query) : 1;
    const throttleHeaders = throttle(ctx, auth, route.bucket, cost, route.method !== "GET", mailbox);
    await takeLatency(info, ctx.settings.latency, route.latency, ctx.random);
    settle(ctx, auth.tenant);
    const call: GraphCall = {
      ctx,
      tenant: auth.tenant,
      auth,
      params,
      query,
      body: req.body,
      consistencyLevel: header(req, "consistencylevel"),
      origin: originOf(req),
      url,
      now: ctx.clock.now(),
      requestId: info.requestId,
    };
    const result = await route.handle(call);
    for (const [name, value] of Object.entries({ ...throttleHeaders, ...result.headers }))
      reply.header(name, value);
    if (result.text !== undefined) {
      return reply.code(result.status).header("content-type", "text/plain").send(result.text);
    }
    if (result.body === undefined) return reply.code(result.status).send();
    reply.header("OData-Version", "4.0");
    return sendJson(reply, result.status, result.body);
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    return sendGraphError(reply, error, info, ctx.clock.now());
  }
}

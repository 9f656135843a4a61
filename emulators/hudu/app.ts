import type { FastifyReply, FastifyRequest } from "fastify";
import {
  header,
  originOf,
  Pipeline,
  queryOf,
  requestInfo,
  type ErrorRenderer,
  takeLatency,
} from "../kit/pipeline.ts";
import { RouteTable } from "../kit/routes.ts";
import { badJsonCode, createEmulatorServer, type EmulatorServer, type TlsOption } from "../kit/server.ts";
import type { CallExtra, HuduContext, Info } from "./context.ts";
import { HuduError, huduErrors, sendHudu } from "./errors.ts";
import type { ApiKey } from "./model.ts";
import { apiPrefix, huduRoutes, type HuduRoute } from "./routes.ts";

/** A password entry's members that hold its secret: the call log keeps neither. */
const secretMembers = new Set(["password", "otp_secret"]);

/** A body for the call log: every secret member replaced, however deep (the shape stays checkable). */
export function forLog(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(forLog);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      secretMembers.has(k) && typeof v === "string" ? "[redacted]" : forLog(v),
    ]),
  );
}

function respond(
  reply: FastifyReply,
  info: Info,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): FastifyReply {
  const req = reply.request;
  if (req.body !== undefined) info.extra.requestBody = forLog(req.body);
  info.extra.responseBody = forLog(body);
  info.extra.retryAfter = headers["Retry-After"];
  return sendHudu(reply, status, body, { "x-request-id": info.requestId, ...headers });
}

const sendError = (reply: FastifyReply, info: Info, error: HuduError): FastifyReply =>
  respond(reply, info, error.status, error.body, error.headers);

/** The x-api-key header against the instance's keys; the key itself never reaches the log. */
function authenticate(ctx: HuduContext, req: FastifyRequest): ApiKey {
  const presented = header(req, "x-api-key");
  const key = presented ? ctx.instance.apiKeys.find((k) => k.key === presented) : undefined;
  if (!key) throw huduErrors.unauthorized();
  return key;
}

/**
 * Rack::Attack's fixed window, before authentication (it sits in front of the app): a count per client
 * address in windows aligned to the epoch, the 429 until the window ends.
 */
function throttle(ctx: HuduContext, req: FastifyRequest): void {
  const { requests, windowMs, retryAfterHeader } = ctx.settings.throttle;
  const now = ctx.clock.now();
  const window = Math.floor(now / windowMs);
  const t = ctx.throttle;
  if (t.window !== window) {
    t.window = window;
    t.counts.clear();
  }
  const count = (t.counts.get(req.ip) ?? 0) + 1;
  t.counts.set(req.ip, count);
  if (count > requests || t.exhausted === window) {
    const seconds = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
    throw huduErrors.throttled(retryAfterHeader ? seconds : undefined);
  }
}

async function runApi(
  ctx: HuduContext,
  route: HuduRoute,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const info = requestInfo(ctx, req);
  try {
    throttle(ctx, req);
    const key = authenticate(ctx, req);
    info.tenantId = "hudu";
    info.appId = key.name;
    info.extra.keyName = key.name;
    if (route.passwords && !key.passwordAccess) throw huduErrors.noPasswordAccess();
    await takeLatency(info, ctx.settings.latency, route.latency, ctx.random);
    const result = route.handle({
      ctx,
      key,
      params: req.params as Record<string, string>,
      query: queryOf(req),
      body: req.body,
      origin: originOf(req),
      now: ctx.clock.now(),
    });
    return respond(reply, info, result.status, result.body);
  } catch (error) {
    if (!(error instanceof HuduError)) throw error;
    return sendError(reply, info, error);
  }
}

function renderer(): ErrorRenderer<Info> {
  return {
    fault: (reply, rule, info) => {
      if (rule.status === 429) return sendError(reply, info, huduErrors.throttled(rule.retryAfterSeconds));
      const error =
        rule.status >= 500
          ? huduErrors.unexpected(rule.status)
          : rule.status === 401
            ? huduErrors.unauthorized()
            : rule.status === 403
              ? huduErrors.forbidden()
              : rule.status === 404
                ? huduErrors.notFound()
                : huduErrors.unprocessable("Unable to process request");
      return sendError(reply, info, error);
    },
    framework: (reply, error, info) =>
      sendError(
        reply,
        info,
        error.code === badJsonCode || error.status === 400
          ? huduErrors.unprocessable("Unable to process request")
          : error.status < 500
            ? huduErrors.unprocessable(error.message)
            : huduErrors.unexpected(500),
      ),
    // Rails answers an unrouted method and an unrouted path alike: 404.
    notFound: (_req, reply, info) => sendError(reply, info, huduErrors.routeNotFound()),
  };
}

export function buildApp(
  ctx: HuduContext,
  opts: { tls?: TlsOption | undefined; onMutation?: () => void },
): EmulatorServer {
  const server = createEmulatorServer({ tls: opts.tls });
  const table = new RouteTable<HuduRoute>(apiPrefix, huduRoutes);
  const render = renderer();
  new Pipeline<"api", CallExtra>({
    state: ctx,
    apis: [{ api: "api", owns: (p) => p.startsWith(`${apiPrefix}/`), renderer: render }],
    fallback: render,
    newExtra: () => ({}),
    tenantOf: () => "hudu",
    ...(opts.onMutation ? { onMutation: opts.onMutation } : {}),
    name: "hudu",
  }).install(server.app);
  table.register((method, url, route) =>
    server.app.route({ method, url, handler: (req, reply) => runApi(ctx, route, req, reply) }),
  );
  return server;
}

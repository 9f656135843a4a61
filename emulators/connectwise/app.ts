import type { FastifyReply, FastifyRequest } from "fastify";
import { formatRetryAfter } from "../kit/buckets.ts";
import {
  header,
  originOf,
  Pipeline,
  queryOf,
  requestInfo,
  takeLatency,
  type ErrorRenderer,
} from "../kit/pipeline.ts";
import { RouteTable } from "../kit/routes.ts";
import { badJsonCode, createEmulatorServer, type EmulatorServer, type TlsOption } from "../kit/server.ts";
import { findInstance, type CallExtra, type CwContext, type Info } from "./context.ts";
import { CwError, cwErrors, sendCwJson } from "./errors.ts";
import type { ApiKey, Instance } from "./model.ts";
import { cwRoutes, type CwRoute } from "./routes.ts";
import { ticketPage } from "./web.ts";

const apiPath = /^\/[^/]+\/apis\/3\.0(\/|$)/;
const loginPath = /^\/login\/companyinfo\/([^/?]+)/;

/** The answer, sent and kept in the call log (body, Link, Retry-After) for the contract tests. */
function respond(
  reply: FastifyReply,
  info: Info,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  instance?: Instance,
): FastifyReply {
  noteRequest(info, reply.request);
  info.extra.responseBody = body;
  info.extra.link = headers.Link;
  info.extra.retryAfter = headers["Retry-After"];
  const version: Record<string, string> = instance
    ? { "api-current-version": instance.versionCode.replace(/^v/, "") }
    : {};
  return sendCwJson(reply, status, body, { ...version, ...headers });
}

function sendError(reply: FastifyReply, info: Info, error: CwError, instance?: Instance): FastifyReply {
  return respond(reply, info, error.status, error.body, error.headers, instance);
}

/** "Basic base64(company+public:private)" → the instance and the key pair, or the vendor's 401. */
function authenticate(ctx: CwContext, req: FastifyRequest): { instance: Instance; key: ApiKey } {
  const status = ctx.settings.badAuthStatus;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header(req, "authorization") ?? "");
  if (!m) throw cwErrors.unauthorized(401);
  const decoded = Buffer.from(m[1] ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const user = colon >= 0 ? decoded.slice(0, colon) : decoded;
  const privateKey = colon >= 0 ? decoded.slice(colon + 1) : "";
  const plus = user.indexOf("+");
  if (plus <= 0) throw cwErrors.notAuthenticated(status);
  const instance = findInstance(ctx, user.slice(0, plus));
  const publicKey = user.slice(plus + 1);
  const key = instance?.apiKeys.find((k) => k.publicKey === publicKey && k.privateKey === privateKey);
  if (!instance || !key) throw cwErrors.notAuthenticated(status);
  if (ctx.settings.requireClientId) {
    const clientId = header(req, "clientid");
    if (!clientId) throw cwErrors.clientId(401, "clientId header is required");
    if (!instance.clientIds.some((c) => c.toLowerCase() === clientId.toLowerCase()))
      throw cwErrors.clientId(401, `clientId ${clientId} is not registered`);
  }
  return { instance, key };
}

/** One request off the login company's budget, or the 429 with Retry-After in whole seconds. */
function throttle(ctx: CwContext, instance: Instance): void {
  const { requests, windowMs } = ctx.settings.throttle;
  const outcome = ctx.buckets.spend(
    instance.companyId.toLowerCase(),
    ctx.clock.now(),
    [{ key: "requests", capacity: requests, windowMs, cost: 1, reason: "RequestLimit" }],
    "RequestLimit",
  );
  if (!outcome.ok)
    throw cwErrors.throttled(Math.max(1, Math.ceil(Number(formatRetryAfter(outcome.retryAfterMs)))));
}

/** What the client sent, for the call log (never the Authorization header: it carries the keys). */
function noteRequest(info: Info, req: FastifyRequest): void {
  info.appId ??= header(req, "clientid");
  const accept = header(req, "accept");
  info.extra.accept = accept;
  info.extra.apiVersion = /version\s*=\s*([^;,\s]+)/i.exec(accept ?? "")?.[1];
  if (req.body !== undefined) info.extra.requestBody = req.body;
}

async function runApi(
  ctx: CwContext,
  route: CwRoute,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const info = requestInfo(ctx, req);
  noteRequest(info, req);
  let instance: Instance | undefined;
  try {
    const auth = authenticate(ctx, req);
    instance = auth.instance;
    info.tenantId = instance.companyId;
    const params = req.params as Record<string, string>;
    if (`${params.codebase ?? ""}/` !== instance.codebase)
      throw cwErrors.routeNotFound(req.url.split("?")[0] ?? req.url);
    throttle(ctx, instance);
    await takeLatency(info, ctx.settings.latency, route.latency, ctx.random);
    const result = route.handle({
      ctx,
      instance,
      params,
      query: queryOf(req),
      body: req.body,
      selfUrl: `${originOf(req)}${req.url}`,
      now: ctx.clock.now(),
      member: auth.key.member,
    });
    return respond(reply, info, result.status, result.body, result.headers, instance);
  } catch (error) {
    if (!(error instanceof CwError)) throw error;
    return sendError(reply, info, error, instance);
  }
}

async function companyInfo(ctx: CwContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const info = requestInfo(ctx, req);
  noteRequest(info, req);
  const companyId = decodeURIComponent((req.params as { companyId?: string }).companyId ?? "");
  const instance = findInstance(ctx, companyId);
  await takeLatency(info, ctx.settings.latency, "login", ctx.random);
  if (!instance) return sendError(reply, info, cwErrors.notFound("Company", companyId));
  info.tenantId = instance.companyId;
  return respond(reply, info, 200, {
    CompanyName: instance.companyName,
    Codebase: instance.codebase,
    VersionCode: instance.versionCode,
    VersionNumber: instance.versionNumber,
    CompanyID: instance.companyId,
    IsCloud: instance.isCloud ? "True" : "False",
  });
}

function renderer(table: RouteTable<CwRoute>): ErrorRenderer<Info> {
  return {
    fault: (reply, rule, info) => {
      if (rule.status === 429) {
        const seconds = rule.retryAfterSeconds;
        const error = cwErrors.throttled(Math.max(1, Math.ceil(seconds ?? 30)));
        return respond(
          reply,
          info,
          429,
          error.body,
          seconds !== undefined ? { "Retry-After": String(seconds) } : {},
        );
      }
      const error =
        rule.status >= 500
          ? cwErrors.unexpected(rule.status)
          : rule.status === 401
            ? cwErrors.notAuthenticated(401)
            : rule.status === 403
              ? cwErrors.forbidden()
              : rule.status === 404
                ? cwErrors.routeNotFound("(injected)")
                : new CwError(rule.status, {
                    code: "InvalidObject",
                    message: "The request is invalid.",
                    errors: null,
                  });
      return sendError(reply, info, error);
    },
    framework: (reply, error, info) =>
      sendError(
        reply,
        info,
        error.code === badJsonCode || error.status === 400
          ? cwErrors.badBody("The request is invalid. The body is not valid JSON.")
          : error.status === 415
            ? new CwError(415, { code: "UnsupportedMediaType", message: error.message, errors: null })
            : cwErrors.unexpected(error.status >= 500 ? error.status : 500),
      ),
    notFound: (req, reply, info) => {
      const path = req.url.split("?")[0] ?? req.url;
      return sendError(
        reply,
        info,
        table.knowsPath(path) ? cwErrors.methodNotAllowed(req.method) : cwErrors.routeNotFound(path),
      );
    },
  };
}

/** The login company a request names before it is authenticated, for fault matching. */
function tenantOf(ctx: CwContext, req: FastifyRequest): string | undefined {
  const login = loginPath.exec(req.url)?.[1];
  if (login) return findInstance(ctx, decodeURIComponent(login))?.companyId;
  const m = /^Basic\s+(\S+)/i.exec(header(req, "authorization") ?? "");
  const user = m
    ? Buffer.from(m[1] ?? "", "base64")
        .toString("utf8")
        .split(":")[0]
    : undefined;
  const company = user?.split("+")[0];
  return company ? findInstance(ctx, company)?.companyId : undefined;
}

export function buildApp(
  ctx: CwContext,
  opts: { tls?: TlsOption | undefined; onMutation?: () => void },
): EmulatorServer {
  const server = createEmulatorServer({ tls: opts.tls, caseSensitive: false });
  const table = new RouteTable<CwRoute>("", cwRoutes, [], false);
  const render = renderer(table);
  new Pipeline<"api" | "login", CallExtra>({
    state: ctx,
    apis: [
      { api: "api", owns: (p) => apiPath.test(p), renderer: render },
      { api: "login", owns: (p) => p.startsWith("/login/"), renderer: render },
    ],
    fallback: render,
    newExtra: () => ({}),
    tenantOf: (req) => tenantOf(ctx, req),
    ...(opts.onMutation ? { onMutation: opts.onMutation } : {}),
    name: "connectwise",
  }).install(server.app);
  table.register((method, url, route) =>
    server.app.route({ method, url, handler: (req, reply) => runApi(ctx, route, req, reply) }),
  );
  server.app.get("/login/companyinfo/:companyId", (req, reply) => companyInfo(ctx, req, reply));
  server.app.get("/:codebase/ConnectWise.aspx", (req, reply) => ticketPage(ctx, req, reply));
  return server;
}

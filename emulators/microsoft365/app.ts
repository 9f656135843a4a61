import { createServer as createHttpsServer } from "node:https";
import type { Server } from "node:http";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import type { Microsoft365Admin } from "./admin.ts";
import { registerAdminRoutes } from "./admin-routes.ts";
import type { EmulatorContext, RequestInfo } from "./context.ts";
import { GraphError, graphErrors } from "./errors.ts";
import { defaultHangMs, faultBodies, type FaultRule } from "./faults.ts";
import { registerExchange } from "./exchange/invoke.ts";
import { registerBatch } from "./graph/batch.ts";
import { graphRoutes } from "./graph/index.ts";
import { graphHeaders, header, infoOf, sendGraphError, sendJson, startRequest } from "./http.ts";
import { decodeJwt } from "./jwt.ts";
import { registerGraphRoutes } from "./pipeline.ts";
import { registerTokenRoutes } from "./tokens.ts";

/** The one Fastify server: token endpoint, Graph, the Exchange admin API and /_admin. */

/** Graph paths the emulator knows under any method, to tell a wrong method (405) from a wrong path. */
const graphPaths = [...graphRoutes.map((r) => r.path), "/$batch"].map(
  (path) => new RegExp(`^/v1\\.0${path.replace(/[.$]/g, "\\$&").replace(/\{\w+\}/g, "[^/]+")}/?$`, "i"),
);

export interface AppOptions {
  /** PEM key and certificate: serve HTTPS, which MSAL needs unless its network client is replaced. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export async function buildApp(
  ctx: EmulatorContext,
  admin: Microsoft365Admin,
  opts: AppOptions = {},
): Promise<FastifyInstance> {
  const tls = opts.tls;
  const app = Fastify({
    logger: false,
    // Clients reach the emulator through forwarding network clients (MSAL's, say) that announce the
    // scheme and host they meant; links and issuers must use those.
    trustProxy: true,
    // A hang fault holds its socket open; closing must not wait for it.
    forceCloseConnections: true,
    // Graph matches path segments without regard to case (/users/{id}/memberof works).
    routerOptions: { caseSensitive: false },
    bodyLimit: 4 * 1024 * 1024,
    ...(tls
      ? {
          // Fastify's types tie HTTPS to a different instance type than every route module takes; the
          // server is only ever used through the request/response API both share.
          serverFactory: (handler: (req: FastifyRequest["raw"], res: FastifyReply["raw"]) => void) =>
            createHttpsServer({ key: tls.key, cert: tls.cert }, handler) as unknown as Server,
        }
      : {}),
  });
  const hangs = new Set<NodeJS.Timeout>();

  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = String(body);
    if (!text.trim()) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(
        error instanceof Error ? Object.assign(error, { statusCode: 400, code: "EMULATOR_BAD_JSON" }) : null,
        undefined,
      );
    }
  });
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.addContentTypeParser("text/plain", { parseAs: "string" }, (_req, body, done) =>
    done(null, String(body)),
  );

  app.addHook("onRequest", async (req, reply) => {
    const info = startRequest(ctx, req);
    if (info.api === "admin") return;
    const rule = ctx.faults.take({
      method: req.method,
      url: req.url,
      tenantId: tenantHint(ctx, req),
      insideBatch: info.insideBatch,
    });
    if (!rule) return;
    info.fault = rule.kind === "status" ? String(rule.status) : rule.kind;
    return injectFault(ctx, req, reply, rule, hangs);
  });

  app.addHook("onSend", async (req, reply, payload) => {
    const info = infoOf(ctx, req);
    if (info.api === "graph" || info.api === "exchange") graphHeaders(reply, info);
    return payload;
  });

  app.addHook("onResponse", async (req, reply) => {
    const info = ctx.requests.get(req);
    if (!info || info.api === "admin") return;
    logCall(ctx, req, reply.statusCode, info);
  });

  app.addHook("onClose", async () => {
    for (const timer of hangs) clearTimeout(timer);
    hangs.clear();
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const info = infoOf(ctx, req);
    const status = error.statusCode ?? 500;
    if (info.api === "token") {
      return reply
        .code(status)
        .header("content-type", "application/json; charset=utf-8")
        .send(
          JSON.stringify({
            error: "invalid_request",
            error_description: `AADSTS900144: ${error.message}`,
            error_codes: [900144],
          }),
        );
    }
    const graphError =
      error.code === "EMULATOR_BAD_JSON" || error.code === "FST_ERR_CTP_INVALID_JSON_BODY"
        ? graphErrors.unreadableJson()
        : status === 415
          ? new GraphError(415, "UnsupportedMediaType", error.message)
          : status < 500
            ? new GraphError(status, "BadRequest", error.message)
            : new GraphError(500, "InternalServerError", "An internal server error occurred.");
    if (status >= 500) process.stderr.write(`microsoft365 emulator: ${error.stack ?? error.message}\n`);
    return sendGraphError(reply, graphError, info, ctx.clock.now());
  });

  app.setNotFoundHandler((req, reply) => {
    const info = infoOf(ctx, req);
    if (info.api === "graph") {
      const path = req.url.split("?")[0] ?? "";
      if (graphPaths.some((re) => re.test(path))) {
        return sendGraphError(reply, graphErrors.methodNotAllowed(), info, ctx.clock.now());
      }
      const segment = path.split("/").filter(Boolean).pop() ?? "";
      return sendGraphError(reply, graphErrors.segment(decodeURIComponent(segment)), info, ctx.clock.now());
    }
    return sendJson(
      reply,
      404,
      { error: { code: "NotFound", message: `No route for ${req.method} ${req.url}` } },
      "application/json; charset=utf-8",
    );
  });

  registerTokenRoutes(app, ctx);
  registerGraphRoutes(app, ctx, graphRoutes);
  registerBatch(app, ctx);
  registerExchange(app, ctx);
  registerAdminRoutes(app, admin);
  return app;
}

function tenantHint(ctx: EmulatorContext, req: FastifyRequest): string | undefined {
  const path = req.url.split("?")[0] ?? "";
  const segment =
    /^\/adminapi\/beta\/([^/]+)/.exec(path)?.[1] ?? /^\/([^/]+)\/(oauth2|v2\.0)\//.exec(path)?.[1];
  if (segment) return ctx.store.find(decodeURIComponent(segment))?.id;
  const token = /^Bearer\s+(.+)$/i.exec(header(req, "authorization") ?? "")?.[1];
  const tid = token ? decodeJwt(token)?.claims.tid : undefined;
  return typeof tid === "string" ? tid : undefined;
}

function injectFault(
  ctx: EmulatorContext,
  req: FastifyRequest,
  reply: FastifyReply,
  rule: FaultRule,
  hangs: Set<NodeJS.Timeout>,
): FastifyReply {
  const info = infoOf(ctx, req);
  if (rule.kind === "status") {
    const { code, message } = faultBodies[rule.status];
    const headers =
      rule.retryAfterSeconds !== undefined ? { "Retry-After": String(rule.retryAfterSeconds) } : undefined;
    return sendGraphError(
      reply,
      new GraphError(rule.status, code, message, headers ? { headers } : {}),
      info,
      ctx.clock.now(),
    );
  }
  logCall(ctx, req, 0, info);
  reply.hijack();
  if (rule.kind === "reset") {
    req.raw.socket.destroy();
    return reply;
  }
  const timer = setTimeout(() => {
    hangs.delete(timer);
    req.raw.socket.destroy();
  }, rule.hangMs ?? defaultHangMs);
  hangs.add(timer);
  return reply;
}

function logCall(ctx: EmulatorContext, req: FastifyRequest, status: number, info: RequestInfo): void {
  ctx.calls.add({
    at: new Date().toISOString(),
    method: req.method,
    route: req.routeOptions.url ?? req.url.split("?")[0] ?? req.url,
    url: req.url,
    api: info.api === "admin" ? "other" : info.api,
    tenantId: info.tenantId,
    appId: info.appId,
    status,
    durationMs: Math.round((performance.now() - info.startedAt) * 10) / 10,
    requestId: info.requestId,
    cmdlet: info.cmdlet,
    insideBatch: info.insideBatch,
    fault: info.fault,
  });
}

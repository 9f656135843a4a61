import type { FastifyRequest } from "fastify";
import { registerAdminRoutes } from "../kit/admin.ts";
import { startEmulator, type EmulatorOptions, type StartedEmulator } from "../kit/emulator.ts";
import { header, Pipeline, type ErrorRenderer } from "../kit/pipeline.ts";
import { createEmulatorServer, type EmulatorServer, type TlsOption } from "../kit/server.ts";
import { DattoRmmAdmin } from "./admin.ts";
import { registerDattoAdminRoutes } from "./admin-routes.ts";
import { dattoTable, registerApiRoutes } from "./api.ts";
import { registerTokenRoute } from "./auth.ts";
import { apiRenderer, ours, sendDattoError } from "./errors.ts";
import { persistenceOf } from "./persistence.ts";
import { dattoDemo, seedDattoDemo } from "./seed-globex.ts";
import {
  apiNames,
  createContext,
  type Api,
  type CallExtra,
  type DattoContext,
  type RequestInfo,
} from "./state.ts";

/**
 * A stateful Datto RMM emulator: one account on one platform host, its token endpoint
 * (/auth/oauth/token, password grant of the public client) and the API v2 paths the connector uses
 * (/api/v2/site…, /api/v2/device…, /api/v2/audit/device…, /api/v2/system…), on the kit: faults, latency
 * profiles, the call log, Datto's rolling request window (429, then 403 and a block) and /_admin.
 */

/** "demo" seeds the demo MSP (Globex GmbH's site and devices, Initech's). */
export type DattoRmmEmulatorOptions = EmulatorOptions<DattoRmmAdmin, "demo">;

/** `url` is the platform host: the API is `${url}/api`, tokens `${url}/auth/oauth/token`. */
export type DattoRmmEmulator = StartedEmulator<DattoRmmAdmin>;

export async function startDattoRmmEmulator(opts: DattoRmmEmulatorOptions = {}): Promise<DattoRmmEmulator> {
  const ctx = createContext(opts.profile ?? "fast");
  const admin = new DattoRmmAdmin(ctx);
  return startEmulator(opts, {
    admin,
    seeds: { demo: seedDattoDemo },
    persistence: persistenceOf(ctx),
    serve: (onMutation) => buildApp(ctx, admin, { tls: opts.tls, onMutation }),
  });
}

function buildApp(
  ctx: DattoContext,
  admin: DattoRmmAdmin,
  opts: { tls: TlsOption | undefined; onMutation: (() => void) | undefined },
): EmulatorServer {
  const server = createEmulatorServer({ tls: opts.tls });
  const api = apiRenderer(ctx, dattoTable);
  const plain: ErrorRenderer<RequestInfo> = {
    fault: api.fault,
    framework: api.framework,
    notFound: (req, reply, info) =>
      sendDattoError(ctx, req, reply, info, 404, ours.noRoute(req.method, req.url.split("?")[0] ?? "")),
  };
  new Pipeline<Api, CallExtra>({
    state: ctx,
    apis: [
      { api: "api", owns: (p) => /^\/api(\/|$)/.test(p), renderer: api, decorate: requestIdHeader },
      { api: "token", owns: (p) => p.startsWith("/auth/"), renderer: plain, decorate: requestIdHeader },
    ],
    fallback: plain,
    newExtra: () => ({ requestBody: undefined, responseBody: undefined, retryAfter: undefined }),
    tenantOf: (req) => apiKeyHint(ctx, req),
    ...(opts.onMutation ? { onMutation: opts.onMutation } : {}),
    name: "datto-rmm",
  }).install(server.app);
  registerTokenRoute(server.app, ctx);
  registerApiRoutes(server.app, ctx);
  registerAdminRoutes(server.app, admin, {
    apis: apiNames,
    vendorRoutes: (route) => registerDattoAdminRoutes(route, admin),
  });
  return server;
}

// Datto's request-id header is not documented; x-request-id is what the connector's client reads.
const requestIdHeader = (reply: { header(k: string, v: string): unknown }, info: RequestInfo) => {
  reply.header("x-request-id", info.requestId);
};

/** Faults name an API key: the one whose token the request carries. */
function apiKeyHint(ctx: DattoContext, req: FastifyRequest): string | undefined {
  const token = /^Bearer\s+(.+)$/i.exec(header(req, "authorization") ?? "")?.[1];
  return token ? ctx.tokens.get(token)?.apiKey : undefined;
}

export { DattoRmmAdmin, dattoDemo, seedDattoDemo };
export type { CallRecord } from "./state.ts";
export type { Settings, ProfileName } from "./settings.ts";

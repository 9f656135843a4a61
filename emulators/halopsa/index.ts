import type { FastifyRequest } from "fastify";
import { registerAdminRoutes } from "../kit/admin.ts";
import { header, Pipeline, type ErrorRenderer } from "../kit/pipeline.ts";
import { startEmulator, type EmulatorOptions, type StartedEmulator } from "../kit/emulator.ts";
import { createEmulatorServer, type EmulatorServer, type TlsOption } from "../kit/server.ts";
import { HaloPsaAdmin } from "./admin.ts";
import { registerHaloAdminRoutes } from "./admin-routes.ts";
import { haloTable, registerApiRoutes } from "./api.ts";
import { registerTokenRoute } from "./auth.ts";
import { installBuiltins } from "./builtins.ts";
import { apiRenderer, sendHaloError } from "./errors.ts";
import { persistenceOf } from "./persistence.ts";
import { haloDemo, seedHaloDemo } from "./seed-acme.ts";
import {
  apiNames,
  createContext,
  type Api,
  type CallExtra,
  type HaloContext,
  type RequestInfo,
} from "./state.ts";

/**
 * A stateful HaloPSA emulator: one Halo instance with its token endpoint (/auth/token) and the REST API
 * (/api/Users, /api/Tickets, /api/Actions, /api/Status) the connector uses, on the kit: faults, latency
 * profiles, the call log, per-app request budgets (429 + Retry-After) and /_admin. See README.md.
 */

/** "demo" seeds the demo MSP (Acme Corp's client, contacts and ticket 48291). */
export type HaloPsaEmulatorOptions = EmulatorOptions<HaloPsaAdmin, "demo">;

/** `url` is the instance URL: the API is `${url}/api`, tokens `${url}/auth/token`. */
export type HaloPsaEmulator = StartedEmulator<HaloPsaAdmin>;

export async function startHaloPsaEmulator(opts: HaloPsaEmulatorOptions = {}): Promise<HaloPsaEmulator> {
  const ctx = createContext(opts.profile ?? "fast");
  installBuiltins(ctx.data);
  const admin = new HaloPsaAdmin(ctx);
  return startEmulator(opts, {
    admin,
    seeds: { demo: seedHaloDemo },
    persistence: persistenceOf(ctx),
    serve: (onMutation) => buildApp(ctx, admin, { tls: opts.tls, onMutation }),
  });
}

function buildApp(
  ctx: HaloContext,
  admin: HaloPsaAdmin,
  opts: { tls: TlsOption | undefined; onMutation: (() => void) | undefined },
): EmulatorServer {
  // Halo's ASP.NET routes match without regard to case (/api/users and /api/Users are one).
  const server = createEmulatorServer({ tls: opts.tls, caseSensitive: false });
  const api = apiRenderer(ctx, haloTable);
  const plain: ErrorRenderer<RequestInfo> = {
    fault: api.fault,
    framework: api.framework,
    notFound: (_req, reply, info) => sendHaloError(ctx, reply, info, 404, "Not Found"),
  };
  new Pipeline<Api, CallExtra>({
    state: ctx,
    apis: [
      { api: "api", owns: (p) => /^\/api(\/|$)/i.test(p), renderer: api },
      { api: "token", owns: (p) => /^\/auth\//i.test(p), renderer: plain },
    ],
    fallback: plain,
    newExtra: () => ({ requestBody: undefined, responseBody: undefined }),
    tenantOf: (req) => appHint(ctx, req),
    ...(opts.onMutation ? { onMutation: opts.onMutation } : {}),
    name: "halopsa",
  }).install(server.app);
  registerTokenRoute(server.app, ctx);
  registerApiRoutes(server.app, ctx);
  registerAdminRoutes(server.app, admin, {
    apis: apiNames,
    vendorRoutes: (route) => registerHaloAdminRoutes(route, admin),
  });
  return server;
}

/** Faults name an API application: the one whose token the request carries. */
function appHint(ctx: HaloContext, req: FastifyRequest): string | undefined {
  const token = /^Bearer\s+(.+)$/i.exec(header(req, "authorization") ?? "")?.[1];
  return token ? ctx.tokens.get(token)?.clientId : undefined;
}

export { HaloPsaAdmin, haloDemo, seedHaloDemo };
export type { CallRecord } from "./state.ts";
export type { Settings, ProfileName } from "./settings.ts";

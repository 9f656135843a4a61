import type { FastifyReply, FastifyRequest } from "fastify";
import { registerAdminRoutes } from "../kit/admin.ts";
import { startEmulator, type EmulatorOptions, type StartedEmulator } from "../kit/emulator.ts";
import { header, Pipeline, type ErrorRenderer } from "../kit/pipeline.ts";
import { createEmulatorServer, type EmulatorServer, type TlsOption } from "../kit/server.ts";
import { NinjaOneAdmin } from "./admin.ts";
import { registerNinjaAdminRoutes } from "./admin-routes.ts";
import { ninjaTables, registerApiRoutes } from "./api.ts";
import { registerTokenRoutes } from "./auth.ts";
import { apiRenderer, ours, sendNinjaError } from "./errors.ts";
import { persistenceOf } from "./persistence.ts";
import { ninjaDemo, seedNinjaDemo } from "./seed-demo.ts";
import { tokenPaths } from "./settings.ts";
import {
  apiNames,
  createContext,
  type Api,
  type CallExtra,
  type NinjaContext,
  type RequestInfo,
} from "./state.ts";

/**
 * A stateful NinjaOne emulator: one instance with its token endpoints (/ws/oauth/token, /oauth/token) and
 * the Public API 2.0 paths the connector uses (/v2/organization/{id}/end-users, /v2/user/end-users,
 * /v2/devices-detailed, /v2/device/{id}/owner …), on the kit: faults, latency profiles, the call log, a
 * per-app request budget (429 + Retry-After) and /_admin. See README.md.
 */

/** "demo" seeds the demo MSP (Acme Corp and Initech, their devices, Tom Williams). */
export type NinjaOneEmulatorOptions = EmulatorOptions<NinjaOneAdmin, "demo">;

/** `url` is the instance URL: the API is `${url}/v2`, tokens `${url}/ws/oauth/token`. */
export type NinjaOneEmulator = StartedEmulator<NinjaOneAdmin>;

export async function startNinjaOneEmulator(opts: NinjaOneEmulatorOptions = {}): Promise<NinjaOneEmulator> {
  const ctx = createContext(opts.profile ?? "fast");
  const admin = new NinjaOneAdmin(ctx);
  return startEmulator(opts, {
    admin,
    seeds: { demo: seedNinjaDemo },
    persistence: persistenceOf(ctx),
    serve: (onMutation) => buildApp(ctx, admin, { tls: opts.tls, onMutation }),
  });
}

function buildApp(
  ctx: NinjaContext,
  admin: NinjaOneAdmin,
  opts: { tls: TlsOption | undefined; onMutation: (() => void) | undefined },
): EmulatorServer {
  const server = createEmulatorServer({ tls: opts.tls });
  const api = apiRenderer(ctx, ninjaTables);
  const plain: ErrorRenderer<RequestInfo> = {
    fault: api.fault,
    framework: api.framework,
    notFound: (_req, reply, info) => sendNinjaError(ctx, reply, info, ours.noRoute()),
  };
  new Pipeline<Api, CallExtra>({
    state: ctx,
    apis: [
      { api: "api", owns: (p) => /^\/(api\/)?v2(\/|$)/.test(p), renderer: api, decorate: requestIdHeader },
      {
        api: "token",
        owns: (p) => (tokenPaths as readonly string[]).includes(p),
        renderer: plain,
        decorate: requestIdHeader,
      },
    ],
    fallback: plain,
    newExtra: () => ({ requestBody: undefined, responseBody: undefined }),
    tenantOf: (req) => appHint(ctx, req),
    ...(opts.onMutation ? { onMutation: opts.onMutation } : {}),
    name: "ninjaone",
  }).install(server.app);
  registerTokenRoutes(server.app, ctx);
  registerApiRoutes(server.app, ctx);
  registerAdminRoutes(server.app, admin, {
    apis: apiNames,
    vendorRoutes: (route) => registerNinjaAdminRoutes(route, admin),
  });
  return server;
}

/**
 * NinjaOne documents no request-id header; this emulator sends one (`x-request-id`, the kit's request id)
 * so a failure can be found in its call log.
 */
function requestIdHeader(reply: FastifyReply, info: RequestInfo): void {
  reply.header("x-request-id", info.requestId);
}

/** Faults name an API client app: the one whose token the request carries. */
function appHint(ctx: NinjaContext, req: FastifyRequest): string | undefined {
  const token = /^Bearer\s+(.+)$/i.exec(header(req, "authorization") ?? "")?.[1];
  return token ? ctx.tokens.get(token)?.clientId : undefined;
}

export { NinjaOneAdmin, ninjaDemo, seedNinjaDemo };
export type { CallRecord } from "./state.ts";
export type { Settings, ProfileName } from "./settings.ts";

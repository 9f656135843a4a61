import type { FastifyRequest } from "fastify";
import { registerAdminRoutes } from "../kit/admin.ts";
import { header, Pipeline, type ErrorRenderer } from "../kit/pipeline.ts";
import { createEmulatorServer, listen, type TlsOption } from "../kit/server.ts";
import { SnapshotFile } from "../kit/snapshot.ts";
import { HaloPsaAdmin } from "./admin.ts";
import { registerHaloAdminRoutes } from "./admin-routes.ts";
import { haloTable, registerApiRoutes } from "./api.ts";
import { registerTokenRoute } from "./auth.ts";
import { installBuiltins } from "./builtins.ts";
import { apiRenderer, sendHaloError } from "./errors.ts";
import { haloDemo, seedHaloDemo } from "./seed-acme.ts";
import type { ProfileName } from "./settings.ts";
import {
  apiNames,
  createContext,
  type Api,
  type CallExtra,
  type HaloContext,
  type HaloData,
  type RequestInfo,
} from "./state.ts";

/**
 * A stateful HaloPSA emulator: one Halo instance with its token endpoint (/auth/token) and the REST API
 * (/api/Users, /api/Tickets, /api/Actions, /api/Status) the connector uses, on the kit: faults, latency
 * profiles, the call log, per-app request budgets (429 + Retry-After) and /_admin. See README.md.
 */

export interface HaloPsaEmulatorOptions {
  port?: number;
  host?: string;
  profile?: ProfileName;
  /** "demo" seeds the demo MSP (Acme Corp's client, contacts and ticket 48291); a function seeds anything. */
  seed?: "demo" | ((admin: HaloPsaAdmin) => void | Promise<void>);
  tls?: TlsOption;
  /** Keep the instance's data in this JSON file: loaded at start (seed skipped), written after changes. */
  stateFile?: string;
}

export interface HaloPsaEmulator {
  /** The instance URL: the API is `${url}/api`, tokens `${url}/auth/token`. */
  url: string;
  admin: HaloPsaAdmin;
  cert: string | Buffer | undefined;
  restored: boolean;
  close(): Promise<void>;
}

interface SavedState {
  version: 1;
  data: HaloData;
  clockOffsetMs: number;
}

function snapshotOf(ctx: HaloContext, path: string): SnapshotFile {
  return new SnapshotFile(path, (): SavedState => ({
    version: 1,
    data: ctx.data,
    clockOffsetMs: ctx.clock.offset,
  }));
}

function restore(ctx: HaloContext, snapshot: SnapshotFile): boolean {
  const saved = snapshot.load() as Partial<SavedState> | undefined;
  if (saved === undefined) return false;
  if (saved.version !== 1 || typeof saved.data !== "object" || !(saved.data?.tickets instanceof Map))
    throw new Error(`${snapshot.path} is not a HaloPSA emulator snapshot`);
  ctx.data = saved.data;
  ctx.clock.offset = saved.clockOffsetMs ?? 0;
  return true;
}

export async function startHaloPsaEmulator(opts: HaloPsaEmulatorOptions = {}): Promise<HaloPsaEmulator> {
  const ctx = createContext(opts.profile ?? "fast");
  installBuiltins(ctx.data);
  const admin = new HaloPsaAdmin(ctx);
  const snapshot = opts.stateFile ? snapshotOf(ctx, opts.stateFile) : undefined;
  const restored = snapshot ? restore(ctx, snapshot) : false;
  if (!restored) {
    if (opts.seed === "demo") seedHaloDemo(admin);
    else if (opts.seed) await opts.seed(admin);
    snapshot?.flush();
  }
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
    ...(snapshot ? { onMutation: () => snapshot.schedule() } : {}),
    name: "halopsa",
  }).install(server.app);
  registerTokenRoute(server.app, ctx);
  registerApiRoutes(server.app, ctx);
  registerAdminRoutes(server.app, admin, {
    apis: apiNames,
    vendorRoutes: (route) => registerHaloAdminRoutes(route, admin),
  });
  const url = await listen(server, { port: opts.port, host: opts.host });
  return {
    url,
    admin,
    cert: server.tls?.cert,
    restored,
    close: async () => {
      await server.app.close();
      snapshot?.close();
    },
  };
}

/** Faults name an API application: the one whose token the request carries. */
function appHint(ctx: HaloContext, req: FastifyRequest): string | undefined {
  const token = /^Bearer\s+(.+)$/i.exec(header(req, "authorization") ?? "")?.[1];
  return token ? ctx.tokens.get(token)?.clientId : undefined;
}

export { HaloPsaAdmin, haloDemo, seedHaloDemo };
export type { CallRecord } from "./state.ts";
export type { Settings, ProfileName } from "./settings.ts";

// A made-up PSA built on the kit the way a real vendor emulator (HaloPSA, Autotask …) would be: its own
// API names, error envelope, route table, token endpoint and admin, and nothing else. The kit's tests
// drive it, so the kit is proved vendor-neutral by a vendor that is not Microsoft.
import { randomUUID } from "node:crypto";
import type { FastifyReply } from "fastify";
import { AdminError, KitAdmin, registerAdminRoutes } from "../../../emulators/kit/admin.ts";
import { CallLog, type CallRecord } from "../../../emulators/kit/calls.ts";
import { Clock } from "../../../emulators/kit/clock.ts";
import { Faults } from "../../../emulators/kit/faults.ts";
import type { EmulatorDefinition } from "../../../emulators/kit/launcher.ts";
import { clientCredentialsGrant, registerTokenEndpoint, rfc6749 } from "../../../emulators/kit/oauth2.ts";
import {
  Pipeline,
  requestInfo,
  sendPlainJson,
  type ErrorRenderer,
  type KitState,
  type RequestInfo,
} from "../../../emulators/kit/pipeline.ts";
import { RouteTable, type TableRoute } from "../../../emulators/kit/routes.ts";
import { createEmulatorServer, listen, type TlsOption } from "../../../emulators/kit/server.ts";

type Api = "api" | "token";
type Extra = Record<never, never>;
type Info = RequestInfo<Api, Extra>;

interface ToySettings {
  profile: "fast";
}

class ToyAdmin extends KitAdmin<Api, Extra, ToySettings> {
  constructor(
    state: KitState<Api, Extra>,
    private readonly tickets: Map<string, { id: string; summary: string }>,
  ) {
    super(state, {
      faultStatuses: [429, 500, 503],
      tenantId: (ref) => {
        if (ref !== "toy") throw new AdminError(404, `no tenant ${ref}`);
        return "toy";
      },
    });
  }
  settings(): ToySettings {
    return { profile: "fast" };
  }
  configure(): ToySettings {
    return this.settings();
  }
  reset(): void {
    this.resetKit();
    this.tickets.clear();
  }
}

/** The toy's own envelope: { "err": { "kind", "text" } }. */
function sendToyError(reply: FastifyReply, status: number, kind: string, text: string): FastifyReply {
  return sendPlainJson(reply, status, { err: { kind, text } });
}

interface ToyRoute extends TableRoute {
  handle(params: Record<string, string>): { status: number; body: unknown };
}

export async function startToy(opts: { port?: number; tls?: TlsOption } = {}) {
  const state: KitState<Api, Extra> = {
    clock: new Clock(),
    faults: new Faults(),
    calls: new CallLog<CallRecord<Api> & Extra>(),
    random: Math.random,
    requests: new WeakMap(),
    batchNonce: randomUUID(),
  };
  const tickets = new Map([["1", { id: "1", summary: "Printer on fire" }]]);
  const admin = new ToyAdmin(state, tickets);
  const table = new RouteTable<ToyRoute>("/api", [
    {
      method: "GET",
      path: "/tickets/{id}",
      handle: (p) => {
        const ticket = tickets.get(p.id ?? "");
        return ticket ? { status: 200, body: ticket } : { status: 404, body: { err: { kind: "missing" } } };
      },
    },
  ]);
  const renderer: ErrorRenderer<Info> = {
    fault: (reply, rule) => {
      if (rule.retryAfterSeconds !== undefined) reply.header("retry-after", String(rule.retryAfterSeconds));
      return sendToyError(reply, rule.status, "fault", `injected ${rule.status}`);
    },
    framework: (reply, error) => sendToyError(reply, error.status, "framework", error.message),
    notFound: (req, reply) =>
      table.knowsPath(req.url.split("?")[0] ?? "")
        ? sendToyError(reply, 405, "method", req.method)
        : sendToyError(reply, 404, "route", req.url),
  };
  const server = createEmulatorServer({ tls: opts.tls });
  new Pipeline<Api, Extra>({
    state,
    apis: [
      { api: "api", owns: (p) => p.startsWith("/api/"), renderer },
      { api: "token", owns: (p) => p === "/auth/token", renderer },
    ],
    fallback: renderer,
    newExtra: () => ({}),
    tenantOf: () => "toy",
    name: "toy",
  }).install(server.app);
  table.register((method, url, route) =>
    server.app.route({
      method,
      url,
      handler: async (req, reply) => {
        requestInfo(state, req).tenantId = "toy";
        const result = route.handle(req.params as Record<string, string>);
        return sendPlainJson(reply, result.status, result.body);
      },
    }),
  );
  registerTokenEndpoint(server.app, {
    url: "/auth/token",
    delayMs: () => 0,
    scope: () => "toy",
    grants: {
      client_credentials: clientCredentialsGrant({
        findClient: (id) => (id === "toy-client" ? { secret: "toy-secret" } : undefined),
        mint: () => ({ accessToken: "toy-token", expiresIn: 3600 }),
      }),
    },
    ...rfc6749,
  });
  registerAdminRoutes(server.app, admin, { apis: ["api", "token"], vendorRoutes: () => undefined });
  const url = await listen(server, { port: opts.port ?? 0 });
  return { url, admin, state, cert: server.tls?.cert, close: () => server.app.close() };
}

/** The one line a launcher needs for it. */
export const toyDefinition: EmulatorDefinition = {
  name: "toy",
  defaultPort: 0,
  async start(opts) {
    const toy = await startToy({ port: opts.port, ...(opts.tls ? { tls: opts.tls } : {}) });
    return { url: toy.url, cert: toy.cert, notes: ["a made-up PSA"], close: toy.close };
  },
};

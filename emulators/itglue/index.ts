import type { FastifyReply } from "fastify";
import { registerAdminRoutes } from "../kit/admin.ts";
import { startEmulator, type EmulatorOptions, type StartedEmulator } from "../kit/emulator.ts";
import { header, Pipeline } from "../kit/pipeline.ts";
import { badJsonCode, createEmulatorServer, type EmulatorServer, type TlsOption } from "../kit/server.ts";
import { ItglueAdmin } from "./admin.ts";
import { registerItglueAdminRoutes } from "./admin-routes.ts";
import { apiRenderer } from "./errors.ts";
import { persistenceOf } from "./persistence.ts";
import { itglueTable, registerApiRoutes } from "./routes.ts";
import { itglueDemo, seedItglueDemo } from "./seed-acme.ts";
import { apiNames, createContext, type Api, type CallExtra, type ItglueContext } from "./state.ts";

/**
 * A stateful IT Glue emulator: one account's JSON:API (organisations, contact types, contacts, passwords)
 * with `x-api-key` auth, page[number]/page[size] paging, the 3,000-per-5-minutes budget (429), JSON:API
 * error bodies and the PSA-synced 422, on the kit: faults, latency profiles, the call log and /_admin.
 * See README.md.
 */

/** "demo" seeds the demo MSP (Acme Corp with Tom Williams and his password; Globex GmbH). */
export type ItglueEmulatorOptions = EmulatorOptions<ItglueAdmin, "demo">;

/** `url` is the API host, as https://api.itglue.com is. */
export type ItglueEmulator = StartedEmulator<ItglueAdmin>;

export async function startItglueEmulator(opts: ItglueEmulatorOptions = {}): Promise<ItglueEmulator> {
  const ctx = createContext(opts.profile ?? "fast");
  const admin = new ItglueAdmin(ctx);
  return startEmulator(opts, {
    admin,
    seeds: { demo: seedItglueDemo },
    persistence: persistenceOf(ctx),
    serve: (onMutation) => buildApp(ctx, admin, { tls: opts.tls, onMutation }),
  });
}

function buildApp(
  ctx: ItglueContext,
  admin: ItglueAdmin,
  opts: { tls: TlsOption | undefined; onMutation: (() => void) | undefined },
): EmulatorServer {
  const server = createEmulatorServer({ tls: opts.tls });
  // JSON:API's media type is JSON: parsed as the kit parses application/json.
  server.app.addContentTypeParser("application/vnd.api+json", { parseAs: "string" }, (_req, body, done) => {
    const text = String(body);
    if (!text.trim()) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(
        error instanceof Error ? Object.assign(error, { statusCode: 400, code: badJsonCode }) : null,
        undefined,
      );
    }
  });
  const api = apiRenderer(itglueTable);
  new Pipeline<Api, CallExtra>({
    state: ctx,
    apis: [
      {
        api: "api",
        owns: (p) => !p.startsWith("/_admin"),
        renderer: api,
        // Rails' request id, on every answer: what IT Glue's support would ask for.
        decorate: (reply: FastifyReply, info) => void reply.header("x-request-id", info.requestId),
      },
    ],
    fallback: api,
    newExtra: () => ({
      requestBody: undefined,
      responseBody: undefined,
      contentType: undefined,
      retryAfter: undefined,
    }),
    tenantOf: (req) => {
      const key = header(req, "x-api-key");
      return key ? ctx.data.keys.get(key)?.name : undefined;
    },
    ...(opts.onMutation ? { onMutation: opts.onMutation } : {}),
    name: "itglue",
  }).install(server.app);
  registerApiRoutes(server.app, ctx);
  registerAdminRoutes(server.app, admin, {
    apis: apiNames,
    vendorRoutes: (route) => registerItglueAdminRoutes(route, admin),
  });
  return server;
}

export { ItglueAdmin, itglueDemo, seedItglueDemo };
export type { CallRecord } from "./state.ts";
export type { Settings, ProfileName } from "./settings.ts";

import type { FastifyRequest } from "fastify";
import { registerAdminRoutes } from "../kit/admin.ts";
import { header, Pipeline, type ApiSurface } from "../kit/pipeline.ts";
import { RouteTable } from "../kit/routes.ts";
import { createEmulatorServer, type EmulatorServer, type TlsOption } from "../kit/server.ts";
import type { Microsoft365Admin } from "./admin.ts";
import { registerVendorAdminRoutes } from "./admin-routes.ts";
import { apiNames, type Api, type CallExtra, type EmulatorContext } from "./context.ts";
import { registerExchange } from "./exchange/invoke.ts";
import { registerBatch } from "./graph/batch.ts";
import { graphRoutes } from "./graph/index.ts";
import { graphHeaders } from "./http.ts";
import { decodeJwt } from "./jwt.ts";
import { registerGraphRoutes } from "./pipeline.ts";
import { renderers } from "./renderers.ts";
import { registerTokenRoutes } from "./tokens.ts";

/** The one server: token endpoint, Graph, the Exchange admin API and /_admin, on the kit. */

export interface AppOptions {
  /** Serve HTTPS, which MSAL and Microsoft's Graph SDK need; "generate" makes a certificate at start. */
  tls?: TlsOption | undefined;
  /** After any request that may have changed state, e.g. to schedule a snapshot. */
  onMutation?: () => void;
}

const tokenPath = /^\/[^/]+\/(oauth2\/|v2\.0\/\.well-known|discovery\/)/;

export function buildApp(
  ctx: EmulatorContext,
  admin: Microsoft365Admin,
  opts: AppOptions = {},
): EmulatorServer {
  // Graph matches path segments without regard to case (/users/{id}/memberof works).
  const server = createEmulatorServer({ tls: opts.tls, caseSensitive: false });
  const { app } = server;
  const graphTable = new RouteTable("/v1.0", graphRoutes, ["/$batch"], false);
  const render = renderers(ctx, graphTable);
  const apis: ApiSurface<Api, CallExtra>[] = [
    {
      api: "graph",
      owns: (path) => path.startsWith("/v1.0/") || path === "/v1.0",
      renderer: render.graph,
      decorate: graphHeaders,
    },
    {
      api: "exchange",
      owns: (path) => path.startsWith("/adminapi/"),
      renderer: render.exchange,
      decorate: graphHeaders,
    },
    {
      api: "token",
      owns: (path) => tokenPath.test(path) || path.startsWith("/common/discovery"),
      renderer: render.token,
    },
  ];
  new Pipeline<Api, CallExtra>({
    state: ctx,
    apis,
    fallback: render.other,
    newExtra: () => ({ cmdlet: undefined }),
    tenantOf: (req) => tenantHint(ctx, req),
    ...(opts.onMutation ? { onMutation: opts.onMutation } : {}),
    name: "microsoft365",
  }).install(app);

  registerTokenRoutes(app, ctx);
  registerGraphRoutes(app, ctx, graphTable);
  registerBatch(app, ctx);
  registerExchange(app, ctx);
  registerAdminRoutes(app, admin, {
    apis: apiNames,
    vendorRoutes: (route) => registerVendorAdminRoutes(route, admin),
  });
  return server;
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

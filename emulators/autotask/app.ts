import type { FastifyReply, FastifyRequest } from "fastify";
import { registerAdminRoutes } from "../kit/admin.ts";
import { sleep } from "../kit/clock.ts";
import {
  header,
  originOf,
  Pipeline,
  queryOf,
  requestInfo,
  sendPlainJson,
  type ErrorRenderer,
  type RequestInfo,
  takeLatency,
} from "../kit/pipeline.ts";
import { RouteTable, type TableRoute } from "../kit/routes.ts";
import { createEmulatorServer, type EmulatorServer, type TlsOption } from "../kit/server.ts";
import { registerAutotaskAdminRoutes, type AutotaskAdmin } from "./admin.ts";
import { spendThreshold, thresholdUsed, type Api, type AutotaskContext, type Extra } from "./context.ts";
import { createContact, createNote, createTicket, patchContact, patchTicket, Refusal } from "./entities.ts";
import { entityFields, fieldInformation } from "./fields.ts";
import { rowsOf, wire, type EntityName } from "./model.ts";
import { compile, QueryError, readQuery, type QueryModel } from "./query.ts";
import type { LatencyClass } from "./settings.ts";

type Info = RequestInfo<Api, Extra>;

export const restPrefix = "/ATServicesRest";

interface Answer {
  status: number;
  body: unknown;
}

interface AutotaskRoute extends TableRoute {
  latency: LatencyClass;
  /** The object endpoint the thread limit counts (undefined: exempt, as ZoneInformation is). */
  endpoint?: string;
  /** Unauthenticated (zone discovery). */
  open?: boolean;
  handle(ctx: AutotaskContext, req: FastifyRequest, params: Record<string, string>): Answer;
}

/** Autotask's envelope for every refusal it explains: `{"errors": ["…"]}`. */
export function sendErrors(reply: FastifyReply, status: number, errors: string[]): FastifyReply {
  return sendPlainJson(reply, status, { errors });
}

const ok = (body: unknown): Answer => ({ status: 200, body });

function queryRoute(entity: EntityName, method: "GET" | "POST"): AutotaskRoute {
  return {
    method,
    path: `/V1.0/${entity}/query`,
    latency: "read",
    endpoint: entity,
    handle: (ctx, req) => {
      let input: unknown = req.body;
      if (method === "GET") {
        const search = queryOf(req).search;
        if (search === undefined) throw new Refusal(500, ["The 'search' parameter is required."]);
        try {
          input = JSON.parse(search);
        } catch {
          throw new Refusal(500, ["The 'search' parameter is not valid JSON."]);
        }
      }
      return ok(runQuery(ctx, entity, readQuery(input), originOf(req)));
    },
  };
}

/**
 * One page: items in id order, at most MaxRecords, and a nextPageUrl that repeats the query with the
 * last id seen (its form is the emulator's own; clients follow it as given, as Autotask asks).
 */
function runQuery(ctx: AutotaskContext, entity: EntityName, q: QueryModel, origin: string): unknown {
  const rows = rowsOf(ctx.db, entity);
  const fields = Object.keys(wire(rows[0] ?? fieldsOf(entity)));
  const match = compile(q.filter, fields);
  const size = q.maxRecords ?? ctx.settings.defaultMaxRecords;
  const matching = rows.filter(match).sort((a, b) => Number(a.id) - Number(b.id));
  const items = matching.slice(0, size);
  const last = items.at(-1);
  const nextPageUrl =
    matching.length > size && last
      ? `${origin}${restPrefix}/V1.0/${entity}/query?search=${encodeURIComponent(
          JSON.stringify({
            filter: [
              { op: "and", items: q.filter },
              { op: "gt", field: "id", value: last.id },
            ],
            maxRecords: size,
            ...(q.includeFields ? { includeFields: q.includeFields } : {}),
          }),
        )}`
      : null;
  const include = q.includeFields?.map((f) => f.toLowerCase());
  return {
    items: items.map((row) => {
      const all = wire(row);
      return include
        ? Object.fromEntries(
            Object.entries(all).filter(([k]) => k === "id" || include.includes(k.toLowerCase())),
          )
        : all;
    }),
    pageDetails: { count: items.length, requestCount: size, prevPageUrl: null, nextPageUrl },
  };
}

// The fields of an empty entity, so a filter on an empty database is still checked against them.
const fieldsOf = (entity: EntityName): Record<string, null> =>
  Object.fromEntries(entityFields[entity].map((f) => [f.name, null]));

function fieldsRoute(entity: EntityName): AutotaskRoute {
  return {
    method: "GET",
    path: `/V1.0/${entity}/entityInformation/fields`,
    latency: "read",
    endpoint: entity,
    handle: (ctx) => ok(fieldInformation(ctx.db, entity)),
  };
}

const numericParam = (value: string | undefined, what: string): number => {
  if (!value || !/^\d+$/.test(value)) throw new Refusal(500, [`The ${what} must be an integer.`]);
  return Number(value);
};

export const routes: AutotaskRoute[] = [
  {
    method: "GET",
    path: "/V1.0/ZoneInformation",
    latency: "zone",
    open: true,
    handle: (ctx, req) => {
      const user = queryOf(req).user;
      const known = ctx.db.apiUsers.some((u) => u.userName.toLowerCase() === user?.toLowerCase());
      if (!user || !known)
        throw new Refusal(500, ["Zone information could not be determined for this user."]);
      const origin = originOf(req);
      return ok({ zoneName: "Emulated Zone", url: `${origin}${restPrefix}/`, webUrl: `${origin}/`, ci: 0 });
    },
  },
  {
    method: "GET",
    path: "/V1.0/ThresholdInformation",
    latency: "read",
    handle: (ctx) =>
      ok({
        externalRequestThreshold: ctx.settings.hourlyThreshold,
        requestThresholdTimeframe: 60,
        currentTimeframeRequestCount: thresholdUsed(ctx),
      }),
  },
  queryRoute("Contacts", "GET"),
  queryRoute("Contacts", "POST"),
  queryRoute("Tickets", "GET"),
  queryRoute("Tickets", "POST"),
  queryRoute("TicketNotes", "GET"),
  queryRoute("TicketNotes", "POST"),
  fieldsRoute("Contacts"),
  fieldsRoute("Tickets"),
  fieldsRoute("TicketNotes"),
  {
    method: "POST",
    path: "/V1.0/Companies/{parentId}/Contacts",
    latency: "write",
    endpoint: "Contacts",
    handle: (ctx, req, p) =>
      ok({ itemId: createContact(ctx, numericParam(p.parentId, "parentId"), req.body) }),
  },
  {
    method: "PATCH",
    path: "/V1.0/Companies/{parentId}/Contacts",
    latency: "write",
    endpoint: "Contacts",
    handle: (ctx, req, p) =>
      ok({ itemId: patchContact(ctx, numericParam(p.parentId, "parentId"), req.body) }),
  },
  {
    method: "POST",
    path: "/V1.0/Tickets",
    latency: "write",
    endpoint: "Tickets",
    handle: (ctx, req) => ok({ itemId: createTicket(ctx, req.body) }),
  },
  {
    method: "PATCH",
    path: "/V1.0/Tickets",
    latency: "write",
    endpoint: "Tickets",
    handle: (ctx, req) => ok({ itemId: patchTicket(ctx, req.body) }),
  },
  {
    method: "POST",
    path: "/V1.0/Tickets/{parentId}/Notes",
    latency: "write",
    endpoint: "TicketNotes",
    handle: (ctx, req, p) => ok({ itemId: createNote(ctx, numericParam(p.parentId, "parentId"), req.body) }),
  },
];

/** The headers as the call log keeps them: the secret's presence, never its value. */
function loggedHeaders(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [
    "ApiIntegrationCode",
    "UserName",
    "Secret",
    "ImpersonationResourceId",
    "content-type",
  ]) {
    const v = header(req, name);
    if (v !== undefined) out[name] = name === "Secret" ? "[redacted]" : v;
  }
  return out;
}

/** Around every route: the headers checked, the thread limit, the hourly threshold and its latency. */
async function serve(
  ctx: AutotaskContext,
  route: AutotaskRoute,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const info = requestInfo(ctx, req);
  const code = header(req, "ApiIntegrationCode");
  info.extra.integrationCode = code;
  info.extra.requestBody = req.body;
  info.extra.requestHeaders = loggedHeaders(req);
  info.tenantId = "database";
  if (!route.open) {
    const user = ctx.db.apiUsers.find(
      (u) =>
        u.userName.toLowerCase() === header(req, "UserName")?.toLowerCase() &&
        u.secret === header(req, "Secret"),
    );
    if (!user || user.integrationCode !== code)
      return sendErrors(reply, 401, [
        "Authentication failed: the user name, secret or integration code is not valid.",
      ]);
    info.appId = user.userName;
    const threshold = spendThreshold(ctx);
    if (!threshold.ok)
      return sendErrors(reply, ctx.settings.suspendedStatus, [ctx.settings.suspendedMessage]);
    if (threshold.used > ctx.settings.hourlyThreshold / 2) {
      const { min, max } = ctx.settings.thresholdLatencyMs;
      await sleep(min + ctx.random() * Math.max(0, max - min));
    }
  }
  const key =
    route.endpoint && ctx.settings.threadLimit > 0 ? `${code}|${route.endpoint.toLowerCase()}` : undefined;
  if (key) {
    const running = ctx.inFlight.get(key) ?? 0;
    if (running >= ctx.settings.threadLimit)
      return sendErrors(reply, ctx.settings.threadLimitStatus, [ctx.settings.threadLimitMessage]);
    ctx.inFlight.set(key, running + 1);
  }
  try {
    // Writes and reads take their time while holding their thread, as the vendor's do.
    await takeLatency(info, ctx.settings.latency, route.latency, ctx.random);
    const answer = route.handle(ctx, req, req.params as Record<string, string>);
    return sendPlainJson(reply, answer.status, answer.body);
  } catch (error) {
    if (error instanceof Refusal) return sendErrors(reply, error.status, error.errors);
    if (error instanceof QueryError) return sendErrors(reply, 500, [error.message]);
    throw error;
  } finally {
    if (key) ctx.inFlight.set(key, (ctx.inFlight.get(key) ?? 1) - 1);
  }
}

const table = new RouteTable<AutotaskRoute>(restPrefix, routes, [], false);

/** ASP.NET Web API's own answers for a path or method it has no route for. */
const renderer: ErrorRenderer<Info> = {
  fault: (reply, rule) => {
    if (rule.retryAfterSeconds !== undefined) reply.header("retry-after", String(rule.retryAfterSeconds));
    if (rule.status === 429) return sendErrors(reply, 429, ["Thread limit exceeded (injected)."]);
    if (rule.status === 500) return sendErrors(reply, 500, ["An unexpected error has occurred (injected)."]);
    if (rule.status === 401) return sendErrors(reply, 401, ["Authentication failed (injected)."]);
    // A gateway or IIS in front of the API: no JSON envelope.
    return reply
      .code(rule.status)
      .header("content-type", "text/html")
      .send("<html><body><h1>Service Unavailable</h1></body></html>");
  },
  framework: (reply, error) =>
    sendErrors(reply, 500, [`The request body could not be read: ${error.message}`]),
  notFound: (req, reply) => {
    const path = req.url.split("?")[0] ?? "";
    return table.knowsPath(path)
      ? sendPlainJson(reply, 405, {
          message: `The requested resource does not support http method '${req.method}'.`,
        })
      : sendPlainJson(reply, 404, {
          message: `No HTTP resource was found that matches the request URI '${originOf(req)}${req.url}'.`,
        });
  },
};

export function buildApp(
  ctx: AutotaskContext,
  admin: AutotaskAdmin,
  opts: { tls?: TlsOption | undefined; onMutation?: () => void },
): EmulatorServer {
  const server = createEmulatorServer({ tls: opts.tls, caseSensitive: false });
  const lower = restPrefix.toLowerCase();
  new Pipeline<Api, Extra>({
    state: ctx,
    apis: [
      { api: "zone", owns: (p) => p.toLowerCase() === `${lower}/v1.0/zoneinformation`, renderer },
      { api: "rest", owns: (p) => p.toLowerCase().startsWith(`${lower}/`), renderer },
    ],
    fallback: renderer,
    newExtra: () => ({
      integrationCode: undefined,
      requestBody: undefined,
      requestHeaders: {},
      responseBody: undefined,
    }),
    tenantOf: () => "database",
    ...(opts.onMutation ? { onMutation: opts.onMutation } : {}),
    name: "autotask",
  }).install(server.app);
  server.app.addHook("onSend", async (req, _reply, payload) => {
    const info = ctx.requests.get(req);
    if (info && info.api !== "admin" && typeof payload === "string") {
      try {
        info.extra.responseBody = JSON.parse(payload);
      } catch {
        info.extra.responseBody = payload;
      }
    }
    return payload;
  });
  table.register((method, url, route) =>
    server.app.route({ method, url, handler: (req, reply) => serve(ctx, route, req, reply) }),
  );
  registerAdminRoutes(server.app, admin, {
    apis: ["zone", "rest"],
    vendorRoutes: (route) => registerAutotaskAdminRoutes(route, admin),
  });
  return server;
}

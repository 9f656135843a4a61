import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { header, queryOf, requestInfo, sendPlainJson, takeLatency } from "../kit/pipeline.ts";
import { RouteTable, type TableRoute } from "../kit/routes.ts";
import { NinjaHttpError, ours, sendNinjaError, wholeSeconds } from "./errors.ts";
import { parseDeviceFilter } from "./filter.ts";
import type { LatencyClass } from "./settings.ts";
import type { DeviceRec, EndUserRec, Grant, NinjaContext, RequestInfo, Scope } from "./state.ts";
import { deviceView, endUserView, userView } from "./views.ts";

interface Call {
  ctx: NinjaContext;
  query: Record<string, string | undefined>;
  params: Record<string, string>;
  body: unknown;
  info: RequestInfo;
}

/** A route's answer: JSON, or nothing (204). */
const noContent = Symbol("no content");

export interface NinjaRoute extends TableRoute {
  latency: LatencyClass;
  /** What the token must carry: reads need monitoring, changes management (the spec's per-operation security). */
  scope: Scope;
  /** The query parameters the route reads (the contract test finds each in the spec). */
  query?: readonly string[];
  handle(call: Call): unknown;
}

function intOf(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v === "") return undefined;
  if (!/^-?\d{1,10}$/.test(v) || Math.abs(Number(v)) > 2_147_483_647)
    throw ours.badRequest(`Invalid value '${v}' for parameter '${name}'`);
  return Number(v);
}

function idParam(call: Call, name = "id"): number {
  const id = intOf(call.params[name], name);
  if (id === undefined) throw ours.badRequest(`Missing parameter '${name}'`);
  return id;
}

const boolOf = (v: string | undefined) => v !== undefined && v.toLowerCase() === "true";

/** Cursor paging: ids in ascending order after `after`, at most `pageSize` (capped by maxPageSize). */
function page<T extends { id: number }>(ctx: NinjaContext, query: Call["query"], items: T[]): T[] {
  const size = Math.min(
    intOf(query.pageSize, "pageSize") ?? ctx.settings.maxPageSize,
    ctx.settings.maxPageSize,
  );
  if (size < 1) throw ours.badRequest("pageSize must be positive");
  const after = intOf(query.after, "after");
  return items
    .filter((i) => after === undefined || i.id > after)
    .sort((a, b) => a.id - b.id)
    .slice(0, size);
}

function organization(ctx: NinjaContext, id: number) {
  const org = ctx.data.organizations.get(id);
  if (!org) throw ours.notFound("Organization", id);
  return org;
}

function device(ctx: NinjaContext, id: number): DeviceRec {
  const d = ctx.data.devices.get(id);
  if (!d) throw ours.notFound("Device", id);
  return d;
}

function endUser(ctx: NinjaContext, id: number): EndUserRec {
  const u = ctx.data.endUsers.get(id);
  if (!u) throw ours.notFound("User", id);
  return u;
}

/** CreateEndUserRequest, checked as the spec describes it (names 1–150 characters). */
function newEndUser(ctx: NinjaContext, body: unknown, invited: boolean): EndUserRec {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw ours.badRequest("The request body must be a JSON object");
  const b = body as Record<string, unknown>;
  const name = (field: "firstName" | "lastName") => {
    const v = b[field];
    if (typeof v !== "string" || v.trim().length < 1 || v.length > 150)
      throw ours.invalidField(field, "should be between 1 and 150 characters");
    return v;
  };
  const firstName = name("firstName");
  const lastName = name("lastName");
  const email = typeof b.email === "string" ? b.email.trim() : "";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw ours.invalidField("email", "must be an email address");
  if (typeof b.organizationId !== "number" || !Number.isInteger(b.organizationId))
    throw ours.invalidField("organizationId", "is required");
  if (!ctx.data.organizations.has(b.organizationId))
    throw ours.invalidField("organizationId", `organization ${b.organizationId} does not exist`);
  if (b.phone !== undefined && typeof b.phone !== "string") throw ours.invalidField("phone", "must be text");
  if (b.fullPortalAccess !== undefined && typeof b.fullPortalAccess !== "boolean")
    throw ours.invalidField("fullPortalAccess", "must be true or false");
  // A NinjaOne user signs in with their address: it is one user in the whole instance.
  const lower = email.toLowerCase();
  if ([...ctx.data.endUsers.values()].some((u) => u.email.toLowerCase() === lower))
    throw ours.emailTaken(email);
  const user: EndUserRec = {
    id: ctx.data.next.endUser++,
    uid: randomUUID(),
    organizationId: b.organizationId,
    firstName,
    lastName,
    email,
    phone: typeof b.phone === "string" ? b.phone : "",
    enabled: true,
    fullPortalAccess: b.fullPortalAccess === true,
    mustChangePw: false,
    invitationStatus: "PENDING",
    invited,
  };
  ctx.data.endUsers.set(user.id, user);
  return user;
}

/** The API surface the connector uses, with the spec's paths (under /v2). */
export const ninjaRoutes: NinjaRoute[] = [
  {
    method: "GET",
    path: "/organizations",
    query: ["pageSize", "after"],
    latency: "read",
    scope: "monitoring",
    handle: ({ ctx, query }) =>
      page(ctx, query, [...ctx.data.organizations.values()]).map((o) => ({
        id: o.id,
        name: o.name,
        description: o.description,
        nodeApprovalMode: "AUTOMATIC",
      })),
  },
  {
    method: "GET",
    path: "/organization/{id}",
    latency: "read",
    scope: "monitoring",
    handle(call) {
      const o = organization(call.ctx, idParam(call));
      return {
        id: o.id,
        name: o.name,
        description: o.description,
        nodeApprovalMode: "AUTOMATIC",
        userData: {},
        locations: [{ id: o.id * 10, name: "Main Office", address: "", description: "" }],
        policies: [],
      };
    },
  },
  {
    method: "GET",
    path: "/organization/{id}/end-users",
    query: ["includeRoles"],
    latency: "read",
    scope: "monitoring",
    handle(call) {
      const org = organization(call.ctx, idParam(call));
      const roles = boolOf(call.query.includeRoles);
      return [...call.ctx.data.endUsers.values()]
        .filter((u) => u.organizationId === org.id)
        .map((u) => userView(call.ctx, u, roles));
    },
  },
  {
    method: "GET",
    path: "/user/end-users",
    latency: "read",
    scope: "monitoring",
    handle: ({ ctx }) => [...ctx.data.endUsers.values()].map((u) => endUserView(ctx, u)),
  },
  {
    method: "POST",
    path: "/user/end-users",
    query: ["sendInvitation"],
    latency: "write",
    scope: "management",
    handle: ({ ctx, body, query }) => endUserView(ctx, newEndUser(ctx, body, boolOf(query.sendInvitation))),
  },
  {
    method: "GET",
    path: "/user/end-user/{id}",
    latency: "read",
    scope: "monitoring",
    handle: (call) => endUserView(call.ctx, endUser(call.ctx, idParam(call))),
  },
  {
    method: "DELETE",
    path: "/user/end-user/{id}",
    latency: "write",
    scope: "management",
    handle(call) {
      const u = endUser(call.ctx, idParam(call));
      call.ctx.data.endUsers.delete(u.id);
      // A device owned by someone who no longer exists has no owner (an assumption: not documented).
      for (const d of call.ctx.data.devices.values())
        if (d.assignedOwnerUid === u.uid) d.assignedOwnerUid = null;
      return noContent;
    },
  },
  {
    method: "GET",
    path: "/device/{id}",
    latency: "read",
    scope: "monitoring",
    handle: (call) => deviceView(device(call.ctx, idParam(call))),
  },
  {
    method: "GET",
    path: "/devices-detailed",
    query: ["df", "pageSize", "after"],
    latency: "read",
    scope: "monitoring",
    handle({ ctx, query }) {
      const filter = parseDeviceFilter(query.df);
      return page(ctx, query, [...ctx.data.devices.values()].filter(filter)).map(deviceView);
    },
  },
  {
    method: "GET",
    path: "/device/{id}/last-logged-on-user",
    latency: "read",
    scope: "monitoring",
    handle(call) {
      const d = device(call.ctx, idParam(call));
      return d.lastLoggedInUser ? { userName: d.lastLoggedInUser, logonTime: d.lastContact } : {};
    },
  },
  {
    method: "POST",
    path: "/device/{id}/owner/{ownerUid}",
    latency: "write",
    scope: "management",
    handle(call) {
      const d = device(call.ctx, idParam(call));
      const uid = call.params.ownerUid ?? "";
      const owner = [...call.ctx.data.endUsers.values()].find((u) => u.uid === uid);
      if (!owner) throw ours.notFound("User", uid);
      if (owner.organizationId !== d.organizationId)
        throw ours.invalidField("ownerUid", "the owner must belong to the device's organization");
      d.assignedOwnerUid = owner.uid;
      return noContent;
    },
  },
  {
    method: "DELETE",
    path: "/device/{id}/owner",
    latency: "write",
    scope: "management",
    handle(call) {
      device(call.ctx, idParam(call)).assignedOwnerUid = null;
      return noContent;
    },
  },
];

/**
 * The spec's paths start at /v2 on the instance; the reference also gives `https://{instance}/api/v2`
 * as the base, so both prefixes answer.
 */
export const ninjaTables = [
  new RouteTable<NinjaRoute>("/v2", ninjaRoutes),
  new RouteTable<NinjaRoute>("/api/v2", ninjaRoutes),
];

/** The grant a bearer token carries, or undefined when it is missing, unknown or expired. */
function grantOf(ctx: NinjaContext, req: FastifyRequest): Grant | undefined {
  const token = /^Bearer\s+(.+)$/i.exec(header(req, "authorization") ?? "")?.[1];
  const grant = token ? ctx.tokens.get(token) : undefined;
  if (!grant || grant.expiresAt <= ctx.clock.now() || !ctx.data.apps.has(grant.clientId)) return undefined;
  return grant;
}

export function registerApiRoutes(app: FastifyInstance, ctx: NinjaContext): void {
  for (const table of ninjaTables)
    table.register((method, url, route) =>
      app.route({
        method,
        url,
        handler: async (req: FastifyRequest, reply: FastifyReply) => {
          const info = requestInfo(ctx, req);
          if (req.method !== "GET" && req.body !== undefined) info.extra.requestBody = req.body;
          await takeLatency(info, ctx.settings.latency, route.latency, ctx.random);
          const grant = grantOf(ctx, req);
          if (!grant) return sendNinjaError(ctx, reply, info, ours.unauthorized());
          info.appId = grant.clientId;
          const { requests, windowMs } = ctx.settings.rateLimit;
          const spent = ctx.buckets.spend(
            grant.clientId,
            ctx.clock.now(),
            [{ key: "api", capacity: requests, windowMs, cost: 1, reason: "requests" }],
            "requests",
          );
          if (!spent.ok)
            return sendNinjaError(
              ctx,
              reply,
              info,
              ours.throttled(),
              ctx.settings.retryAfterOnThrottle ? wholeSeconds(spent.retryAfterMs) : undefined,
            );
          if (!grant.scopes.includes(route.scope))
            return sendNinjaError(ctx, reply, info, ours.insufficientScope(route.scope));
          try {
            const body = route.handle({
              ctx,
              query: queryOf(req),
              params: req.params as Record<string, string>,
              body: req.body,
              info,
            });
            if (body === noContent) return reply.code(204).send();
            info.extra.responseBody = body;
            return sendPlainJson(reply, 200, body);
          } catch (error) {
            if (!(error instanceof NinjaHttpError)) throw error;
            return sendNinjaError(ctx, reply, info, error);
          }
        },
      }),
    );
}

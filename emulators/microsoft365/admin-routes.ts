import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AdminError, type Microsoft365Admin } from "./admin.ts";
import type { CallQuery } from "./calls.ts";
import { isObject } from "./json.ts";
import { seedAcme } from "./seed-acme.ts";
import type {
  AutopilotDeviceSeed,
  FaultSeed,
  GroupSeed,
  MailboxSeed,
  ManagedDeviceSeed,
  MobileDeviceSeed,
  RefreshTokenInput,
  SkuSeed,
  StormInput,
  TenantSeed,
  UserSeed,
} from "./seed-schemas.ts";

/**
 * /_admin: the in-process admin over HTTP, no authentication, JSON in and out. Bodies are
 * validated by the admin's own schemas (the casts below only name the shape the admin checks);
 * errors answer { error: { code, message } }.
 */

type Handler = (req: FastifyRequest, params: Record<string, string>) => unknown;

function body(req: FastifyRequest): Record<string, unknown> {
  return isObject(req.body) ? req.body : {};
}

export function registerAdminRoutes(app: FastifyInstance, admin: Microsoft365Admin): void {
  const routeList: { method: string; url: string; what: string }[] = [];
  const route = (
    method: "GET" | "POST" | "PUT" | "DELETE",
    url: string,
    what: string,
    handler: Handler,
    status = 200,
  ): void => {
    if (!routeList.some((r) => r.method === method && r.url === url)) routeList.push({ method, url, what });
    app.route({
      method,
      url,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        try {
          const result = await handler(req, req.params as Record<string, string>);
          if (result === undefined) return reply.code(204).send();
          return reply
            .code(status)
            .header("content-type", "application/json; charset=utf-8")
            .send(JSON.stringify(result));
        } catch (error) {
          if (!(error instanceof AdminError)) throw error;
          return reply
            .code(error.status)
            .header("content-type", "application/json; charset=utf-8")
            .send(
              JSON.stringify({
                error: { code: error.status === 404 ? "NotFound" : "BadRequest", message: error.message },
              }),
            );
        }
      },
    });
  };
  const t = "/_admin/tenants/:tenant";

  route("GET", "/_admin", "this list", () => ({ routes: routeList }));
  route("POST", "/_admin/reset", "forget every tenant, fault, storm and call", () => admin.reset());
  route("GET", "/_admin/settings", "profile, latencies and delays", () => admin.settings());
  route("PUT", "/_admin/settings", "change profile, latencies, replication lag, delays", (req) =>
    admin.configure(body(req)),
  );
  route("POST", "/_admin/clock/advance", "{ ms }: move emulator time forward", (req) => ({
    now: admin.advanceClock(Number(body(req).ms)),
  }));
  route("POST", "/_admin/seed/acme", "seed the Acme demo tenant", () => seedAcme(admin));
  route(
    "POST",
    "/_admin/refreshTokens",
    "{ clientId, userPrincipalName, expired? }",
    (req) => ({ refreshToken: admin.issueRefreshToken(body(req) as RefreshTokenInput) }),
    201,
  );

  route("GET", "/_admin/tenants", "tenants", () => admin.tenants());
  route(
    "POST",
    "/_admin/tenants",
    "create a tenant with apps",
    (req) => admin.createTenant(body(req) as TenantSeed),
    201,
  );
  route("GET", t, "one tenant", (_req, p) => admin.tenant(p.tenant ?? ""));
  route(
    "POST",
    `${t}/apps`,
    "add or replace an app registration",
    (req, p) => admin.addApp(p.tenant ?? "", body(req)),
    201,
  );

  route("GET", `${t}/users`, "users with licences, groups, mailbox", (_req, p) =>
    admin.users(p.tenant ?? ""),
  );
  route(
    "POST",
    `${t}/users`,
    "create a user",
    (req, p) => admin.createUser(p.tenant ?? "", body(req) as UserSeed),
    201,
  );
  route("GET", `${t}/users/:user`, "one user", (_req, p) => admin.user(p.tenant ?? "", p.user ?? ""));

  route("GET", `${t}/groups`, "groups with members", (_req, p) => admin.groups(p.tenant ?? ""));
  route(
    "POST",
    `${t}/groups`,
    "create a group",
    (req, p) => admin.createGroup(p.tenant ?? "", body(req) as GroupSeed),
    201,
  );
  route("GET", `${t}/groups/:group`, "one group", (_req, p) => admin.group(p.tenant ?? "", p.group ?? ""));
  route("POST", `${t}/groups/:group/members`, "{ member }", (req, p) =>
    admin.addGroupMember(p.tenant ?? "", p.group ?? "", String(body(req).member ?? "")),
  );
  route("DELETE", `${t}/groups/:group/members/:member`, "remove a member", (_req, p) =>
    admin.removeGroupMember(p.tenant ?? "", p.group ?? "", p.member ?? ""),
  );

  route("GET", `${t}/skus`, "SKUs with consumed units", (_req, p) => admin.skus(p.tenant ?? ""));
  route(
    "POST",
    `${t}/skus`,
    "create a SKU with seats",
    (req, p) => admin.createSku(p.tenant ?? "", body(req) as SkuSeed),
    201,
  );
  route("PUT", `${t}/skus/:sku/seats`, "{ seats }", (req, p) =>
    admin.setSeats(p.tenant ?? "", p.sku ?? "", Number(body(req).seats)),
  );

  route("GET", `${t}/mailboxes`, "mailboxes and their settings", (_req, p) =>
    admin.mailboxes(p.tenant ?? ""),
  );
  route(
    "POST",
    `${t}/mailboxes`,
    "create a mailbox for a user",
    (req, p) => admin.createMailbox(p.tenant ?? "", body(req) as MailboxSeed),
    201,
  );
  route("GET", `${t}/mailboxes/:user`, "one mailbox", (_req, p) =>
    admin.mailbox(p.tenant ?? "", p.user ?? ""),
  );
  route(
    "POST",
    `${t}/mobileDevices`,
    "create an ActiveSync partnership",
    (req, p) => admin.createMobileDevice(p.tenant ?? "", body(req) as MobileDeviceSeed),
    201,
  );
  route("GET", `${t}/sentMail`, "messages sent with sendMail", (_req, p) => admin.sentMail(p.tenant ?? ""));

  route("GET", `${t}/managedDevices`, "Intune devices", (_req, p) => admin.managedDevices(p.tenant ?? ""));
  route(
    "POST",
    `${t}/managedDevices`,
    "create an Intune device",
    (req, p) => admin.createManagedDevice(p.tenant ?? "", body(req) as ManagedDeviceSeed),
    201,
  );
  route("GET", `${t}/autopilotDevices`, "Autopilot devices", (_req, p) =>
    admin.autopilotDevices(p.tenant ?? ""),
  );
  route(
    "POST",
    `${t}/autopilotDevices`,
    "create an Autopilot device",
    (req, p) => admin.createAutopilotDevice(p.tenant ?? "", body(req) as AutopilotDeviceSeed),
    201,
  );

  route("GET", `${t}/throttling`, "the tenant's budget", (_req, p) => admin.throttleBudget(p.tenant ?? ""));
  route("PUT", `${t}/throttling`, "set the tenant's budget", (req, p) =>
    admin.setThrottleBudget(p.tenant ?? "", body(req)),
  );
  route("POST", `${t}/throttling/exhaust`, "empty the tenant's buckets", (_req, p) =>
    admin.exhaustThrottleBudget(p.tenant ?? ""),
  );
  route("POST", `${t}/throttling/storm`, "{ durationMs, retryAfterSeconds? }: 429 everything", (req, p) =>
    admin.startThrottleStorm(p.tenant ?? "", body(req) as StormInput),
  );
  route("DELETE", `${t}/throttling/storm`, "end a storm", (_req, p) =>
    admin.stopThrottleStorm(p.tenant ?? ""),
  );

  route("GET", "/_admin/faults", "pending faults", () => admin.faults());
  route("POST", "/_admin/faults", "inject a fault", (req) => admin.injectFault(body(req) as FaultSeed), 201);
  route("DELETE", "/_admin/faults", "clear faults", () => admin.clearFaults());
  route("DELETE", "/_admin/faults/:id", "remove one fault", (_req, p) => {
    if (!admin.removeFault(p.id ?? "")) throw new AdminError(404, `no fault ${p.id}`);
  });

  route("GET", "/_admin/calls", "call log (?tenant=&api=&limit=)", (req) => admin.calls(callQuery(req)));
  route("GET", "/_admin/calls/counts", "calls per endpoint", () => admin.callCounts());
  route("DELETE", "/_admin/calls", "clear the call log", () => admin.clearCalls());
}

function callQuery(req: FastifyRequest): CallQuery {
  const q = isObject(req.query) ? req.query : {};
  const out: CallQuery = {};
  if (typeof q.tenant === "string") out.tenantId = q.tenant;
  if (q.api === "graph" || q.api === "exchange" || q.api === "token" || q.api === "other") out.api = q.api;
  if (typeof q.limit === "string" && /^\d+$/.test(q.limit)) out.limit = Number(q.limit);
  return out;
}

import { adminBody, type AdminRoute } from "../kit/admin.ts";
import type { Microsoft365Admin } from "./admin.ts";
import type { GroupLicenseError } from "./model.ts";
import { seedAcme } from "./seed-acme.ts";
import type {
  AutopilotDeviceSeed,
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
 * This emulator's own /_admin routes, beside the kit's (faults, clock, calls, settings, reset). Bodies
 * are validated by the admin's own schemas (the casts below only name the shape the admin checks).
 */

export function registerVendorAdminRoutes(route: AdminRoute, admin: Microsoft365Admin): void {
  const t = "/_admin/tenants/:tenant";
  const body = adminBody;

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

  route(
    "PUT",
    `${t}/users/:user/group-licenses/:group/error`,
    "{ error }: a group licence in error",
    (req, p) =>
      admin.failGroupLicense(
        p.tenant ?? "",
        p.user ?? "",
        p.group ?? "",
        body(req).error as GroupLicenseError,
      ),
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
}

import { adminBody, adminId, type AdminRoute } from "../kit/admin.ts";
import type {
  AppSeed,
  DeviceSeed,
  EndUserSeed,
  NinjaOneAdmin,
  OrganizationSeed,
  StormInput,
} from "./admin.ts";
import { seedNinjaDemo } from "./seed-demo.ts";

/** This emulator's own /_admin routes, beside the kit's (faults, clock, calls, settings, reset). */
export function registerNinjaAdminRoutes(route: AdminRoute, admin: NinjaOneAdmin): void {
  const body = adminBody;
  const org = (req: { query: unknown }) => {
    const v = (req.query as Record<string, string | undefined>).organization;
    return v ? adminId(v) : undefined;
  };
  route("POST", "/_admin/seed/demo", "seed the demo MSP (Acme Corp, Initech)", () => seedNinjaDemo(admin));
  route(
    "POST",
    "/_admin/apps",
    "{ clientId, secret, name?, scopes? }",
    (req) => admin.addApp(body(req) as AppSeed),
    201,
  );
  route("POST", "/_admin/tokens/revoke", "revoke every issued token", () => admin.revokeTokens());
  route(
    "POST",
    "/_admin/organizations",
    "{ id?, name, description? }",
    (req) => admin.createOrganization(body(req) as OrganizationSeed),
    201,
  );
  route("GET", "/_admin/end-users", "end users (?organization=)", (req) => admin.endUsers(org(req)));
  route("GET", "/_admin/end-users/:id", "one end user", (_req, p) => admin.endUser(adminId(p.id)));
  route(
    "POST",
    "/_admin/end-users",
    "{ id?, uid?, organization, firstName, lastName, email, … }",
    (req) => admin.createEndUser(body(req) as EndUserSeed),
    201,
  );
  route("GET", "/_admin/devices", "devices (?organization=)", (req) => admin.devices(org(req)));
  route("GET", "/_admin/devices/:id", "one device", (_req, p) => admin.device(adminId(p.id)));
  route(
    "POST",
    "/_admin/devices",
    "{ id?, organization, displayName, serialNumber, owner?, lastLoggedInUser?, … }",
    (req) => admin.createDevice(body(req) as DeviceSeed),
    201,
  );
  route("POST", "/_admin/apps/:app/throttling/exhaust", "empty the app's request budget", (_req, p) =>
    admin.exhaustRateLimit(p.app ?? ""),
  );
  route(
    "POST",
    "/_admin/apps/:app/throttling/storm",
    "{ durationMs, retryAfterSeconds? }: 429 everything",
    (req, p) => admin.startThrottleStorm(p.app ?? "", body(req) as StormInput),
  );
  route("DELETE", "/_admin/apps/:app/throttling/storm", "end the storm", (_req, p) =>
    admin.stopThrottleStorm(p.app ?? ""),
  );
}

import { adminBody, type AdminRoute } from "../kit/admin.ts";
import type { ApiKeySeed, DattoRmmAdmin, DeviceSeed, FilterSeed, SiteSeed } from "./admin.ts";
import { seedDattoDemo } from "./seed-globex.ts";

/** This emulator's own /_admin routes, beside the kit's (faults, clock, calls, settings, reset). */
export function registerDattoAdminRoutes(route: AdminRoute, admin: DattoRmmAdmin): void {
  const body = adminBody;
  route("POST", "/_admin/seed/demo", "seed the demo MSP (Globex GmbH, Initech LLC)", () =>
    seedDattoDemo(admin),
  );
  route(
    "POST",
    "/_admin/api-keys",
    "{ apiKey, apiSecret, username?, sites? }: an API user's keys",
    (req) => admin.addApiKey(body(req) as ApiKeySeed),
    201,
  );
  route("POST", "/_admin/tokens/revoke", "revoke every issued token", () => admin.revokeTokens());
  route("POST", "/_admin/sites", "{ uid?, name, … }", (req) => admin.createSite(body(req) as SiteSeed), 201);
  route("GET", "/_admin/sites/:uid", "one site", (_req, p) => admin.site(p.uid ?? ""));
  route("GET", "/_admin/devices", "devices (?site=)", (req) =>
    admin.devices((req.query as Record<string, string | undefined>).site),
  );
  route(
    "POST",
    "/_admin/devices",
    "{ uid?, site, hostname, lastLoggedInUser?, udf?, serialNumber?, … }",
    (req) => admin.createDevice(body(req) as DeviceSeed),
    201,
  );
  route("GET", "/_admin/devices/:uid", "one device", (_req, p) => admin.device(p.uid ?? ""));
  route("DELETE", "/_admin/devices/:uid", "delete a device", (_req, p) => admin.removeDevice(p.uid ?? ""));
  route(
    "POST",
    "/_admin/filters",
    "{ id?, name, devices }: a device filter",
    (req) => admin.createFilter(body(req) as FilterSeed),
    201,
  );
  route("POST", "/_admin/rate/exhaust", "fill the rolling window: 429 until it clears", () =>
    admin.exhaustRateLimit(),
  );
  route("POST", "/_admin/rate/block", "{ address, durationMs? }: 403 that address", (req) => {
    const b = body(req);
    admin.blockAddress(
      String(b.address ?? "127.0.0.1"),
      typeof b.durationMs === "number" ? b.durationMs : undefined,
    );
  });
  route("DELETE", "/_admin/rate", "empty the window and lift blocks", () => admin.clearRateLimit());
}

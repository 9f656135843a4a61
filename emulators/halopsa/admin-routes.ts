import { adminBody, adminId, type AdminRoute } from "../kit/admin.ts";
import type {
  AppSeed,
  ClientSeed,
  ContactSeed,
  HaloPsaAdmin,
  OutcomeSeed,
  SiteSeed,
  StatusSeed,
  StormInput,
  TicketSeed,
} from "./admin.ts";
import { seedHaloDemo } from "./seed-acme.ts";

/** This emulator's own /_admin routes, beside the kit's (faults, clock, calls, settings, reset). */
export function registerHaloAdminRoutes(route: AdminRoute, admin: HaloPsaAdmin): void {
  const body = adminBody;
  route("POST", "/_admin/seed/demo", "seed the demo MSP (Acme Corp, Globex GmbH)", () => seedHaloDemo(admin));
  route(
    "POST",
    "/_admin/apps",
    "{ clientId, secret, name? }: an API application",
    (req) => admin.addApp(body(req) as AppSeed),
    201,
  );
  route("POST", "/_admin/tokens/revoke", "revoke every issued token", () => admin.revokeTokens());
  route("GET", "/_admin/statuses", "ticket statuses", () => admin.statuses());
  route(
    "POST",
    "/_admin/statuses",
    "{ id, name, closed? }",
    (req) => admin.createStatus(body(req) as StatusSeed),
    201,
  );
  route(
    "POST",
    "/_admin/outcomes",
    "{ id, outcome }",
    (req) => admin.createOutcome(body(req) as OutcomeSeed),
    201,
  );
  route(
    "POST",
    "/_admin/clients",
    "{ id?, name }",
    (req) => admin.createClient(body(req) as ClientSeed),
    201,
  );
  route(
    "POST",
    "/_admin/sites",
    "{ id?, client, name }",
    (req) => admin.createSite(body(req) as SiteSeed),
    201,
  );
  route("GET", "/_admin/contacts", "contacts (?client=)", (req) => {
    const client = (req.query as Record<string, string | undefined>).client;
    return admin.contacts(client ? adminId(client) : undefined);
  });
  route("GET", "/_admin/contacts/:id", "one contact", (_req, p) => admin.contact(adminId(p.id)));
  route(
    "POST",
    "/_admin/contacts",
    "{ id?, site, firstname, surname, emailaddress, … }",
    (req) => admin.createContact(body(req) as ContactSeed),
    201,
  );
  route("GET", "/_admin/tickets", "tickets (?client=)", (req) => {
    const client = (req.query as Record<string, string | undefined>).client;
    return admin.tickets(client ? adminId(client) : undefined);
  });
  route("GET", "/_admin/tickets/:id", "one ticket", (_req, p) => admin.ticket(adminId(p.id)));
  route(
    "POST",
    "/_admin/tickets",
    "{ id?, client, site?, user?, summary, details?, status? }",
    (req) => admin.createTicket(body(req) as TicketSeed),
    201,
  );
  route("GET", "/_admin/tickets/:id/notes", "the ticket's actions (?system=true for Halo's own)", (req, p) =>
    admin.notes(adminId(p.id), { includeSystem: (req.query as Record<string, string>).system === "true" }),
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

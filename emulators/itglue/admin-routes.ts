import { adminBody, adminId, type AdminRoute } from "../kit/admin.ts";
import type {
  ContactSeed,
  ContactTypeSeed,
  ItglueAdmin,
  KeySeed,
  OrganizationSeed,
  PasswordSeed,
  StormInput,
} from "./admin.ts";
import { seedItglueDemo } from "./seed-acme.ts";

/** This emulator's own /_admin routes, beside the kit's (faults, clock, calls, settings, reset). */
export function registerItglueAdminRoutes(route: AdminRoute, admin: ItglueAdmin): void {
  const body = adminBody;
  const orgQuery = (q: unknown) => {
    const org = (q as Record<string, string | undefined>).organization;
    return org ? adminId(org) : undefined;
  };
  route("POST", "/_admin/seed/demo", "seed the demo MSP (Acme Corp, Globex GmbH)", () => {
    seedItglueDemo(admin);
    // The key is a credential: the answer names it, never shows it.
    return { seeded: "demo" };
  });
  route(
    "POST",
    "/_admin/keys",
    "{ key, name?, passwordAccess? }: an API key",
    (req) => admin.addApiKey(body(req) as KeySeed),
    201,
  );
  route("DELETE", "/_admin/keys/:name", "revoke an API key", (_req, p) => admin.revokeApiKey(p.name ?? ""));
  route(
    "POST",
    "/_admin/organizations",
    "{ id?, name, shortName? }",
    (req) => admin.createOrganization(body(req) as OrganizationSeed),
    201,
  );
  route("GET", "/_admin/contact-types", "contact types", () => admin.contactTypes());
  route(
    "POST",
    "/_admin/contact-types",
    "{ id?, name }",
    (req) => admin.createContactType(body(req) as ContactTypeSeed),
    201,
  );
  route("GET", "/_admin/contacts", "contacts (?organization=)", (req) => admin.contacts(orgQuery(req.query)));
  route("GET", "/_admin/contacts/:id", "one contact", (_req, p) => admin.contact(adminId(p.id)));
  route(
    "POST",
    "/_admin/contacts",
    "{ id?, organizationId, firstName, email?, psa?, … }",
    (req) => admin.createContact(body(req) as ContactSeed),
    201,
  );
  route("POST", "/_admin/contacts/:id/psa-sync", "{ id, integrationType }: synced from a PSA", (req, p) =>
    admin.syncFromPsa(adminId(p.id), body(req) as { id: string; integrationType: string }),
  );
  route("DELETE", "/_admin/contacts/:id", "delete a contact", (_req, p) =>
    admin.deleteContact(adminId(p.id)),
  );
  route("GET", "/_admin/passwords", "passwords, never their values (?organization=)", (req) =>
    admin.passwords(orgQuery(req.query)),
  );
  route("GET", "/_admin/passwords/:id", "one password, without its value", (_req, p) =>
    admin.password(adminId(p.id)),
  );
  route(
    "POST",
    "/_admin/passwords",
    "{ id?, organizationId, name, contactId?, … }",
    (req) => admin.createPassword(body(req) as PasswordSeed),
    201,
  );
  route("DELETE", "/_admin/passwords/:id", "delete a password", (_req, p) =>
    admin.deletePassword(adminId(p.id)),
  );
  route("POST", "/_admin/keys/:name/throttling/exhaust", "empty the key's request budget", (_req, p) =>
    admin.exhaustRateLimit(p.name ?? ""),
  );
  route(
    "POST",
    "/_admin/keys/:name/throttling/storm",
    "{ durationMs, retryAfterSeconds? }: 429 everything",
    (req, p) => admin.startThrottleStorm(p.name ?? "", body(req) as StormInput),
  );
  route("DELETE", "/_admin/keys/:name/throttling/storm", "end the storm", (_req, p) =>
    admin.stopThrottleStorm(p.name ?? ""),
  );
}

import type { HaloPsaAdmin } from "./admin.ts";

/**
 * The demo MSP's HaloPSA: Acme Corp is a client with one site, Tom Williams and Mike Chen as contacts and
 * the open ticket 48291 about Sarah Johnson's start; Globex GmbH is another client, so a lookup that
 * forgot its client would show. Ids and the API application are fixed so the demo's config can name them.
 */
export const haloDemo = {
  clientId: "5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
  clientSecret: "halo-demo-client-secret",
  /** The instance's tenant name, for the token request (?tenant=) of a Halo-hosted instance. */
  tenant: "demo-msp",
  acme: {
    clientId: 12,
    siteId: 31,
    contacts: { tom: 1201, mike: 1202 },
    ticket: 48291,
    domain: "acmecorp.com",
  },
  globex: { clientId: 14, siteId: 41 },
  /** Acme's phase → status map in the demo: In Progress, Waiting on Customer, Resolved, Action Required. */
  statuses: { "in-progress": 2, "waiting-on-customer": 4, completed: 8, failed: 3 },
  noteOutcomeId: 7,
} as const;

export function seedHaloDemo(admin: HaloPsaAdmin): typeof haloDemo {
  const d = haloDemo;
  admin.addApp({ clientId: d.clientId, secret: d.clientSecret, name: "Lifecycle" });
  admin.createClient({ id: d.acme.clientId, name: "Acme Corp" });
  admin.createSite({ id: d.acme.siteId, client: d.acme.clientId, name: "Acme Corp HQ" });
  admin.createContact({
    id: d.acme.contacts.tom,
    site: d.acme.siteId,
    firstname: "Tom",
    surname: "Williams",
    emailaddress: "tom.williams@acmecorp.com",
    title: "Marketing Manager",
  });
  admin.createContact({
    id: d.acme.contacts.mike,
    site: d.acme.siteId,
    firstname: "Mike",
    surname: "Chen",
    emailaddress: "mike.chen@acmecorp.com",
    title: "IT Manager",
  });
  admin.createTicket({
    id: d.acme.ticket,
    client: d.acme.clientId,
    site: d.acme.siteId,
    user: d.acme.contacts.mike,
    summary: "New starter: Sarah Johnson",
    details: "Sarah Johnson joins Marketing on Monday. Please set up her accounts.",
    status: 1,
  });
  admin.createClient({ id: d.globex.clientId, name: "Globex GmbH" });
  admin.createSite({ id: d.globex.siteId, client: d.globex.clientId, name: "Globex Berlin" });
  admin.createContact({
    site: d.globex.siteId,
    firstname: "Tom",
    surname: "Williams",
    emailaddress: "twilliams@globex.de",
  });
  admin.createTicket({ client: d.globex.clientId, summary: "Printer offline" });
  return d;
}

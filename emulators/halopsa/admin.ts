import { z } from "zod";
import { AdminError, KitAdmin, parseInput } from "../kit/admin.ts";
import { startStormFrom, type StormInput } from "../kit/storm-input.ts";
import { applyLatencyInput } from "../kit/latency.ts";
import { installBuiltins } from "./builtins.ts";
import { actionView, ticketView, userView } from "./records.ts";
import { errorStyles, latencyClasses, latencyProfiles, profileNames, type Settings } from "./settings.ts";
import { emptyData, type Api, type CallExtra, type HaloContext } from "./state.ts";

/** Every status fault this emulator renders in Halo's own way (429 and 401 have no body). */
export const faultStatuses = [400, 401, 403, 404, 429, 500, 502, 503, 504] as const;

const id = z.int().positive();
const text = z.string();

export const clientSeed = z.strictObject({
  id: id.optional(),
  name: text.min(1),
  inactive: z.boolean().default(false),
});
export const siteSeed = z.strictObject({ id: id.optional(), client: z.union([id, text]), name: text.min(1) });
export const contactSeed = z.strictObject({
  id: id.optional(),
  site: id,
  firstname: text,
  surname: text,
  emailaddress: text,
  name: text.optional(),
  title: text.default(""),
  phonenumber: text.default(""),
  inactive: z.boolean().default(false),
});
export const ticketSeed = z.strictObject({
  id: id.optional(),
  client: z.union([id, text]),
  site: id.optional(),
  user: id.optional(),
  summary: text.min(1),
  details: text.default(""),
  status: id.default(1),
  tickettype: id.default(1),
  team: text.default(""),
  third_party_id_string: text.default(""),
});
export const statusSeed = z.strictObject({ id, name: text.min(1), closed: z.boolean().default(false) });
export const outcomeSeed = z.strictObject({ id, outcome: text.min(1) });
export const appSeed = z.strictObject({
  clientId: text.min(1),
  secret: text.min(1),
  name: text.default("API application"),
});

export type ClientSeed = z.input<typeof clientSeed>;
export type SiteSeed = z.input<typeof siteSeed>;
export type ContactSeed = z.input<typeof contactSeed>;
export type TicketSeed = z.input<typeof ticketSeed>;
export type StatusSeed = z.input<typeof statusSeed>;
export type OutcomeSeed = z.input<typeof outcomeSeed>;
export type AppSeed = z.input<typeof appSeed>;
export type { StormInput };

const settingsInput = z.strictObject({
  profile: z.enum(profileNames).optional(),
  latency: z
    .partialRecord(
      z.enum(latencyClasses),
      z.strictObject({ meanMs: z.number().min(0), jitter: z.number().min(0).max(1) }),
    )
    .optional(),
  tokenLifetimeSeconds: z.int().positive().optional(),
  tenant: z.string().min(1).nullable().optional(),
  tokenErrorStatus: z.union([z.literal(400), z.literal(401)]).optional(),
  errorStyle: z.enum(errorStyles).optional(),
  rateLimit: z.strictObject({ requests: z.int().positive(), windowMs: z.int().positive() }).optional(),
  maxPageSize: z.int().positive().optional(),
  ticketSearchFields: z.array(text).optional(),
  userSearchFields: z.array(text).optional(),
  ticketListIncludesClosed: z.boolean().optional(),
});

/** The HaloPSA emulator's control panel: seed clients, sites, contacts, tickets, statuses; read notes. */
export class HaloPsaAdmin extends KitAdmin<Api, CallExtra, Settings> {
  constructor(private readonly ctx: HaloContext) {
    super(ctx, {
      faultStatuses,
      // One Halo instance: faults match by the API application a request authenticated as.
      tenantId: (ref) => {
        if (!ctx.data.apps.has(ref)) throw new AdminError(404, `no API application ${ref}`);
        return ref;
      },
    });
  }

  settings(): Settings {
    return structuredClone(this.ctx.settings);
  }

  configure(input: unknown): Settings {
    const s = parseInput(settingsInput, input);
    const settings = this.ctx.settings;
    applyLatencyInput(settings, s, latencyClasses, latencyProfiles);
    if (s.tokenLifetimeSeconds !== undefined) settings.tokenLifetimeSeconds = s.tokenLifetimeSeconds;
    if (s.tenant !== undefined) settings.tenant = s.tenant ?? undefined;
    if (s.tokenErrorStatus !== undefined) settings.tokenErrorStatus = s.tokenErrorStatus;
    if (s.errorStyle !== undefined) settings.errorStyle = s.errorStyle;
    if (s.rateLimit !== undefined) {
      settings.rateLimit = s.rateLimit;
      this.ctx.buckets.reset();
    }
    if (s.maxPageSize !== undefined) settings.maxPageSize = s.maxPageSize;
    if (s.ticketSearchFields !== undefined) settings.ticketSearchFields = s.ticketSearchFields;
    if (s.userSearchFields !== undefined) settings.userSearchFields = s.userSearchFields;
    if (s.ticketListIncludesClosed !== undefined)
      settings.ticketListIncludesClosed = s.ticketListIncludesClosed;
    return this.settings();
  }

  reset(): void {
    this.resetKit();
    // A Halo instance is never without its built-in statuses and outcomes.
    this.ctx.data = emptyData();
    installBuiltins(this.ctx.data);
    this.ctx.tokens.clear();
    this.ctx.buckets.reset();
  }

  addApp(input: AppSeed) {
    const app = parseInput(appSeed, input);
    this.ctx.data.apps.set(app.clientId, app);
    return { clientId: app.clientId, name: app.name };
  }

  /** Revokes every token issued so far (a rotated secret, say): the next call answers 401. */
  revokeTokens(): void {
    this.ctx.tokens.clear();
  }

  createStatus(input: StatusSeed) {
    const s = parseInput(statusSeed, input);
    this.ctx.data.statuses.set(s.id, s);
    return s;
  }

  statuses() {
    return [...this.ctx.data.statuses.values()];
  }

  createOutcome(input: OutcomeSeed) {
    const o = parseInput(outcomeSeed, input);
    this.ctx.data.outcomes.set(o.id, o);
    return o;
  }

  createClient(input: ClientSeed) {
    const c = parseInput(clientSeed, input);
    const d = this.ctx.data;
    const clientId = c.id ?? d.next.client;
    d.next.client = Math.max(d.next.client, clientId + 1);
    const client = { id: clientId, name: c.name, inactive: c.inactive };
    d.clients.set(client.id, client);
    return client;
  }

  private client(ref: number | string) {
    const found =
      typeof ref === "number"
        ? this.ctx.data.clients.get(ref)
        : [...this.ctx.data.clients.values()].find((c) => c.name.toLowerCase() === ref.toLowerCase());
    if (!found) throw new AdminError(404, `no client ${ref}`);
    return found;
  }

  createSite(input: SiteSeed) {
    const s = parseInput(siteSeed, input);
    const d = this.ctx.data;
    const siteId = s.id ?? d.next.site;
    d.next.site = Math.max(d.next.site, siteId + 1);
    const site = { id: siteId, client_id: this.client(s.client).id, name: s.name };
    d.sites.set(site.id, site);
    return site;
  }

  createContact(input: ContactSeed) {
    const c = parseInput(contactSeed, input);
    const d = this.ctx.data;
    const site = d.sites.get(c.site);
    if (!site) throw new AdminError(404, `no site ${c.site}`);
    const userId = c.id ?? d.next.user;
    d.next.user = Math.max(d.next.user, userId + 1);
    const user = {
      id: userId,
      name: c.name ?? `${c.firstname} ${c.surname}`,
      firstname: c.firstname,
      surname: c.surname,
      emailaddress: c.emailaddress,
      site_id: site.id,
      client_id: site.client_id,
      inactive: c.inactive,
      title: c.title,
      phonenumber: c.phonenumber,
    };
    d.users.set(user.id, user);
    return userView(this.ctx, user);
  }

  contacts(client?: number) {
    return [...this.ctx.data.users.values()]
      .filter((u) => client === undefined || u.client_id === client)
      .map((u) => userView(this.ctx, u));
  }

  contact(contactId: number) {
    const u = this.ctx.data.users.get(contactId);
    if (!u) throw new AdminError(404, `no contact ${contactId}`);
    return userView(this.ctx, u);
  }

  createTicket(input: TicketSeed) {
    const t = parseInput(ticketSeed, input);
    const d = this.ctx.data;
    const client = this.client(t.client);
    if (!d.statuses.has(t.status)) throw new AdminError(400, `no status ${t.status}`);
    const ticketId = t.id ?? d.next.ticket;
    d.next.ticket = Math.max(d.next.ticket, ticketId + 1);
    const ticket = {
      id: ticketId,
      summary: t.summary,
      details: t.details,
      details_html: `<p>${t.details}</p>`,
      client_id: client.id,
      site_id: t.site ?? null,
      user_id: t.user ?? null,
      tickettype_id: t.tickettype,
      status_id: t.status,
      priority_id: null,
      team: t.team,
      third_party_id_string: t.third_party_id_string,
      client_reference: "",
      dateoccurred: new Date(this.ctx.clock.now()).toISOString(),
      dateclosed: null,
    };
    d.tickets.set(ticket.id, ticket);
    return ticketView(this.ctx, ticket);
  }

  tickets(client?: number) {
    return [...this.ctx.data.tickets.values()]
      .filter((t) => client === undefined || t.client_id === client)
      .map((t) => ticketView(this.ctx, t));
  }

  ticket(ticketId: number) {
    const t = this.ctx.data.tickets.get(ticketId);
    if (!t) throw new AdminError(404, `no ticket ${ticketId}`);
    return ticketView(this.ctx, t);
  }

  /** The ticket's actions, Halo's own (system) ones included, oldest first: what the demo shows as notes. */
  notes(ticketId: number, opts: { includeSystem?: boolean } = {}) {
    this.ticket(ticketId);
    return [...this.ctx.data.actions.values()]
      .filter((a) => a.ticket_id === ticketId && (opts.includeSystem || !a.system))
      .map((a) => actionView(a, true));
  }

  /** Empties the app's request budget; it refills at the normal rate. */
  exhaustRateLimit(app: string): void {
    this.ctx.buckets.exhaust(app, this.ctx.clock.now());
  }

  /** Every request of the app answers 429 for a while, with this Retry-After (or the time left). */
  startThrottleStorm(app: string, input: StormInput): void {
    startStormFrom(this.ctx.buckets, app, this.ctx.clock.now(), input);
  }

  stopThrottleStorm(app: string): void {
    this.ctx.buckets.stopStorm(app);
  }
}

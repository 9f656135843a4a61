import { z } from "zod";
import { adminBody, AdminError, KitAdmin, parseInput, type AdminRoute } from "../kit/admin.ts";
import {
  databaseScope,
  spendThreshold,
  thresholdUsed,
  type Api,
  type AutotaskContext,
  type Extra,
} from "./context.ts";
import { createContact, createTicket, Refusal } from "./entities.ts";
import {
  emptyDatabase,
  nextTicketNumber,
  picklistFields,
  type ApiUser,
  type Company,
  type Contact,
  type PicklistField,
  type PicklistValue,
  type Ticket,
  type TicketNote,
} from "./model.ts";
import { defaultSettings, latencyClasses, latencyProfiles, profileNames, type Settings } from "./settings.ts";
import { applyLatencyInput } from "../kit/latency.ts";

export { AdminError };

const latencySpec = z.strictObject({ meanMs: z.number().min(0), jitter: z.number().min(0).max(1) });
const settingsInput = z.strictObject({
  profile: z.enum(profileNames).optional(),
  latency: z.partialRecord(z.enum(latencyClasses), latencySpec).optional(),
  hourlyThreshold: z.int().min(1).optional(),
  thresholdLatencyMs: z.strictObject({ min: z.number().min(0), max: z.number().min(0) }).optional(),
  suspendedStatus: z.int().min(400).max(599).optional(),
  suspendedMessage: z.string().min(1).optional(),
  threadLimit: z.int().min(0).optional(),
  threadLimitStatus: z.int().min(400).max(599).optional(),
  threadLimitMessage: z.string().min(1).optional(),
  noteTitleRequired: z.boolean().optional(),
  defaultMaxRecords: z.int().min(1).max(500).optional(),
});

const apiUserInput = z.strictObject({
  userName: z.string().min(1),
  secret: z.string().min(1),
  integrationCode: z.string().min(1),
});
const companyInput = z.strictObject({ id: z.int().positive().optional(), companyName: z.string().min(1) });
const picklistInput = z.array(
  z.strictObject({
    value: z.int(),
    label: z.string().min(1),
    isActive: z.boolean().default(true),
    isSystem: z.boolean().default(false),
  }),
);

/** The control panel: the kit's faults, clock and calls, plus the database's seed and inspection. */
export class AutotaskAdmin extends KitAdmin<Api, Extra, Settings> {
  constructor(private readonly ctx: AutotaskContext) {
    super(ctx, {
      faultStatuses: [401, 403, 404, 429, 500, 502, 503, 504],
      tenantId: (ref) => {
        if (ref !== databaseScope)
          throw new AdminError(404, `the emulator has one database, "${databaseScope}"`);
        return databaseScope;
      },
    });
  }

  settings(): Settings {
    return structuredClone(this.ctx.settings);
  }

  configure(input: unknown): Settings {
    const patch = parseInput(settingsInput, input);
    const s = this.ctx.settings;
    applyLatencyInput(s, patch, latencyClasses, latencyProfiles);
    const { profile: _p, latency: _l, ...rest } = patch;
    Object.assign(s, rest);
    if (patch.hourlyThreshold !== undefined) this.ctx.buckets.forget(databaseScope);
    return this.settings();
  }

  reset(): void {
    this.resetKit();
    this.ctx.db = emptyDatabase();
    this.ctx.settings = defaultSettings(this.ctx.settings.profile);
    this.ctx.buckets.reset();
    this.ctx.inFlight.clear();
  }

  addApiUser(input: ApiUser): void {
    const user = parseInput(apiUserInput, input);
    this.ctx.db.apiUsers = [...this.ctx.db.apiUsers.filter((u) => u.userName !== user.userName), user];
  }

  addCompany(input: { id?: number; companyName: string }): Company {
    const c = parseInput(companyInput, input);
    const company: Company = { id: c.id ?? this.ctx.db.nextId++, companyName: c.companyName, isActive: true };
    this.ctx.db.companies.set(company.id, company);
    return company;
  }

  setPicklist(field: PicklistField, values: z.input<typeof picklistInput>): PicklistValue[] {
    if (!picklistFields.includes(field))
      throw new AdminError(404, `no picklist ${field}; known: ${picklistFields.join(", ")}`);
    this.ctx.db.picklists[field] = parseInput(picklistInput, values);
    return this.ctx.db.picklists[field];
  }

  picklist(field: PicklistField): PicklistValue[] {
    if (!picklistFields.includes(field))
      throw new AdminError(404, `no picklist ${field}; known: ${picklistFields.join(", ")}`);
    return this.ctx.db.picklists[field].map((v) => ({ ...v }));
  }

  /** Statuses that complete a ticket (Autotask's system status 5 "Complete" by convention). */
  setCompleteStatuses(values: number[]): void {
    this.ctx.db.completeStatuses = parseInput(z.array(z.int()), values);
  }

  /** A contact as the API would create it (same checks), e.g. `{ companyID, firstName, lastName, emailAddress }`. */
  addContact(input: Record<string, unknown> & { companyID: number }): Contact {
    const id = this.refused(() =>
      createContact(this.ctx, input.companyID, { ...input, companyID: undefined }),
    );
    return { ...this.ctx.db.contacts.get(id)! };
  }

  addTicket(input: Record<string, unknown>): Ticket {
    const id = this.refused(() => createTicket(this.ctx, input));
    return { ...this.ctx.db.tickets.get(id)! };
  }

  /** A ticket as if opened at `at` (its number and dates from that day), for seeds with history. */
  addTicketAt(at: number, input: Record<string, unknown>): Ticket {
    const id = this.refused(() => createTicket(this.ctx, input));
    const ticket = this.ctx.db.tickets.get(id)!;
    const when = new Date(at).toISOString();
    Object.assign(ticket, {
      ticketNumber: nextTicketNumber(this.ctx.db, at),
      createDate: when,
      lastActivityDate: when,
    });
    return { ...ticket };
  }

  /** Every contact, or a company's. */
  contacts(companyID?: number): Contact[] {
    return [...this.ctx.db.contacts.values()]
      .filter((c) => companyID === undefined || c.companyID === companyID)
      .map((c) => ({ ...c }));
  }

  contact(id: number): Contact | undefined {
    const c = this.ctx.db.contacts.get(id);
    return c && { ...c };
  }

  ticket(id: number): Ticket | undefined {
    const t = this.ctx.db.tickets.get(id);
    return t && { ...t };
  }

  tickets(): Ticket[] {
    return [...this.ctx.db.tickets.values()].map((t) => ({ ...t }));
  }

  notes(ticketId: number): TicketNote[] {
    return [...this.ctx.db.notes.values()].filter((n) => n.ticketID === ticketId).map((n) => ({ ...n }));
  }

  /** Sets how many requests the rolling hour has counted (the bucket restarts at that usage). */
  setThresholdUsage(used: number): number {
    const n = parseInput(z.int().min(0), used);
    this.ctx.buckets.forget(databaseScope);
    spendThreshold(this.ctx, Math.min(n, this.ctx.settings.hourlyThreshold));
    return thresholdUsed(this.ctx);
  }

  thresholdUsage(): { used: number; threshold: number } {
    return { used: thresholdUsed(this.ctx), threshold: this.ctx.settings.hourlyThreshold };
  }

  private refused<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof Refusal) throw new AdminError(error.status === 404 ? 404 : 400, error.message);
      throw error;
    }
  }
}

const idParam = (p: Record<string, string>): number => {
  const id = Number(p.id);
  if (!Number.isInteger(id)) throw new AdminError(400, "id must be an integer");
  return id;
};

export function registerAutotaskAdminRoutes(route: AdminRoute, admin: AutotaskAdmin): void {
  const a = "/_admin";
  route("POST", `${a}/api-users`, "{ userName, secret, integrationCode }: an API-only user", (req) =>
    admin.addApiUser(adminBody(req) as unknown as ApiUser),
  );
  route(
    "POST",
    `${a}/companies`,
    "{ id?, companyName }",
    (req) => admin.addCompany(adminBody(req) as never),
    201,
  );
  route(
    "POST",
    `${a}/contacts`,
    "{ companyID, firstName, lastName, emailAddress, … }",
    (req) => admin.addContact(adminBody(req) as never),
    201,
  );
  route("GET", `${a}/contacts/:id`, "one contact", (_req, p) => {
    const c = admin.contact(idParam(p));
    if (!c) throw new AdminError(404, `no contact ${p.id}`);
    return c;
  });
  route(
    "POST",
    `${a}/tickets`,
    "{ companyID, title, status, priority, queueID, … }",
    (req) => admin.addTicket(adminBody(req)),
    201,
  );
  route("GET", `${a}/tickets`, "every ticket", () => admin.tickets());
  route("GET", `${a}/tickets/:id/notes`, "a ticket's notes, internal or not", (_req, p) =>
    admin.notes(idParam(p)),
  );
  route(
    "PUT",
    `${a}/picklists/:field`,
    "[{ value, label, isActive?, isSystem? }]: an instance picklist",
    (req, p) => admin.setPicklist(p.field as PicklistField, req.body as never),
  );
  route("GET", `${a}/picklists/:field`, "an instance picklist's values", (_req, p) =>
    admin.picklist(p.field as PicklistField),
  );
  route("GET", `${a}/threshold`, "requests counted in the rolling hour", () => admin.thresholdUsage());
  route("PUT", `${a}/threshold`, "{ used }: set the hour's usage (past the threshold suspends)", (req) => ({
    used: admin.setThresholdUsage(Number(adminBody(req).used)),
  }));
}

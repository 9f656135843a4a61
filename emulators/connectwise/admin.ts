import { z } from "zod";
import { AdminError, adminBody, KitAdmin, parseInput, type AdminRoute } from "../kit/admin.ts";
import { findInstance, type Api, type CallExtra, type CwContext } from "./context.ts";
import {
  boardRef,
  companyRef,
  contactRef,
  newInstance,
  nextId,
  statusRef,
  type Board,
  type Company,
  type Contact,
  type Instance,
  type Ticket,
  type TicketNote,
} from "./model.ts";
import { applySettings, defaultSettings, settingsInput, type Settings } from "./settings.ts";

const instanceInput = z.strictObject({
  companyId: z
    .string()
    .min(1)
    .regex(/^[^+:\s]+$/),
  companyName: z.string().min(1).optional(),
  codebase: z
    .string()
    .regex(/^[A-Za-z0-9_.]+\/$/)
    .optional(),
  apiKeys: z
    .array(
      z.strictObject({
        publicKey: z.string().min(1),
        privateKey: z.string().min(1),
        member: z.string().min(1),
      }),
    )
    .min(1),
  clientIds: z.array(z.string().min(1)).min(1),
  /** [unconfirmed] which id "Email" has on this site (§11): instance data, so seedable. */
  communicationTypes: z
    .array(
      z.strictObject({
        id: z.int().positive(),
        description: z.string(),
        kind: z.enum(["Email", "Phone", "Fax"]),
      }),
    )
    .optional(),
});

const companyInput = z.strictObject({
  id: z.int().positive().optional(),
  identifier: z.string().min(1),
  name: z.string().min(1),
  sites: z.array(z.strictObject({ id: z.int().positive(), name: z.string().min(1) })).default([]),
});

const contactInput = z.strictObject({
  companyId: z.int().positive(),
  firstName: z.string().min(1),
  lastName: z.string().default(""),
  email: z.string().min(3),
  inactive: z.boolean().default(false),
  siteId: z.int().positive().optional(),
});

const boardInput = z.strictObject({
  id: z.int().positive().optional(),
  name: z.string().min(1),
  statuses: z
    .array(
      z.strictObject({
        id: z.int().positive().optional(),
        name: z.string().min(1),
        closedStatus: z.boolean().default(false),
        defaultFlag: z.boolean().default(false),
      }),
    )
    .min(1),
});

const ticketInput = z.strictObject({
  id: z.int().positive().optional(),
  companyId: z.int().positive(),
  boardId: z.int().positive(),
  summary: z.string().min(1).max(100),
  status: z.string().optional(),
  externalXRef: z.string().optional(),
  contactId: z.int().positive().optional(),
});

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The control panel: the kit's faults, clock and calls, plus sites, companies, boards and tickets to seed. */
export class ConnectWiseAdmin extends KitAdmin<Api, CallExtra, Settings> {
  constructor(private readonly ctx: CwContext) {
    super(ctx, {
      faultStatuses: [400, 401, 403, 404, 409, 429, 500, 502, 503],
      tenantId: (ref) => this.instance(ref).companyId,
    });
  }

  settings(): Settings {
    return structuredClone(this.ctx.settings);
  }

  configure(input: unknown): Settings {
    const parsed = parseInput(settingsInput, input);
    applySettings(this.ctx.settings, parsed);
    if (parsed.throttle) this.ctx.buckets.reset();
    return this.settings();
  }

  reset(): void {
    this.resetKit();
    this.ctx.instances.clear();
    this.ctx.buckets.reset();
    this.ctx.settings = defaultSettings(this.ctx.settings.profile);
  }

  instance(ref: string): Instance {
    const found = findInstance(this.ctx, ref);
    if (!found) throw new AdminError(404, `no ConnectWise company ${ref}`);
    return found;
  }

  addInstance(input: z.input<typeof instanceInput>): Instance {
    const parsed = parseInput(instanceInput, input);
    if (findInstance(this.ctx, parsed.companyId))
      throw new AdminError(400, `company ${parsed.companyId} exists`);
    const instance = newInstance({
      companyId: parsed.companyId,
      apiKeys: parsed.apiKeys,
      clientIds: parsed.clientIds,
      ...(parsed.companyName ? { companyName: parsed.companyName } : {}),
      ...(parsed.codebase ? { codebase: parsed.codebase } : {}),
      ...(parsed.communicationTypes ? { communicationTypes: parsed.communicationTypes } : {}),
    });
    this.ctx.instances.set(parsed.companyId.toLowerCase(), instance);
    return instance;
  }

  addCompany(ref: string, input: z.input<typeof companyInput>): Company {
    const instance = this.instance(ref);
    const parsed = parseInput(companyInput, input);
    const company: Company = { ...parsed, id: parsed.id ?? nextId(instance, "company") };
    instance.companies.set(company.id, company);
    return company;
  }

  addContact(ref: string, input: z.input<typeof contactInput>): Contact {
    const instance = this.instance(ref);
    const parsed = parseInput(contactInput, input);
    const company = instance.companies.get(parsed.companyId);
    if (!company) throw new AdminError(404, `no company ${parsed.companyId}`);
    const email = instance.communicationTypes.find((t) => t.kind === "Email");
    if (!email) throw new AdminError(400, "the site has no Email communication type");
    const site = company.sites.find((s) => s.id === parsed.siteId) ?? company.sites[0];
    const now = iso(this.ctx.clock.now());
    const contact: Contact = {
      id: nextId(instance, "contact"),
      firstName: parsed.firstName,
      lastName: parsed.lastName,
      company: companyRef(company),
      ...(site ? { site: { ...site } } : {}),
      inactiveFlag: parsed.inactive,
      communicationItems: [
        {
          id: nextId(instance, "item"),
          type: { id: email.id, name: email.description },
          value: parsed.email,
          defaultFlag: true,
          communicationType: "Email",
        },
      ],
      _info: { lastUpdated: now, dateEntered: now },
    };
    instance.contacts.set(contact.id, contact);
    return contact;
  }

  addBoard(ref: string, input: z.input<typeof boardInput>): Board {
    const instance = this.instance(ref);
    const parsed = parseInput(boardInput, input);
    const id = parsed.id ?? nextId(instance, "board");
    const board: Board = { id, name: parsed.name, statuses: [] };
    board.statuses = parsed.statuses.map((s, i) => ({
      id: s.id ?? nextId(instance, "status"),
      name: s.name,
      board: boardRef(board),
      sortOrder: i,
      defaultFlag: s.defaultFlag || (i === 0 && !parsed.statuses.some((x) => x.defaultFlag)),
      inactive: false,
      closedStatus: s.closedStatus,
    }));
    instance.boards.set(id, board);
    return board;
  }

  addTicket(ref: string, input: z.input<typeof ticketInput>): Ticket {
    const instance = this.instance(ref);
    const parsed = parseInput(ticketInput, input);
    const company = instance.companies.get(parsed.companyId);
    const board = instance.boards.get(parsed.boardId);
    if (!company || !board) throw new AdminError(404, "no such company or board");
    const status = parsed.status
      ? board.statuses.find((s) => s.name.toLowerCase() === parsed.status?.toLowerCase())
      : (board.statuses.find((s) => s.defaultFlag) ?? board.statuses[0]);
    if (!status) throw new AdminError(400, `board ${board.id} has no status ${parsed.status ?? ""}`);
    const contact = parsed.contactId !== undefined ? instance.contacts.get(parsed.contactId) : undefined;
    const now = iso(this.ctx.clock.now());
    const id = parsed.id ?? nextId(instance, "ticket");
    if (id >= instance.nextIds.ticket) instance.nextIds.ticket = id + 1;
    const ticket: Ticket = {
      id,
      summary: parsed.summary,
      recordType: "ServiceTicket",
      board: boardRef(board),
      status: statusRef(status),
      company: companyRef(company),
      ...(contact ? { contact: contactRef(contact) } : {}),
      ...(parsed.externalXRef ? { externalXRef: parsed.externalXRef } : {}),
      closedFlag: status.closedStatus,
      _info: { lastUpdated: now, dateEntered: now },
    };
    instance.tickets.set(id, ticket);
    return ticket;
  }

  contacts(ref: string): Contact[] {
    return [...this.instance(ref).contacts.values()];
  }

  tickets(ref: string): Ticket[] {
    return [...this.instance(ref).tickets.values()];
  }

  ticket(ref: string, id: number): Ticket {
    const ticket = this.instance(ref).tickets.get(id);
    if (!ticket) throw new AdminError(404, `no ticket ${id}`);
    return ticket;
  }

  notes(ref: string, ticketId: number): TicketNote[] {
    this.ticket(ref, ticketId);
    return [...(this.instance(ref).notes.get(ticketId) ?? [])];
  }

  /** Empties the login company's request budget: the next call is a 429 until it refills. */
  exhaust(ref: string): void {
    this.ctx.buckets.exhaust(this.instance(ref).companyId.toLowerCase(), this.ctx.clock.now());
  }

  /** Refuses every call of the login company for `ms` (a Cloudflare-side storm), Retry-After as given. */
  storm(ref: string, ms: number, retryAfterMs?: number): void {
    const scope = this.instance(ref).companyId.toLowerCase();
    this.ctx.buckets.startStorm(scope, this.ctx.clock.now() + ms, retryAfterMs);
  }
}

/** Instance views without the keys: the admin surface never hands secrets out. */
function publicView(instance: Instance) {
  return {
    companyId: instance.companyId,
    companyName: instance.companyName,
    codebase: instance.codebase,
    companies: [...instance.companies.values()],
    boards: [...instance.boards.values()],
  };
}

export function registerVendorAdminRoutes(route: AdminRoute, admin: ConnectWiseAdmin): void {
  const a = "/_admin/connectwise";
  const num = (s: string | undefined): number => Number(s);
  route(
    "POST",
    `${a}/sites`,
    "add a login company (keys, clientIds)",
    (req) => publicView(admin.addInstance(adminBody(req) as z.input<typeof instanceInput>)),
    201,
  );
  route("GET", `${a}/sites/:company`, "a login company's companies and boards", (_r, p) =>
    publicView(admin.instance(p.company ?? "")),
  );
  route(
    "POST",
    `${a}/sites/:company/companies`,
    "add a client company",
    (req, p) => admin.addCompany(p.company ?? "", adminBody(req) as z.input<typeof companyInput>),
    201,
  );
  route(
    "POST",
    `${a}/sites/:company/contacts`,
    "add a contact",
    (req, p) => admin.addContact(p.company ?? "", adminBody(req) as z.input<typeof contactInput>),
    201,
  );
  route("GET", `${a}/sites/:company/contacts`, "every contact", (_r, p) => admin.contacts(p.company ?? ""));
  route(
    "POST",
    `${a}/sites/:company/boards`,
    "add a service board with its statuses",
    (req, p) => admin.addBoard(p.company ?? "", adminBody(req) as z.input<typeof boardInput>),
    201,
  );
  route(
    "POST",
    `${a}/sites/:company/tickets`,
    "add a ticket",
    (req, p) => admin.addTicket(p.company ?? "", adminBody(req) as z.input<typeof ticketInput>),
    201,
  );
  route("GET", `${a}/sites/:company/tickets`, "every ticket", (_r, p) => admin.tickets(p.company ?? ""));
  route("GET", `${a}/sites/:company/tickets/:id`, "one ticket", (_r, p) =>
    admin.ticket(p.company ?? "", num(p.id)),
  );
  route("GET", `${a}/sites/:company/tickets/:id/notes`, "a ticket's notes, every flag", (_r, p) =>
    admin.notes(p.company ?? "", num(p.id)),
  );
  route("POST", `${a}/sites/:company/throttle/exhaust`, "empty the request budget", (_r, p) =>
    admin.exhaust(p.company ?? ""),
  );
  route(
    "POST",
    `${a}/sites/:company/throttle/storm`,
    "{ ms, retryAfterMs? }: refuse every call",
    (req, p) => {
      const body = adminBody(req);
      admin.storm(
        p.company ?? "",
        Number(body.ms),
        body.retryAfterMs === undefined ? undefined : Number(body.retryAfterMs),
      );
    },
  );
}

import type { AutotaskContext } from "./context.ts";
import { newId, nextTicketNumber, type Contact, type PicklistField, type Ticket } from "./model.ts";

/**
 * Creates and updates as Autotask checks them. A refused write is an HTTP 500 with `{"errors": [...]}`
 * (reference §3); an entity named by id that does not exist is a 404 with the same envelope (the exact
 * status is [unconfirmed]). Unknown body properties are ignored, as the API's binder does.
 */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
  ) {
    super(errors.join(" "));
  }
}

type Body = Record<string, unknown>;

/** The body with its keys in the wire's camelCase, whatever case the client sent (the binder ignores case). */
function bodyOf(input: unknown): Body {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new Refusal(500, ["The request body must be a JSON object."]);
  const out: Body = {};
  for (const [k, v] of Object.entries(input)) out[k.charAt(0).toLowerCase() + k.slice(1)] = v;
  return out;
}

function text(body: Body, field: string, max: number, required = false): string | null | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === "") {
    if (required) throw new Refusal(500, [`Missing Required Field: ${field}.`]);
    return v === undefined ? undefined : null;
  }
  if (typeof v !== "string") throw new Refusal(500, [`The value of ${field} must be text.`]);
  if (v.length > max) throw new Refusal(500, [`The value of ${field} exceeds the maximum length of ${max}.`]);
  return v;
}

function integer(body: Body, field: string, required = false): number | null | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) throw new Refusal(500, [`Missing Required Field: ${field}.`]);
    return v;
  }
  if (typeof v !== "number" || !Number.isInteger(v))
    throw new Refusal(500, [`The value of ${field} must be an integer.`]);
  return v;
}

function picklist(ctx: AutotaskContext, field: PicklistField, value: number | null | undefined): void {
  if (value === null || value === undefined) return;
  if (!ctx.db.picklists[field].some((p) => p.value === value && p.isActive))
    throw new Refusal(500, [`Value ${value} does not exist in the picklist for ${field}.`]);
}

const now = (ctx: AutotaskContext): string => new Date(ctx.clock.now()).toISOString();

function company(ctx: AutotaskContext, id: number): void {
  if (!ctx.db.companies.has(id)) throw new Refusal(404, [`Company with id ${id} could not be found.`]);
}

export function createContact(ctx: AutotaskContext, companyID: number, input: unknown): number {
  const body = bodyOf(input);
  company(ctx, companyID);
  const isActive = integer(body, "isActive") ?? 1;
  if (isActive !== 0 && isActive !== 1) throw new Refusal(500, ["The value of isActive must be 0 or 1."]);
  const at = now(ctx);
  const contact: Contact = {
    id: newId(ctx.db),
    companyID,
    companyLocationID: integer(body, "companyLocationID") ?? null,
    firstName: text(body, "firstName", 50, true)!,
    lastName: text(body, "lastName", 50, true)!,
    emailAddress: text(body, "emailAddress", 254) ?? null,
    title: text(body, "title", 50) ?? null,
    phone: text(body, "phone", 25) ?? null,
    isActive,
    externalID: text(body, "externalID", 50) ?? null,
    createDate: at,
    lastModifiedDate: at,
  };
  ctx.db.contacts.set(contact.id, contact);
  return contact.id;
}

export function patchContact(ctx: AutotaskContext, companyID: number, input: unknown): number {
  const body = bodyOf(input);
  const id = integer(body, "id", true)!;
  const contact = ctx.db.contacts.get(id);
  if (!contact || contact.companyID !== companyID)
    throw new Refusal(404, [`Contact with id ${id} could not be found for company ${companyID}.`]);
  const isActive = integer(body, "isActive");
  if (isActive !== undefined && isActive !== 0 && isActive !== 1)
    throw new Refusal(500, ["The value of isActive must be 0 or 1."]);
  const changes: Partial<Contact> = {
    ...(isActive !== undefined ? { isActive } : {}),
    ...(body.firstName !== undefined ? { firstName: text(body, "firstName", 50, true)! } : {}),
    ...(body.lastName !== undefined ? { lastName: text(body, "lastName", 50, true)! } : {}),
    ...(body.emailAddress !== undefined ? { emailAddress: text(body, "emailAddress", 254) ?? null } : {}),
    ...(body.title !== undefined ? { title: text(body, "title", 50) ?? null } : {}),
    ...(body.phone !== undefined ? { phone: text(body, "phone", 25) ?? null } : {}),
  };
  Object.assign(contact, changes, { lastModifiedDate: now(ctx) });
  return id;
}

export function createTicket(ctx: AutotaskContext, input: unknown): number {
  const body = bodyOf(input);
  const companyID = integer(body, "companyID", true)!;
  company(ctx, companyID);
  const status = integer(body, "status", true)!;
  const priority = integer(body, "priority", true)!;
  const queueID = integer(body, "queueID", body.assignedResourceID === undefined);
  const ticketType = integer(body, "ticketType");
  picklist(ctx, "status", status);
  picklist(ctx, "priority", priority);
  picklist(ctx, "queueID", queueID);
  picklist(ctx, "ticketType", ticketType);
  const contactID = integer(body, "contactID");
  if (contactID != null && ctx.db.contacts.get(contactID)?.companyID !== companyID)
    throw new Refusal(500, [`Contact ${contactID} does not belong to company ${companyID}.`]);
  const at = now(ctx);
  const ticket: Ticket = {
    id: newId(ctx.db),
    ticketNumber: nextTicketNumber(ctx.db, ctx.clock.now()),
    companyID,
    companyLocationID: integer(body, "companyLocationID") ?? null,
    contactID: contactID ?? null,
    title: text(body, "title", 255, true)!,
    description: text(body, "description", 8000) ?? null,
    status,
    priority,
    queueID: queueID ?? null,
    ticketType: ticketType ?? null,
    externalID: text(body, "externalID", 50) ?? null,
    createDate: at,
    completedDate: ctx.db.completeStatuses.includes(status) ? at : null,
    lastActivityDate: at,
  };
  ctx.db.tickets.set(ticket.id, ticket);
  return ticket.id;
}

export function patchTicket(ctx: AutotaskContext, input: unknown): number {
  const body = bodyOf(input);
  const id = integer(body, "id", true)!;
  const ticket = ctx.db.tickets.get(id);
  if (!ticket) throw new Refusal(404, [`Ticket with id ${id} could not be found.`]);
  const status = integer(body, "status");
  picklist(ctx, "status", status);
  const priority = integer(body, "priority");
  picklist(ctx, "priority", priority);
  const at = now(ctx);
  if (status != null) {
    ticket.status = status;
    ticket.completedDate = ctx.db.completeStatuses.includes(status) ? (ticket.completedDate ?? at) : null;
  }
  if (priority != null) ticket.priority = priority;
  if (body.title !== undefined) ticket.title = text(body, "title", 255, true)!;
  ticket.lastActivityDate = at;
  return id;
}

export function createNote(ctx: AutotaskContext, ticketID: number, input: unknown): number {
  const body = bodyOf(input);
  const ticket = ctx.db.tickets.get(ticketID);
  if (!ticket) throw new Refusal(404, [`Parent entity (Ticket) with id ${ticketID} could not be found.`]);
  const noteType = integer(body, "noteType", true)!;
  const publish = integer(body, "publish", true)!;
  picklist(ctx, "noteType", noteType);
  picklist(ctx, "publish", publish);
  const at = now(ctx);
  const id = newId(ctx.db);
  ctx.db.notes.set(id, {
    id,
    ticketID,
    title: text(body, "title", 250, ctx.settings.noteTitleRequired) ?? null,
    description: text(body, "description", 3200, true)!,
    noteType,
    publish,
    createDateTime: at,
    lastActivityDate: at,
  });
  ticket.lastActivityDate = at;
  return id;
}

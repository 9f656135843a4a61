import type { LatencyClass } from "./settings.ts";
import type { TableRoute } from "../kit/routes.ts";
import type { CwContext } from "./context.ts";
import { cwErrors, type CwFieldError } from "./errors.ts";
import {
  boardRef,
  companyRef,
  contactRef,
  nextId,
  statusRef,
  type Board,
  type BoardStatus,
  type CommunicationItem,
  type Contact,
  type Instance,
  type Ticket,
  type TicketNote,
} from "./model.ts";
import { matches, matchesChildren, pageOf, parseConditions, type Clause } from "./query.ts";

/** One authenticated API call, as a route sees it. */
export interface CwCall {
  ctx: CwContext;
  instance: Instance;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: unknown;
  /** The URL the client called, absolute, for the Link header. */
  selfUrl: string;
  now: number;
  /** The API member the keys belong to. */
  member: string;
}

export interface CwResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface CwRoute extends TableRoute {
  latency: LatencyClass;
  handle(call: CwCall): CwResult;
}

/** Where REST 3.0 lives: https://{site}/{codebase}apis/3.0 (the codebase ends in "/"). */
export const apiRoot = "/{codebase}/apis/3.0";

const contactFields = ["id", "firstName", "lastName", "company/id", "site/id", "inactiveFlag", "title"];
const contactChildFields = [
  "communicationItems/value",
  "communicationItems/communicationType",
  "communicationItems/type/id",
];
const ticketFields = [
  "id",
  "summary",
  "company/id",
  "board/id",
  "status/id",
  "externalXRef",
  "closedFlag",
  "contact/id",
];

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function recordId(raw: string | undefined, what: string): number {
  if (!raw || !/^\d{1,10}$/.test(raw)) throw cwErrors.notFound(what, raw ?? "");
  return Number(raw);
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw cwErrors.badBody("The request is invalid. A JSON object is required.");
  return body as Record<string, unknown>;
}

function refId(value: unknown): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const id = (value as Record<string, unknown>).id;
  return typeof id === "number" && Number.isInteger(id) ? id : undefined;
}

function filtered<T>(
  call: CwCall,
  items: T[],
  fields: readonly string[],
  childFields: readonly string[] = [],
): T[] {
  const ci = call.ctx.settings.caseInsensitiveConditions;
  const conditions: Clause[] = call.query.conditions
    ? parseConditions("conditions", call.query.conditions, fields)
    : [];
  const child: Clause[] = [];
  if (call.query.childConditions !== undefined) {
    if (!childFields.length)
      throw cwErrors.badQuery("childConditions", "This resource has no childConditions");
    child.push(...parseConditions("childConditions", call.query.childConditions, childFields));
  }
  for (const p of ["customFieldConditions", "orderBy", "fields"])
    if (call.query[p] !== undefined) throw cwErrors.badQuery(p, `The emulator does not support ${p}`);
  return items.filter((item) => matches(item, conditions, ci) && matchesChildren(item, child, ci));
}

function list<T>(call: CwCall, items: T[]): CwResult {
  const page = pageOf(items, call.query, call.selfUrl);
  return { status: 200, body: page.items, ...(page.link ? { headers: { Link: page.link } } : {}) };
}

function stringField(
  resource: string,
  body: Record<string, unknown>,
  field: string,
  max: number,
  required: boolean,
  errors: CwFieldError[],
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === "") {
    if (required)
      errors.push({ code: "NullOrEmptyField", message: `${field} may not be empty`, resource, field });
    return undefined;
  }
  if (typeof value !== "string") {
    errors.push({ code: "InvalidField", message: `${field} must be a string`, resource, field });
    return undefined;
  }
  if (value.length > max)
    errors.push({ code: "MaxLengthField", message: `${field} has a max length of ${max}`, resource, field });
  return value;
}

// ---- contacts

function createContact(call: CwCall): CwResult {
  const { instance } = call;
  const body = object(call.body);
  const errors: CwFieldError[] = [];
  const firstName = stringField("contact", body, "firstName", 30, true, errors);
  const lastName = stringField("contact", body, "lastName", 30, false, errors);
  const title = stringField("contact", body, "title", 100, false, errors);
  const companyId = refId(body.company);
  const company = companyId !== undefined ? instance.companies.get(companyId) : undefined;
  if (companyId !== undefined && !company)
    errors.push({
      code: "NotFound",
      message: `Company ${companyId} not found`,
      resource: "contact",
      field: "company/id",
    });
  const siteId = refId(body.site);
  const site = siteId !== undefined ? company?.sites.find((s) => s.id === siteId) : undefined;
  if (siteId !== undefined && !site)
    errors.push({
      code: "NotFound",
      message: `Site ${siteId} not found for Company ${companyId ?? ""}`,
      resource: "contact",
      field: "site/id",
    });
  const items: CommunicationItem[] = [];
  const rawItems = body.communicationItems ?? [];
  if (!Array.isArray(rawItems))
    errors.push({
      code: "InvalidField",
      message: "communicationItems must be a list",
      resource: "contact",
      field: "communicationItems",
    });
  else
    for (const raw of rawItems) {
      const item = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
      const typeId = refId(item.type);
      const type = instance.communicationTypes.find((t) => t.id === typeId);
      if (!type) {
        errors.push({
          code: "NotFound",
          message: `Communication Type ${String(typeId)} not found`,
          resource: "contact",
          field: "communicationItems/type/id",
        });
        continue;
      }
      if (typeof item.value !== "string" || !item.value) {
        errors.push({
          code: "NullOrEmptyField",
          message: "value may not be empty",
          resource: "contact",
          field: "communicationItems/value",
        });
        continue;
      }
      items.push({
        id: nextId(instance, "item"),
        type: { id: type.id, name: type.description },
        value: item.value,
        defaultFlag: item.defaultFlag === true,
        communicationType: type.kind,
      });
    }
  if (errors.length || !firstName) throw cwErrors.invalidObject("contact", errors);
  const now = iso(call.now);
  const contact: Contact = {
    id: nextId(instance, "contact"),
    firstName,
    lastName: lastName ?? "",
    company: company ? companyRef(company) : { id: 0 },
    ...(site ? { site: { id: site.id, name: site.name } } : {}),
    ...(title ? { title } : {}),
    inactiveFlag: body.inactiveFlag === true,
    communicationItems: items,
    _info: { lastUpdated: now, dateEntered: now },
  };
  if (!company) delete (contact as Partial<Contact>).company;
  instance.contacts.set(contact.id, contact);
  return { status: 201, body: contact };
}

function contactById(call: CwCall): Contact {
  const id = recordId(call.params.id, "Contact");
  const contact = call.instance.contacts.get(id);
  if (!contact) throw cwErrors.notFound("Contact", id);
  return contact;
}

// ---- JSON-Patch

interface Operation {
  op: string;
  path: string;
  value: unknown;
}

function operations(body: unknown): Operation[] {
  if (!Array.isArray(body))
    throw cwErrors.badBody(
      "The request is invalid. A JSON Patch document (an array of operations) is required.",
    );
  return body.map((raw) => {
    const o = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
    if (typeof o.op !== "string" || typeof o.path !== "string")
      throw cwErrors.badBody("The request is invalid. Each operation needs op and path.");
    if (!["replace", "add"].includes(o.op.toLowerCase()))
      throw cwErrors.badBody(`The operation '${o.op}' is not supported.`);
    return { op: o.op.toLowerCase(), path: o.path.replace(/^\//, ""), value: o.value };
  });
}

/** Applies what it knows; an unknown path is the vendor's false 200 or a 400, as the setting says. */
function patch(
  call: CwCall,
  resource: string,
  ops: Operation[],
  appliers: Record<string, (value: unknown, errors: CwFieldError[]) => (() => void) | undefined>,
): void {
  const errors: CwFieldError[] = [];
  const changes: (() => void)[] = [];
  for (const op of ops) {
    const key = Object.keys(appliers).find((k) => k.toLowerCase() === op.path.toLowerCase());
    if (!key) {
      if (call.ctx.settings.unknownPatchPath === "reject")
        errors.push({
          code: "InvalidField",
          message: `${op.path} is not a field of ${resource}`,
          resource,
          field: op.path,
        });
      continue;
    }
    const change = appliers[key]!(op.value, errors);
    if (change) changes.push(change);
  }
  if (errors.length) throw cwErrors.invalidObject(resource, errors);
  for (const change of changes) change();
}

function patchContact(call: CwCall): CwResult {
  const contact = contactById(call);
  const text =
    (field: "firstName" | "lastName" | "title", max: number) => (value: unknown, errors: CwFieldError[]) => {
      if (typeof value !== "string" || value.length > max) {
        errors.push({
          code: "InvalidField",
          message: `${field} must be a string of at most ${max}`,
          resource: "contact",
          field,
        });
        return undefined;
      }
      return () => (contact[field] = value);
    };
  patch(call, "contact", operations(call.body), {
    inactiveFlag: (value, errors) => {
      if (typeof value !== "boolean") {
        errors.push({
          code: "InvalidField",
          message: "inactiveFlag must be a boolean",
          resource: "contact",
          field: "inactiveFlag",
        });
        return undefined;
      }
      return () => (contact.inactiveFlag = value);
    },
    firstName: text("firstName", 30),
    lastName: text("lastName", 30),
    title: text("title", 100),
  });
  contact._info.lastUpdated = iso(call.now);
  return { status: 200, body: contact };
}

// ---- tickets

function boardById(instance: Instance, id: number): Board | undefined {
  return instance.boards.get(id);
}

/** The status a reference names on the board, or the reference's own InvalidObject (§2, docs.xyte.io). */
function statusOn(board: Board, ref: unknown, errors: CwFieldError[]): BoardStatus | undefined {
  const r = typeof ref === "object" && ref !== null ? (ref as Record<string, unknown>) : {};
  const status =
    typeof r.id === "number"
      ? board.statuses.find((s) => s.id === r.id)
      : typeof r.name === "string"
        ? board.statuses.find((s) => s.name.toLowerCase() === String(r.name).toLowerCase())
        : undefined;
  if (!status)
    errors.push({
      code: "NotFound",
      message:
        typeof r.id === "number"
          ? `Service Status ${r.id} not found for Service Board ${board.id}`
          : `Service Status ${String(r.name)} not found for Service Board ${board.id}`,
      resource: "ticket",
      field: typeof r.id === "number" ? "status/id" : "status/name",
    });
  return status;
}

function setStatus(ticket: Ticket, status: BoardStatus, now: number): void {
  ticket.status = statusRef(status);
  if (status.closedStatus && !ticket.closedFlag) ticket.closedDate = iso(now);
  if (!status.closedStatus) delete ticket.closedDate;
  ticket.closedFlag = status.closedStatus;
}

function createTicket(call: CwCall): CwResult {
  const { instance } = call;
  const body = object(call.body);
  const errors: CwFieldError[] = [];
  const summary = stringField("ticket", body, "summary", 100, true, errors);
  const externalXRef = stringField("ticket", body, "externalXRef", 100, false, errors);
  const initialDescription = body.initialDescription;
  const companyId = refId(body.company);
  const company = companyId !== undefined ? instance.companies.get(companyId) : undefined;
  if (!company)
    errors.push({
      code: companyId === undefined ? "NullOrEmptyField" : "NotFound",
      message: companyId === undefined ? "company may not be empty" : `Company ${companyId} not found`,
      resource: "ticket",
      field: "company/id",
    });
  const boardId = refId(body.board);
  const board = boardId !== undefined ? boardById(instance, boardId) : [...instance.boards.values()][0];
  if (!board)
    errors.push({
      code: "NotFound",
      message: `Service Board ${String(boardId)} not found`,
      resource: "ticket",
      field: "board/id",
    });
  const status = board
    ? body.status !== undefined
      ? statusOn(board, body.status, errors)
      : (board.statuses.find((s) => s.defaultFlag) ?? board.statuses[0])
    : undefined;
  const contactId = refId(body.contact);
  const contact = contactId !== undefined ? instance.contacts.get(contactId) : undefined;
  if (contactId !== undefined && !contact)
    errors.push({
      code: "NotFound",
      message: `Contact ${contactId} not found`,
      resource: "ticket",
      field: "contact/id",
    });
  if (errors.length || !summary || !company || !board || !status)
    throw cwErrors.invalidObject("ticket", errors);
  const now = iso(call.now);
  const ticket: Ticket = {
    id: nextId(instance, "ticket"),
    summary,
    recordType: "ServiceTicket",
    board: boardRef(board),
    status: statusRef(status),
    company: companyRef(company),
    ...(contact ? { contact: contactRef(contact) } : {}),
    ...(externalXRef ? { externalXRef } : {}),
    closedFlag: false,
    _info: { lastUpdated: now, dateEntered: now },
  };
  setStatus(ticket, status, call.now);
  instance.tickets.set(ticket.id, ticket);
  // POST-only: becomes the ticket's first (Discussion) note and is never echoed back.
  if (typeof initialDescription === "string" && initialDescription)
    addNoteRecord(instance, ticket.id, { text: initialDescription, detailDescriptionFlag: true }, call);
  return { status: 201, body: ticket };
}

function ticketById(call: CwCall): Ticket {
  const id = recordId(call.params.id, "Ticket");
  const ticket = call.instance.tickets.get(id);
  if (!ticket) throw cwErrors.notFound("Ticket", id);
  return ticket;
}

function patchTicket(call: CwCall): CwResult {
  const ticket = ticketById(call);
  const board = boardById(call.instance, ticket.board.id);
  patch(call, "ticket", operations(call.body), {
    status: (value, errors) => {
      const status = board ? statusOn(board, value, errors) : undefined;
      return status ? () => setStatus(ticket, status, call.now) : undefined;
    },
    summary: (value, errors) => {
      if (typeof value !== "string" || !value || value.length > 100) {
        errors.push({
          code: "MaxLengthField",
          message: "summary has a max length of 100",
          resource: "ticket",
          field: "summary",
        });
        return undefined;
      }
      return () => (ticket.summary = value);
    },
    externalXRef: (value, errors) => {
      if (typeof value !== "string" || value.length > 100) {
        errors.push({
          code: "MaxLengthField",
          message: "externalXRef has a max length of 100",
          resource: "ticket",
          field: "externalXRef",
        });
        return undefined;
      }
      return () => (ticket.externalXRef = value);
    },
  });
  ticket._info.lastUpdated = iso(call.now);
  return { status: 200, body: ticket };
}

// ---- notes

function addNoteRecord(
  instance: Instance,
  ticketId: number,
  note: Partial<Pick<TicketNote, "detailDescriptionFlag" | "internalAnalysisFlag" | "resolutionFlag">> & {
    text: string;
  },
  call: Pick<CwCall, "now" | "member">,
): TicketNote {
  const record: TicketNote = {
    id: nextId(instance, "note"),
    ticketId,
    text: note.text,
    detailDescriptionFlag: note.detailDescriptionFlag === true,
    internalAnalysisFlag: note.internalAnalysisFlag === true,
    resolutionFlag: note.resolutionFlag === true,
    dateCreated: iso(call.now),
    createdBy: call.member,
  };
  const notes = instance.notes.get(ticketId) ?? [];
  notes.push(record);
  instance.notes.set(ticketId, notes);
  return record;
}

function createNote(call: CwCall): CwResult {
  const ticket = ticketById(call);
  const body = object(call.body);
  const errors: CwFieldError[] = [];
  const text = stringField("ticketNote", body, "text", 1_000_000, true, errors);
  const flags = ["detailDescriptionFlag", "internalAnalysisFlag", "resolutionFlag"] as const;
  for (const f of flags)
    if (body[f] !== undefined && typeof body[f] !== "boolean")
      errors.push({
        code: "InvalidField",
        message: `${f} must be a boolean`,
        resource: "ticketNote",
        field: f,
      });
  if (errors.length || !text) throw cwErrors.invalidObject("ticketNote", errors);
  const note = addNoteRecord(
    call.instance,
    ticket.id,
    {
      text,
      detailDescriptionFlag: body.detailDescriptionFlag === true,
      internalAnalysisFlag: body.internalAnalysisFlag === true,
      resolutionFlag: body.resolutionFlag === true,
    },
    call,
  );
  return { status: 201, body: note };
}

export const cwRoutes: CwRoute[] = [
  {
    method: "GET",
    path: `${apiRoot}/company/communicationTypes`,
    latency: "read",
    // The record as the vendor's CommunicationType model has it: its name is `description`, its kind flags.
    handle: (call) =>
      list(
        call,
        filtered(
          call,
          call.instance.communicationTypes.map((t) => ({
            id: t.id,
            description: t.description,
            phoneFlag: t.kind === "Phone",
            faxFlag: t.kind === "Fax",
            emailFlag: t.kind === "Email",
            defaultFlag: false,
          })),
          ["id", "description", "phoneFlag", "emailFlag", "faxFlag"],
        ),
      ),
  },
  {
    method: "GET",
    path: `${apiRoot}/company/contacts`,
    latency: "read",
    handle: (call) =>
      list(call, filtered(call, [...call.instance.contacts.values()], contactFields, contactChildFields)),
  },
  { method: "POST", path: `${apiRoot}/company/contacts`, latency: "write", handle: createContact },
  {
    method: "GET",
    path: `${apiRoot}/company/contacts/{id}`,
    latency: "read",
    handle: (call) => ({ status: 200, body: contactById(call) }),
  },
  { method: "PATCH", path: `${apiRoot}/company/contacts/{id}`, latency: "write", handle: patchContact },
  {
    method: "GET",
    path: `${apiRoot}/service/tickets`,
    latency: "read",
    handle: (call) => list(call, filtered(call, [...call.instance.tickets.values()], ticketFields)),
  },
  { method: "POST", path: `${apiRoot}/service/tickets`, latency: "write", handle: createTicket },
  {
    method: "GET",
    path: `${apiRoot}/service/tickets/{id}`,
    latency: "read",
    handle: (call) => ({ status: 200, body: ticketById(call) }),
  },
  { method: "PATCH", path: `${apiRoot}/service/tickets/{id}`, latency: "write", handle: patchTicket },
  {
    method: "GET",
    path: `${apiRoot}/service/tickets/{id}/notes`,
    latency: "read",
    handle: (call) =>
      list(call, filtered(call, [...(call.instance.notes.get(ticketById(call).id) ?? [])], [])),
  },
  { method: "POST", path: `${apiRoot}/service/tickets/{id}/notes`, latency: "write", handle: createNote },
  {
    method: "GET",
    path: `${apiRoot}/service/boards/{id}/statuses`,
    latency: "read",
    handle: (call) => {
      const id = recordId(call.params.id, "Service Board");
      const board = boardById(call.instance, id);
      if (!board) throw cwErrors.notFound("Service Board", id);
      return list(call, filtered(call, [...board.statuses], ["name", "closedStatus", "inactive"]));
    },
  },
];

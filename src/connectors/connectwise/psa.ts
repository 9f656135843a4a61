import { LifecycleError } from "../../domain/errors.ts";
import type {
  NewPsaContact,
  NewPsaTicket,
  Psa,
  PsaContact,
  PsaNote,
  PsaTicket,
  TicketPhase,
} from "../../ports/psa.ts";
import { VendorError } from "../http/index.ts";
import type { CommunicationTypeRef, ConnectwiseConfig, StatusRef } from "./config.ts";
import type { CwTransport } from "./transport.ts";
import {
  boardStatusSchema,
  communicationTypeSchema,
  contactSchema,
  ticketNoteSchema,
  ticketSchema,
  type BoardStatus,
  type CommunicationType,
  type Contact,
  type NewContactBody,
  type NewNoteBody,
  type NewTicketBody,
  type PatchOperation,
  type Ticket,
} from "./types.ts";

/** ConnectWise refuses a summary over 100 characters (MaxLengthField): shorten it ourselves. */
export const maxSummaryLength = 100;

/** The line a note's idempotency marker is written on, last in the note's text. */
export const markerLine = (marker: string): string => `[${marker}]`;

/** A value inside a conditions string is "quoted"; one that would break out of its quotes is refused. */
function quoted(value: string, what: string): string {
  if (/["\\\r\n]/.test(value))
    throw new LifecycleError({
      kind: "invalid",
      code: "INVALID_PARAMS",
      message: `the ${what} cannot be searched in ConnectWise: it contains a quote, a backslash or a line break`,
    });
  return `"${value}"`;
}

const isRecordId = (s: string): boolean => /^[1-9]\d{0,9}$/.test(s);

function notFound(error: unknown): boolean {
  return error instanceof VendorError && error.failure.code === "OBJECT_NOT_FOUND";
}

function emailsOf(contact: Contact): string[] {
  return (contact.communicationItems ?? [])
    .filter((c) => (c.communicationType ?? "Email").toLowerCase() === "email")
    .map((c) => c.value);
}

function toContact(contact: Contact, email?: string): PsaContact {
  const emails = emailsOf(contact);
  const matching = email ? emails.find((e) => e.toLowerCase() === email.toLowerCase()) : undefined;
  const defaultEmail = contact.communicationItems?.find(
    (c) => c.defaultFlag && (c.communicationType ?? "Email").toLowerCase() === "email",
  )?.value;
  return {
    id: String(contact.id),
    email: matching ?? defaultEmail ?? emails[0] ?? email ?? "",
    ...(contact.firstName ? { firstName: contact.firstName } : {}),
    ...(contact.lastName ? { lastName: contact.lastName } : {}),
    active: contact.inactiveFlag !== true,
  };
}

function summaryOf(title: string): string {
  const oneLine = title.replace(/\s+/g, " ").trim();
  return oneLine.length <= maxSummaryLength ? oneLine : `${oneLine.slice(0, maxSummaryLength - 1)}…`;
}

/**
 * The PSA port on ConnectWise PSA (reference §2): contacts of the client's company found by the
 * childConditions email query, created with POST (201) and deactivated with the vendor's inactiveFlag by
 * JSON-Patch; tickets by id (the number people use) or by externalXRef, opened on the client's board;
 * internal notes (internalAnalysisFlag) carrying their marker on their last line; statuses by PATCH.
 */
export function connectwisePsa(config: ConnectwiseConfig, cw: CwTransport): Psa {
  const boardStatuses = new Map<number, Promise<BoardStatus[]>>();

  function statusesOf(boardId: number): Promise<BoardStatus[]> {
    let pending = boardStatuses.get(boardId);
    if (!pending) {
      pending = cw.list(
        `/service/boards/${boardId}/statuses`,
        "GET /service/boards/{id}/statuses",
        boardStatusSchema,
      );
      pending.catch(() => boardStatuses.delete(boardId));
      boardStatuses.set(boardId, pending);
    }
    return pending;
  }

  async function statusId(ref: StatusRef, boardId: number): Promise<number> {
    if (typeof ref === "number") return ref;
    const found = (await statusesOf(boardId)).find((s) => s.name.toLowerCase() === ref.toLowerCase());
    if (!found) {
      boardStatuses.delete(boardId); // Perhaps added since: look again next time.
      throw new LifecycleError({
        kind: "invalid",
        code: "PSA_STATUS_NOT_FOUND",
        message: `ConnectWise board ${boardId} has no status named "${ref}"`,
      });
    }
    return found.id;
  }

  let communicationTypes: Promise<CommunicationType[]> | undefined;

  /** The phone type by its id, or by its name among the site's phone types (read once). */
  async function phoneTypeId(ref: CommunicationTypeRef): Promise<number> {
    if (typeof ref === "number") return ref;
    communicationTypes ??= cw.list(
      "/company/communicationTypes",
      "GET /company/communicationTypes",
      communicationTypeSchema,
    );
    const phones = (await communicationTypes.catch(forgetTypes)).filter((t) => t.phoneFlag === true);
    const found = phones.find((t) => t.description.trim().toLowerCase() === ref.trim().toLowerCase());
    if (found) return found.id;
    communicationTypes = undefined; // Perhaps added since: look again next time.
    throw new LifecycleError({
      kind: "invalid",
      code: "PSA_CONFIG_VALUE_UNKNOWN",
      message:
        `the client's config names "${ref}" for phoneCommunicationType, which is not a phone ` +
        `communication type of the ConnectWise site (its phone types: ${phones.map((t) => `${t.id} "${t.description}"`).join(", ") || "none"})`,
    });
  }

  function forgetTypes(error: unknown): never {
    communicationTypes = undefined;
    throw error;
  }

  async function urlOf(id: number): Promise<string | undefined> {
    if (config.ticketUrl === false) return undefined;
    const link = await cw.webLink();
    const parts: Record<string, string> = {
      site: link.site,
      codebase: link.codebase,
      company: encodeURIComponent(link.company),
      id: String(id),
    };
    return config.ticketUrl.replace(/\{(site|codebase|company|id)\}/g, (_, name: string) => parts[name]!);
  }

  async function closed(ticket: Ticket): Promise<boolean> {
    if (ticket.closedFlag !== undefined) return ticket.closedFlag;
    if (!ticket.status || !ticket.board) return false;
    const status = (await statusesOf(ticket.board.id)).find((s) => s.id === ticket.status?.id);
    return status?.closedStatus === true;
  }

  async function toTicket(ticket: Ticket): Promise<PsaTicket> {
    const url = await urlOf(ticket.id);
    return {
      id: String(ticket.id),
      number: String(ticket.id),
      title: ticket.summary,
      closed: await closed(ticket),
      ...(url !== undefined ? { url } : {}),
    };
  }

  async function getTicket(id: string): Promise<Ticket | undefined> {
    if (!isRecordId(id)) return undefined;
    try {
      return await cw.send({
        method: "GET",
        path: `/service/tickets/${id}`,
        call: "GET /service/tickets/{id}",
        schema: ticketSchema,
      });
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
  }

  async function requireTicket(id: string): Promise<Ticket> {
    const ticket = await getTicket(id);
    if (ticket) return ticket;
    throw new LifecycleError({
      kind: "not-found",
      code: "OBJECT_NOT_FOUND",
      message: `ConnectWise has no ticket ${id}`,
    });
  }

  async function notesOf(ticketId: string) {
    if (!isRecordId(ticketId)) return [];
    return cw.list(`/service/tickets/${ticketId}/notes`, "GET /service/tickets/{id}/notes", ticketNoteSchema);
  }

  async function findNote(ticketId: string, marker: string): Promise<PsaNote | undefined> {
    const line = markerLine(marker);
    const note = (await notesOf(ticketId)).find((n) =>
      (n.text ?? "").split(/\r?\n/).some((l) => l.trim() === line),
    );
    return note ? { id: String(note.id), marker } : undefined;
  }

  return {
    async findContact(email) {
      const address = email.trim();
      const found = await cw.list("/company/contacts", "GET /company/contacts", contactSchema, {
        conditions: `company/id=${config.companyId}`,
        childConditions: `communicationItems/value=${quoted(address, "email address")} AND communicationItems/communicationType="Email"`,
      });
      // The vendor's match is trusted only as far as it goes: the address must be one of the contact's.
      const matching = found.filter((c) =>
        emailsOf(c).some((e) => e.toLowerCase() === address.toLowerCase()),
      );
      const best = matching.find((c) => c.inactiveFlag !== true) ?? matching[0];
      return best ? toContact(best, address) : undefined;
    },

    async createContact(contact: NewPsaContact) {
      const phoneType = contact.phone ? await phoneTypeId(config.phoneCommunicationType) : undefined;
      const body: NewContactBody = {
        firstName: contact.firstName,
        lastName: contact.lastName,
        company: { id: config.companyId },
        ...(config.siteId !== undefined ? { site: { id: config.siteId } } : {}),
        ...(contact.title ? { title: contact.title } : {}),
        communicationItems: [
          {
            type: { id: config.emailCommunicationTypeId },
            value: contact.email,
            defaultFlag: true,
            communicationType: "Email",
          },
          ...(contact.phone && phoneType !== undefined
            ? [
                {
                  type: { id: phoneType },
                  value: contact.phone,
                  defaultFlag: true,
                  communicationType: "Phone" as const,
                },
              ]
            : []),
        ],
      };
      // A create whose answer was lost may have happened: never resent here (the step looks first).
      const created = await cw.send({
        method: "POST",
        path: "/company/contacts",
        call: "POST /company/contacts",
        body,
        schema: contactSchema,
        once: true,
      });
      return toContact(created, contact.email);
    },

    async setContactActive(contactId, active) {
      if (!isRecordId(contactId))
        throw new LifecycleError({
          kind: "not-found",
          code: "OBJECT_NOT_FOUND",
          message: `ConnectWise has no contact ${contactId}`,
        });
      const patch: PatchOperation[] = [{ op: "replace", path: "inactiveFlag", value: !active }];
      const updated = await cw.send({
        method: "PATCH",
        path: `/company/contacts/${contactId}`,
        call: "PATCH /company/contacts/{id}",
        body: patch,
        schema: contactSchema,
      });
      // A PATCH whose path the vendor did not apply still answers 200: the record it sends back tells.
      if ((updated.inactiveFlag === true) !== !active)
        throw new LifecycleError({
          kind: "fatal",
          code: "NOT_VERIFIED",
          message: `ConnectWise answered the PATCH of contact ${contactId} with inactiveFlag ${String(updated.inactiveFlag)}`,
        });
    },

    async findTicket(number) {
      const ticket = await getTicket(number.trim().replace(/^#/, ""));
      // A connector instance serves one client: another company's ticket is not this client's to log to.
      if (!ticket || ticket.company?.id !== config.companyId) return undefined;
      return toTicket(ticket);
    },

    async findTicketByReference(reference) {
      const found = await cw.list("/service/tickets", "GET /service/tickets", ticketSchema, {
        conditions: `externalXRef=${quoted(reference, "reference")} and company/id=${config.companyId}`,
      });
      const ticket = found.find((t) => t.externalXRef === reference);
      return ticket ? toTicket(ticket) : undefined;
    },

    async openTicket(ticket: NewPsaTicket) {
      const body: NewTicketBody = {
        summary: summaryOf(ticket.title),
        company: { id: config.companyId },
        board: { id: config.boardId },
        ...(config.openStatus !== undefined
          ? { status: { id: await statusId(config.openStatus, config.boardId) } }
          : {}),
        ...(ticket.contactId && isRecordId(ticket.contactId)
          ? { contact: { id: Number(ticket.contactId) } }
          : {}),
        initialDescription: ticket.description,
        externalXRef: ticket.reference,
      };
      const created = await cw.send({
        method: "POST",
        path: "/service/tickets",
        call: "POST /service/tickets",
        body,
        schema: ticketSchema,
        once: true,
      });
      return toTicket(created);
    },

    async addNote(ticketId, note) {
      if (!isRecordId(ticketId))
        throw new LifecycleError({
          kind: "not-found",
          code: "OBJECT_NOT_FOUND",
          message: `ConnectWise has no ticket ${ticketId}`,
        });
      // Looking for the marker first is the caller's (findNote), where an earlier attempt may have posted.
      const body: NewNoteBody = {
        text: `${note.text.trimEnd()}\n\n${markerLine(note.marker)}`,
        detailDescriptionFlag: false,
        internalAnalysisFlag: true,
        resolutionFlag: false,
      };
      const created = await cw.send({
        method: "POST",
        path: `/service/tickets/${ticketId}/notes`,
        call: "POST /service/tickets/{id}/notes",
        body,
        schema: ticketNoteSchema,
        once: true,
      });
      return { id: String(created.id), marker: note.marker };
    },

    findNote,

    async setTicketPhase(ticketId, phase: TicketPhase) {
      const ref = config.statuses[phase];
      if (ref === undefined) return;
      // Names are the ticket's own board's: a ticket named in the request may sit on another board.
      const boardId =
        typeof ref === "number"
          ? config.boardId
          : ((await requireTicket(ticketId)).board?.id ?? config.boardId);
      const id = await statusId(ref, boardId);
      const patch: PatchOperation[] = [{ op: "replace", path: "status", value: { id } }];
      if (!isRecordId(ticketId))
        throw new LifecycleError({
          kind: "not-found",
          code: "OBJECT_NOT_FOUND",
          message: `ConnectWise has no ticket ${ticketId}`,
        });
      const updated = await cw.send({
        method: "PATCH",
        path: `/service/tickets/${ticketId}`,
        call: "PATCH /service/tickets/{id}",
        body: patch,
        schema: ticketSchema,
      });
      if (updated.status?.id !== id)
        throw new LifecycleError({
          kind: "fatal",
          code: "NOT_VERIFIED",
          message: `ConnectWise answered the PATCH of ticket ${ticketId} with status ${String(updated.status?.id)}, not ${id}`,
        });
    },
  };
}

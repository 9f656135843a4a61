import { LifecycleError } from "../../domain/errors.ts";
import type {
  NewPsaContact,
  NewPsaTicket,
  Psa,
  PsaContact,
  PsaNote,
  PsaTicket,
  TicketPhase,
} from "../../ports/index.ts";
import { VendorError } from "../http/index.ts";
import type { AutotaskConfig } from "./config.ts";
import { Picklists, ResolvedConfig } from "./picklists.ts";
import {
  contactItem,
  ticketItem,
  ticketNoteItem,
  type ContactItem,
  type ContactModel,
  type Filter,
  type TicketItem,
  type TicketModel,
  type TicketNoteModel,
} from "./schemas.ts";
import type { AutotaskTransport } from "./transport.ts";

// Field lengths from the entity documentation (reference §3): a longer value is refused with a 500.
const titleMax = 255;
const descriptionMax = 8000;
const externalIdMax = 50;
// TicketNotes.description is plain text of at most 3,200 characters in Autotask's field list.
const noteMax = 3200;

/** How the idempotency marker is written into a note's text, on a line of its own at the end. */
const markerLine = (marker: string): string => `Lifecycle-Marker: ${marker}`;
const markerPattern = /^Lifecycle-Marker: (\S+)\s*$/m;

const eq = (field: string, value: string | number): Filter => ({ op: "eq", field, value });

/**
 * The Psa port on Autotask, bound to one client's company by its config. Contacts are read at the root
 * (`/Contacts/query`) and written under their company (`/Companies/{id}/Contacts`); tickets are found by
 * ticketNumber (or id) and by externalID within the company; notes go under the ticket with the
 * configured internal `publish` value and carry their marker in the text. The statuses, queue, priority,
 * ticket type, note type and publish value the config names are checked against (and, by label, looked
 * up in) the instance's own picklists before the first ticket call.
 */
export function autotaskPsa(config: AutotaskConfig, at: AutotaskTransport): Psa {
  const company = eq("companyID", config.companyID);
  const values = new ResolvedConfig(config, new Picklists(at));

  // A refused ticket or note write may mean a picklist value went away in Autotask: read them again.
  const writeTicket = (c: Parameters<AutotaskTransport["write"]>[0]): Promise<number> =>
    at.write(c).catch((err: unknown) => {
      if (err instanceof VendorError && err.failure.kind === "invalid") values.forget();
      throw err;
    });

  const first = async <T>(items: AsyncIterable<T>): Promise<T | undefined> => {
    for await (const item of items) return item;
    return undefined;
  };

  const contactOf = (c: ContactItem): PsaContact => ({
    id: String(c.id),
    email: c.emailAddress ?? "",
    ...(c.firstName ? { firstName: c.firstName } : {}),
    ...(c.lastName ? { lastName: c.lastName } : {}),
    active: c.isActive === 1 || c.isActive === true,
  });

  const ticketOf = async (t: TicketItem): Promise<PsaTicket> => ({
    id: String(t.id),
    number: t.ticketNumber,
    title: t.title ?? "",
    closed: (await values.get()).statuses.closed.includes(t.status),
  });

  const findTicketWhere = (filter: Filter): Promise<TicketItem | undefined> =>
    first(at.query("Tickets", [company, filter], ticketItem));

  return {
    async findContact(email) {
      const wanted = email.trim().toLowerCase();
      // Autotask compares text without regard to case; the answer is checked again all the same.
      for await (const c of at.query("Contacts", [company, eq("emailAddress", wanted)], contactItem))
        if (c.emailAddress?.toLowerCase() === wanted) return contactOf(c);
      return undefined;
    },

    async createContact(contact: NewPsaContact) {
      const body: ContactModel = {
        firstName: fit(contact.firstName, 50, "firstName"),
        lastName: fit(contact.lastName, 50, "lastName"),
        emailAddress: fit(contact.email.trim(), 254, "email"),
        isActive: 1,
        ...(contact.title ? { title: fit(contact.title, 50, "title") } : {}),
        ...(contact.phone ? { phone: fit(contact.phone, 25, "phone") } : {}),
        ...(config.companyLocationID !== undefined ? { companyLocationID: config.companyLocationID } : {}),
      };
      const id = await at.write({
        method: "POST",
        path: `/V1.0/Companies/${config.companyID}/Contacts`,
        endpoint: "Contacts",
        call: "POST /V1.0/Companies/{id}/Contacts",
        body,
        once: true,
      });
      return {
        id: String(id),
        email: body.emailAddress ?? contact.email,
        firstName: contact.firstName,
        lastName: contact.lastName,
        active: true,
      };
    },

    async setContactActive(contactId, active) {
      const body: ContactModel = { id: idOf(contactId, "contact"), isActive: active ? 1 : 0 };
      await at.write({
        method: "PATCH",
        path: `/V1.0/Companies/${config.companyID}/Contacts`,
        endpoint: "Contacts",
        call: "PATCH /V1.0/Companies/{id}/Contacts",
        body,
      });
    },

    async findTicket(number) {
      const n = number.trim();
      if (!n) return undefined;
      const byNumber = await findTicketWhere(eq("ticketNumber", n));
      if (byNumber) return ticketOf(byNumber);
      // People also quote the ticket's id (what Autotask's URLs show) when they have no number at hand.
      if (/^\d{1,18}$/.test(n) && Number.isSafeInteger(Number(n))) {
        const byId = await findTicketWhere(eq("id", Number(n)));
        if (byId) return ticketOf(byId);
      }
      return undefined;
    },

    async findTicketByReference(reference) {
      const found = await findTicketWhere(eq("externalID", referenceOf(reference)));
      return found ? ticketOf(found) : undefined;
    },

    async openTicket(ticket: NewPsaTicket) {
      const v = await values.get();
      const body: TicketModel = {
        companyID: config.companyID,
        title: truncate(ticket.title, titleMax),
        description: truncate(ticket.description, descriptionMax),
        status: v.statuses.new,
        priority: v.priority,
        queueID: v.queueID,
        externalID: referenceOf(ticket.reference),
        ...(v.ticketType !== undefined ? { ticketType: v.ticketType } : {}),
        ...(config.companyLocationID !== undefined ? { companyLocationID: config.companyLocationID } : {}),
        ...(ticket.contactId !== undefined ? { contactID: idOf(ticket.contactId, "contact") } : {}),
      };
      const id = await writeTicket({
        method: "POST",
        path: "/V1.0/Tickets",
        endpoint: "Tickets",
        call: "POST /V1.0/Tickets",
        body,
        once: true,
      });
      // The create answers only the id; the number people use is read back.
      const created = await findTicketWhere(eq("id", id));
      if (!created)
        throw new LifecycleError({
          kind: "transient",
          code: "OBJECT_NOT_FOUND",
          message: `Autotask created ticket ${id} but does not find it yet`,
        });
      return ticketOf(created);
    },

    async addNote(ticketId, note) {
      const marker = markerOf(note.marker);
      const ticket = idOf(ticketId, "ticket");
      const suffix = `\n\n${markerLine(marker)}`;
      const { notes } = await values.get();
      const body: TicketNoteModel = {
        title: config.notes.title,
        description: truncate(note.text, noteMax - suffix.length) + suffix,
        noteType: notes.noteType,
        publish: notes.publish,
      };
      const id = await writeTicket({
        method: "POST",
        path: `/V1.0/Tickets/${ticket}/Notes`,
        endpoint: "TicketNotes",
        call: "POST /V1.0/Tickets/{id}/Notes",
        body,
        once: true,
      });
      return { id: String(id), marker };
    },

    async findNote(ticketId, marker): Promise<PsaNote | undefined> {
      const wanted = markerOf(marker);
      const notes = at.query("TicketNotes", [eq("ticketID", idOf(ticketId, "ticket"))], ticketNoteItem);
      for await (const n of notes) {
        const written = markerPattern.exec(n.description ?? "")?.[1];
        if (written === wanted) return { id: String(n.id), marker: written };
      }
      return undefined;
    },

    async setTicketPhase(ticketId, phase: TicketPhase) {
      if (config.statuses.phases[phase] === undefined) return;
      const id = idOf(ticketId, "ticket");
      const body: TicketModel = { id, status: (await values.get()).statuses.phases[phase] };
      await writeTicket({
        method: "PATCH",
        path: "/V1.0/Tickets",
        endpoint: "Tickets",
        call: "PATCH /V1.0/Tickets",
        body,
      });
    },
  };
}

/** Autotask ids are positive integers; anything else never came from it. */
function idOf(value: string, what: string): number {
  const n = Number(value);
  if (!/^\d{1,18}$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0)
    throw new LifecycleError({
      kind: "invalid",
      code: "PSA_ID_INVALID",
      message: `${JSON.stringify(value)} is not an Autotask ${what} id`,
    });
  return n;
}

function referenceOf(reference: string): string {
  if (!reference || reference.length > externalIdMax)
    throw new LifecycleError({
      kind: "invalid",
      code: "PSA_VALUE_INVALID",
      message: `a ticket reference must be 1 to ${externalIdMax} characters (Autotask's externalID)`,
    });
  return reference;
}

function markerOf(marker: string): string {
  if (!/^\S{1,200}$/.test(marker))
    throw new LifecycleError({
      kind: "invalid",
      code: "PSA_VALUE_INVALID",
      message: "a note marker must be 1 to 200 characters without spaces",
    });
  return marker;
}

/** A value Autotask would refuse for its length fails here, before anything is written. */
function fit(value: string, max: number, field: string): string {
  if (value.length > max)
    throw new LifecycleError({
      kind: "invalid",
      code: "PSA_VALUE_INVALID",
      message: `${field} is longer than Autotask keeps (${max} characters)`,
    });
  return value;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

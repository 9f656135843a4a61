import { LifecycleError } from "../../domain/errors.ts";
import type { NewPsaContact, NewPsaTicket, Psa, PsaContact, PsaNote, PsaTicket } from "../../ports/index.ts";
import type { HaloApi } from "./api.ts";
import type { HaloPsaConfig } from "./config.ts";
import { carriesMarker, noteHtml, textToHtml } from "./notes.ts";
import type { HaloTicket, HaloUser } from "./shapes.ts";

/** Halo's ids are integers; anything else names nothing there. */
function haloId(id: string, what: string): number {
  const trimmed = id.trim().replace(/^#/, "");
  if (!/^\d{1,10}$/.test(trimmed) || Number(trimmed) > 2_147_483_647)
    throw new LifecycleError({
      kind: "not-found",
      code: "OBJECT_NOT_FOUND",
      message: `"${id}" is not a HaloPSA ${what} id`,
    });
  return Number(trimmed);
}

const sameAddress = (a: string | null | undefined, b: string) =>
  (a ?? "").trim().toLowerCase() === b.trim().toLowerCase();

function contactOf(user: HaloUser, fallback?: { email: string }): PsaContact {
  return {
    id: String(user.id),
    email: user.emailaddress ?? fallback?.email ?? "",
    ...(user.firstname ? { firstName: user.firstname } : {}),
    ...(user.surname ? { lastName: user.surname } : {}),
    active: user.inactive !== true,
  };
}

/**
 * The PSA port over HaloPSA, for one client (config.clientId). Contacts are Halo "Users" at the client;
 * the run's reference rides in the ticket's referenceField; notes are actions with the configured outcome,
 * hidden from the end user, the marker in their last paragraph; a phase sets the mapped status_id.
 */
export function haloPsa(api: HaloApi, config: HaloPsaConfig): Psa {
  const ticketOf = (t: HaloTicket): PsaTicket => ({
    id: String(t.id),
    // Halo shows the ticket's id as its number.
    number: String(t.id),
    title: t.summary ?? "",
    closed: t.hasbeenclosed === true,
    ...(config.ticketUrl ? { url: config.ticketUrl.replace("{id}", String(t.id)) } : {}),
  });
  const ours = (t: { client_id?: number | null | undefined }) => t.client_id === config.clientId;

  return {
    async findContact(email) {
      // `search` covers Halo's indexed fields (name, email, logins): the exact address is checked here.
      const users = await api.users({ client_id: config.clientId, search: email.trim() });
      const matching = users.filter((u) => ours(u) && sameAddress(u.emailaddress, email));
      const found = matching.find((u) => u.inactive !== true) ?? matching[0];
      return found && contactOf(found);
    },

    async createContact(contact: NewPsaContact) {
      const created = await api.upsertUser(
        {
          name: `${contact.firstName} ${contact.lastName}`.trim(),
          firstname: contact.firstName,
          surname: contact.lastName,
          emailaddress: contact.email,
          client_id: config.clientId,
          ...(config.siteId !== undefined ? { site_id: config.siteId } : {}),
          ...(contact.title ? { title: contact.title } : {}),
          ...(contact.phone ? { phonenumber: contact.phone } : {}),
        },
        // A lost answer may have created it: the step's retry plans again and finds it by email.
        { once: true },
      );
      return contactOf(created, contact);
    },

    async setContactActive(contactId, active) {
      // An upsert of the one field: the same write twice leaves the same contact.
      await api.upsertUser({ id: haloId(contactId, "contact"), inactive: !active }, { once: false });
    },

    async findTicket(number) {
      let id: number;
      try {
        id = haloId(number, "ticket");
      } catch {
        return undefined;
      }
      const ticket = await api.ticket(id);
      // Another client's ticket is not this client's to write to.
      return ticket && ours(ticket) ? ticketOf(ticket) : undefined;
    },

    async findTicketByReference(reference) {
      const field = config.referenceField;
      // Open first: a run's own ticket usually is, and then one call finds it. A closed one is still
      // the run's (a retried open must not open a second), so it is asked for when no open one matched.
      for (const state of ["open", "closed"] as const) {
        const tickets = await api.tickets({
          client_id: config.clientId,
          advanced_search: [{ filter_name: field, filter_type: 2, filter_value: reference }],
          state,
        });
        const found = tickets.find((t) => ours(t) && t[field] === reference);
        if (found) return ticketOf(found);
      }
      return undefined;
    },

    async openTicket(ticket: NewPsaTicket) {
      const userId = ticket.contactId !== undefined ? haloId(ticket.contactId, "contact") : undefined;
      // Halo wants a site whenever a user is set on the ticket: the config's, else the contact's own.
      const siteId =
        config.siteId ??
        (userId !== undefined ? ((await api.user(userId))?.site_id ?? undefined) : undefined);
      const created = await api.upsertTicket(
        {
          summary: ticket.title,
          details_html: textToHtml(ticket.description),
          client_id: config.clientId,
          ...(siteId !== undefined ? { site_id: siteId } : {}),
          ...(userId !== undefined ? { user_id: userId } : {}),
          ...(config.ticketTypeId !== undefined ? { tickettype_id: config.ticketTypeId } : {}),
          ...(config.team !== undefined ? { team: config.team } : {}),
          ...(config.priorityId !== undefined ? { priority_id: config.priorityId } : {}),
          [config.referenceField]: ticket.reference,
          // The ticket type's template would overwrite the summary and details Lifecycle wrote.
          donotapplytemplateintheapi: true,
        },
        // Not resent blindly: the step's retry looks the reference up first.
        { once: true },
      );
      return ticketOf(created);
    },

    async addNote(ticketId, note): Promise<PsaNote> {
      const action = await api.addAction({
        ticket_id: haloId(ticketId, "ticket"),
        outcome_id: config.noteOutcomeId,
        hiddenfromuser: true,
        note_html: noteHtml(note.text, note.marker),
      });
      return { id: String(action.id), marker: note.marker };
    },

    async findNote(ticketId, marker) {
      const actions = await api.actions(haloId(ticketId, "ticket"));
      const found = actions.find((a) => carriesMarker(a, marker));
      return found && { id: String(found.id), marker };
    },

    async setTicketPhase(ticketId, phase) {
      const status = config.statuses[phase];
      if (status === undefined) return;
      await api.upsertTicket({ id: haloId(ticketId, "ticket"), status_id: status }, { once: false });
    },
  };
}

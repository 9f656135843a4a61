/**
 * The PSA (professional services automation) an MSP runs its tickets in: HaloPSA, ConnectWise PSA and
 * Autotask all serve it. A connector instance is bound to one client's company (or client and site) in
 * that PSA by its config, so nothing here names a company.
 */

/** An end-user contact of the client's company in the PSA. */
export interface PsaContact {
  /** The PSA's own id, as text whatever its type there. */
  id: string;
  email: string;
  firstName?: string;
  lastName?: string;
  /** False once deactivated (the vendor's own inactive flag). */
  active: boolean;
}

export interface NewPsaContact {
  firstName: string;
  lastName: string;
  email: string;
  title?: string;
  phone?: string;
}

export interface PsaTicket {
  id: string;
  /** What people call it ("48291"): the number shown in the PSA, which may differ from `id`. */
  number: string;
  title: string;
  /** Closed or resolved: notes may no longer be welcome there. */
  closed: boolean;
  /** Where a person opens it in the PSA's own web UI, when the connector knows. */
  url?: string;
}

export interface NewPsaTicket {
  title: string;
  /** Plain text; the connector renders it as the vendor needs. */
  description: string;
  /**
   * Lifecycle's own reference for the ticket (the run's id): stored in the vendor's external-reference
   * field, so a retried open finds the ticket the lost answer had created.
   */
  reference: string;
  contactId?: string;
}

/** Where a run stands, as the client maps it to one of its ticket statuses. */
export const ticketPhases = ["in-progress", "waiting-on-customer", "completed", "failed"] as const;
export type TicketPhase = (typeof ticketPhases)[number];

export interface PsaNote {
  id: string;
  /** The idempotency marker the note was posted with, read back from the ticket. */
  marker?: string;
}

export interface Psa {
  /** The contact with this address at the client's company, active or not. */
  findContact(email: string): Promise<PsaContact | undefined>;
  /** At the client's company (and site, where the PSA has sites). */
  createContact(contact: NewPsaContact): Promise<PsaContact>;
  setContactActive(contactId: string, active: boolean): Promise<void>;
  /** A ticket by the number people use ("48291"), or undefined. */
  findTicket(number: string): Promise<PsaTicket | undefined>;
  /** The ticket opened with this reference (see NewPsaTicket.reference), or undefined. */
  findTicketByReference(reference: string): Promise<PsaTicket | undefined>;
  /** On the client's board / queue / ticket type, as its config says. */
  openTicket(ticket: NewPsaTicket): Promise<PsaTicket>;
  /**
   * An internal note (never visible to the customer). `marker` is written into the note so that
   * `findNote` can tell, after a crash or a lost answer, that the note is already there.
   */
  addNote(ticketId: string, note: { text: string; marker: string }): Promise<PsaNote>;
  findNote(ticketId: string, marker: string): Promise<PsaNote | undefined>;
  /** Sets the status the client's config maps this phase to; a phase with no status is left alone. */
  setTicketPhase(ticketId: string, phase: TicketPhase): Promise<void>;
}

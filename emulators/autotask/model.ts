/**
 * One Autotask database (the MSP's: every client is a company in it), as the emulator keeps it. Field names
 * are the wire's camelCase; unset fields are null, as Autotask sends them.
 */

export interface Company {
  id: number;
  companyName: string;
  isActive: boolean;
}

export interface Contact {
  id: number;
  companyID: number;
  companyLocationID: number | null;
  firstName: string;
  lastName: string;
  emailAddress: string | null;
  title: string | null;
  phone: string | null;
  /** Autotask's own int flag: 1 active, 0 inactive. */
  isActive: 0 | 1;
  externalID: string | null;
  createDate: string;
  lastModifiedDate: string;
}

export interface Ticket {
  id: number;
  ticketNumber: string;
  companyID: number;
  companyLocationID: number | null;
  contactID: number | null;
  title: string;
  description: string | null;
  status: number;
  priority: number;
  queueID: number | null;
  ticketType: number | null;
  externalID: string | null;
  createDate: string;
  completedDate: string | null;
  lastActivityDate: string;
}

export interface TicketNote {
  id: number;
  ticketID: number;
  title: string | null;
  description: string;
  noteType: number;
  publish: number;
  createDateTime: string;
  lastActivityDate: string;
}

export interface PicklistValue {
  value: number;
  label: string;
  isActive: boolean;
  /** One of Autotask's own values (status 1 New, 5 Complete), not the MSP's. */
  isSystem: boolean;
}

/** The instance picklists the connector's config names values of. */
export const picklistFields = ["status", "priority", "queueID", "ticketType", "noteType", "publish"] as const;
export type PicklistField = (typeof picklistFields)[number];

/** An API-only user: what the three headers must name. */
export interface ApiUser {
  userName: string;
  secret: string;
  integrationCode: string;
}

export interface Database {
  companies: Map<number, Company>;
  contacts: Map<number, Contact>;
  tickets: Map<number, Ticket>;
  notes: Map<number, TicketNote>;
  picklists: Record<PicklistField, PicklistValue[]>;
  /** Ticket statuses that complete a ticket (completedDate set). */
  completeStatuses: number[];
  apiUsers: ApiUser[];
  nextId: number;
  /** Ticket numbers are T<yyyymmdd>.<nnnn>, counted per day. */
  ticketSequence: Map<string, number>;
}

export function emptyDatabase(): Database {
  return {
    companies: new Map(),
    contacts: new Map(),
    tickets: new Map(),
    notes: new Map(),
    picklists: { status: [], priority: [], queueID: [], ticketType: [], noteType: [], publish: [] },
    completeStatuses: [5],
    apiUsers: [],
    nextId: 30_000_001,
    ticketSequence: new Map(),
  };
}

export function newId(db: Database): number {
  return db.nextId++;
}

export function nextTicketNumber(db: Database, now: number): string {
  const day = new Date(now).toISOString().slice(0, 10).replaceAll("-", "");
  const n = (db.ticketSequence.get(day) ?? 0) + 1;
  db.ticketSequence.set(day, n);
  return `T${day}.${String(n).padStart(4, "0")}`;
}

/** The entities a query can name, by the path segment Autotask uses. */
export type EntityName = "Contacts" | "Tickets" | "TicketNotes";

export function rowsOf(db: Database, entity: EntityName): Record<string, unknown>[] {
  const rows =
    entity === "Contacts"
      ? [...db.contacts.values()]
      : entity === "Tickets"
        ? [...db.tickets.values()]
        : [...db.notes.values()];
  return rows as unknown as Record<string, unknown>[];
}

/** The record as the API answers it: every field, plus the (empty) user-defined fields. */
export function wire(row: object): Record<string, unknown> {
  return { ...row, userDefinedFields: [] };
}

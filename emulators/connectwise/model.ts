/**
 * What one ConnectWise PSA site holds, per login company: the API members' keys, the integrations'
 * clientIds, and the client companies with their contacts, service boards, tickets and notes. Records
 * keep the vendor's member names, so a route answers them as they are.
 */

export interface Ref {
  id: number;
  name?: string;
  identifier?: string;
  _info?: Record<string, string>;
}

export interface CommunicationType {
  id: number;
  description: string;
  /** What kind of item it is in communicationItems[].communicationType. */
  kind: "Email" | "Phone" | "Fax";
}

export interface CommunicationItem {
  id: number;
  type: { id: number; name: string };
  value: string;
  defaultFlag: boolean;
  communicationType: "Email" | "Phone" | "Fax";
}

export interface Company {
  id: number;
  identifier: string;
  name: string;
  sites: { id: number; name: string }[];
}

export interface Contact {
  id: number;
  firstName: string;
  lastName: string;
  company: Ref;
  site?: Ref;
  title?: string;
  inactiveFlag: boolean;
  communicationItems: CommunicationItem[];
  _info: { lastUpdated: string; dateEntered: string };
}

export interface BoardStatus {
  id: number;
  name: string;
  board: Ref;
  sortOrder: number;
  defaultFlag: boolean;
  inactive: boolean;
  closedStatus: boolean;
}

export interface Board {
  id: number;
  name: string;
  statuses: BoardStatus[];
}

export interface Ticket {
  id: number;
  summary: string;
  recordType: "ServiceTicket";
  board: Ref;
  status: Ref;
  company: Ref;
  contact?: Ref;
  externalXRef?: string;
  closedFlag: boolean;
  closedDate?: string;
  _info: { lastUpdated: string; dateEntered: string };
}

export interface TicketNote {
  id: number;
  ticketId: number;
  text: string;
  detailDescriptionFlag: boolean;
  internalAnalysisFlag: boolean;
  resolutionFlag: boolean;
  dateCreated: string;
  createdBy: string;
}

export interface ApiKey {
  publicKey: string;
  privateKey: string;
  /** The API member the keys belong to, as notes name their author. */
  member: string;
}

export interface Instance {
  /** The login company (the user name's part before '+'), e.g. "lifecyclemsp". */
  companyId: string;
  companyName: string;
  /** "v2025_1/": the path segment of the API, as /login/companyinfo answers it. */
  codebase: string;
  versionCode: string;
  versionNumber: string;
  isCloud: boolean;
  apiKeys: ApiKey[];
  clientIds: string[];
  communicationTypes: CommunicationType[];
  companies: Map<number, Company>;
  contacts: Map<number, Contact>;
  boards: Map<number, Board>;
  tickets: Map<number, Ticket>;
  notes: Map<number, TicketNote[]>;
  nextIds: Record<"company" | "contact" | "board" | "status" | "ticket" | "note" | "item", number>;
}

export function newInstance(
  init: Pick<Instance, "companyId" | "apiKeys" | "clientIds"> & Partial<Instance>,
): Instance {
  return {
    companyName: init.companyId,
    codebase: "v2025_1/",
    versionCode: "v2025.1",
    versionNumber: "v2025.1.10431",
    isCloud: true,
    communicationTypes: [
      { id: 1, description: "Email", kind: "Email" },
      { id: 2, description: "Direct", kind: "Phone" },
      { id: 4, description: "Cell", kind: "Phone" },
    ],
    companies: new Map(),
    contacts: new Map(),
    boards: new Map(),
    tickets: new Map(),
    notes: new Map(),
    nextIds: { company: 250, contact: 1001, board: 1, status: 1, ticket: 48291, note: 9001, item: 501 },
    ...init,
  };
}

export function nextId(instance: Instance, kind: keyof Instance["nextIds"]): number {
  const id = instance.nextIds[kind];
  instance.nextIds[kind] = id + 1;
  return id;
}

/** The reference a record carries to another, as the vendor writes it ({ id, name, _info }). */
export const companyRef = (c: Company): Ref => ({ id: c.id, identifier: c.identifier, name: c.name });
export const boardRef = (b: Board): Ref => ({ id: b.id, name: b.name });
export const statusRef = (s: BoardStatus): Ref => ({ id: s.id, name: s.name });
export const contactRef = (c: Contact): Ref => ({ id: c.id, name: `${c.firstName} ${c.lastName}`.trim() });

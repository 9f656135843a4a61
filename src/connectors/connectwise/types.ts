import { z } from "zod";

/**
 * ConnectWise PSA (Manage) REST 3.0 models, by hand from the reference notes (§2) and the generated
 * clients they cite: only the members Lifecycle reads or writes. Answers are checked with these schemas
 * (loose: the vendor sends many more members); requests are typed by the interfaces.
 */

const reference = z.looseObject({ id: z.int(), name: z.string().optional() });

/** GET /login/companyinfo/{companyId}: unauthenticated; `Codebase` is the path segment of the API. */
export const companyInfoSchema = z.looseObject({
  CompanyName: z.string().optional(),
  Codebase: z.string().regex(/^[A-Za-z0-9_.]+\/$/),
  VersionCode: z.string().optional(),
  VersionNumber: z.string().optional(),
  CompanyID: z.string().optional(),
  IsCloud: z.union([z.boolean(), z.string()]).optional(),
});
export type CompanyInfo = z.output<typeof companyInfoSchema>;

export const communicationItemSchema = z.looseObject({
  id: z.int().optional(),
  type: reference.optional(),
  value: z.string(),
  defaultFlag: z.boolean().optional(),
  /** "Email", "Phone" or "Fax". */
  communicationType: z.string().optional(),
});

export const contactSchema = z.looseObject({
  id: z.int(),
  firstName: z.string().optional(),
  lastName: z.string().nullish(),
  company: reference.nullish(),
  site: reference.nullish(),
  inactiveFlag: z.boolean().optional(),
  title: z.string().nullish(),
  communicationItems: z.array(communicationItemSchema).nullish(),
});
export type Contact = z.output<typeof contactSchema>;

export const ticketSchema = z.looseObject({
  id: z.int(),
  summary: z.string(),
  board: reference.nullish(),
  status: reference.nullish(),
  company: reference.nullish(),
  contact: reference.nullish(),
  externalXRef: z.string().nullish(),
  closedFlag: z.boolean().optional(),
});
export type Ticket = z.output<typeof ticketSchema>;

export const ticketNoteSchema = z.looseObject({
  id: z.int(),
  ticketId: z.int().optional(),
  text: z.string().nullish(),
  detailDescriptionFlag: z.boolean().optional(),
  internalAnalysisFlag: z.boolean().optional(),
  resolutionFlag: z.boolean().optional(),
});
export type TicketNote = z.output<typeof ticketNoteSchema>;

/** A status of one board (GET /service/boards/{id}/statuses). */
export const boardStatusSchema = z.looseObject({
  id: z.int(),
  name: z.string(),
  closedStatus: z.boolean().optional(),
  inactive: z.boolean().optional(),
  defaultFlag: z.boolean().optional(),
});
export type BoardStatus = z.output<typeof boardStatusSchema>;

/**
 * A communication type of the site (GET /company/communicationTypes): its name is `description`, and
 * its flags say what its items hold (the generated clients' CommunicationType model).
 */
export const communicationTypeSchema = z.looseObject({
  id: z.int(),
  description: z.string(),
  phoneFlag: z.boolean().optional(),
  emailFlag: z.boolean().optional(),
  faxFlag: z.boolean().optional(),
});
export type CommunicationType = z.output<typeof communicationTypeSchema>;

/** The error envelope of every refusal but a 429 (which sends {error, message}). */
export interface CwErrorBody {
  code?: string;
  message?: string;
  errors?: { code?: string; message?: string; resource?: string; field?: string }[] | null;
  /** A 429's body: {"error":"ConnectWiseAPI","message":"Too many requests. …"}. */
  error?: string;
}

export interface Ref {
  id: number;
}

export interface NewCommunicationItem {
  type: Ref;
  value: string;
  defaultFlag: boolean;
  communicationType: "Email" | "Phone";
}

/** POST /company/contacts. */
export interface NewContactBody {
  firstName: string;
  lastName: string;
  company: Ref;
  site?: Ref;
  title?: string;
  communicationItems: NewCommunicationItem[];
}

/** POST /service/tickets: `initialDescription` is POST-only and never echoed back. */
export interface NewTicketBody {
  summary: string;
  company: Ref;
  board: Ref;
  status?: Ref | { name: string };
  contact?: Ref;
  initialDescription: string;
  externalXRef: string;
}

/** POST /service/tickets/{id}/notes: an internal note (never the customer-visible Discussion). */
export interface NewNoteBody {
  text: string;
  detailDescriptionFlag: false;
  internalAnalysisFlag: true;
  resolutionFlag: false;
}

/** One JSON-Patch operation; ConnectWise takes PATCH bodies only as arrays of these. */
export interface PatchOperation {
  op: "replace";
  path: string;
  value: unknown;
}

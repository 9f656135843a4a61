import type { ApprovalLinks } from "./approval-links.ts";
import type { Authentication } from "./authentication.ts";
import type { Devices } from "./devices.ts";
import type { Docs } from "./docs.ts";
import type { IdentityDirectory } from "./identity-directory.ts";
import type { InitialPasswords } from "./initial-passwords.ts";
import type { Licensing } from "./licensing.ts";
import type { MailSender } from "./mail-sender.ts";
import type { MailboxAdmin } from "./mailbox-admin.ts";
import type { Mailboxes } from "./mailboxes.ts";
import type { OneTimeLinks } from "./one-time-links.ts";
import type { Psa } from "./psa.ts";
import type { Rmm } from "./rmm.ts";
import type { RunRecord } from "./run-record.ts";

export type * from "./approval-links.ts";
export type * from "./authentication.ts";
export type * from "./devices.ts";
export type * from "./docs.ts";
export type * from "./identity-directory.ts";
export type * from "./initial-passwords.ts";
export type * from "./licensing.ts";
export type * from "./mail-sender.ts";
export type * from "./mailbox-admin.ts";
export type * from "./mailboxes.ts";
export type * from "./one-time-links.ts";
export type * from "./psa.ts";
export type * from "./rmm.ts";
export type * from "./run-record.ts";
export { ticketPhases } from "./psa.ts";

/**
 * Every capability an action may ask of a client's systems, by port name. Connectors provide some of them;
 * composition decides which connector instance serves which port for a client (and for a step).
 */
export interface Ports {
  directory: IdentityDirectory;
  licensing: Licensing;
  mailboxes: Mailboxes;
  authentication: Authentication;
  devices: Devices;
  mailSender: MailSender;
  mailboxAdmin: MailboxAdmin;
  oneTimeLinks: OneTimeLinks;
  initialPasswords: InitialPasswords;
  approvalLinks: ApprovalLinks;
  psa: Psa;
  rmm: Rmm;
  docs: Docs;
  runRecord: RunRecord;
}

export type PortName = keyof Ports;

export const portNames = [
  "directory",
  "licensing",
  "mailboxes",
  "authentication",
  "devices",
  "mailSender",
  "mailboxAdmin",
  "oneTimeLinks",
  "initialPasswords",
  "approvalLinks",
  "psa",
  "rmm",
  "docs",
  "runRecord",
] as const satisfies readonly PortName[];

/** How a finding names a port: the words a technician knows, not the code's. */
export const portWords: Record<PortName, string> = {
  directory: "the identity directory",
  licensing: "licensing",
  mailboxes: "mailboxes",
  authentication: "authentication methods",
  devices: "devices",
  mailSender: "sending mail",
  mailboxAdmin: "mailbox administration",
  oneTimeLinks: "one-time links",
  initialPasswords: "initial passwords",
  approvalLinks: "approval links",
  psa: "a PSA",
  rmm: "an RMM",
  docs: "IT documentation",
  runRecord: "the run record",
};

/** The ports a client (or a step) has: an action names what it needs and fails clearly without. */
export type Capabilities = Partial<Ports>;

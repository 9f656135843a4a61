import type { DirectoryGroup, MailboxState, Sku } from "../ports/index.ts";

/**
 * Read-only questions the planner asks a client's systems. Each is optional: a client whose identity
 * connector is not set up yet is planned from the request and configuration alone, and says so.
 */
export interface LiveState {
  /** Whether a sign-in name is already used in the client's directory. */
  isUsernameTaken?(upn: string): Promise<boolean>;
  /**
   * The directory's facts about an existing user, read at submission: an offboarding of nobody is refused
   * then, and the lock-out steps start with their write instead of a read.
   */
  findUser?(upn: string): Promise<{ id: string; onPremisesSyncEnabled: boolean } | undefined>;
  /** A group by display name or address (a distribution list is found by its address). */
  findGroup?(nameOrMail: string): Promise<DirectoryGroup | undefined>;
  /** The template of a "copy from": undefined when there is no such user. */
  readTemplate?(upn: string): Promise<{ directSkuIds: string[] } | undefined>;
  /** The UPN of a user's manager; undefined when the user has none (or is not there). */
  managerOf?(upn: string): Promise<string | undefined>;
  /** A mailbox or shared mailbox by address, from the system that administers mailboxes. */
  findMailbox?(address: string): Promise<Pick<MailboxState, "type" | "primarySmtpAddress"> | undefined>;
  /** A ticket of the client's PSA by the number people quote; undefined when the PSA has none. */
  findTicket?(number: string): Promise<{ number: string; title: string; closed: boolean } | undefined>;
  /** The tenant's subscriptions with their seats. */
  skus?(): Promise<Sku[]>;
  /** A device waiting in the client's Autopilot, by serial number. */
  findAutopilotDevice?(serial: string): Promise<{ serialNumber: string } | undefined>;
  /** A device of the client in its RMM, by serial number, and the RMM's name (NinjaOne, Datto RMM). */
  findRmmDevice?(serial: string): Promise<{ name: string; vendor: string } | undefined>;
}

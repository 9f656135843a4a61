export type MailboxType = "user" | "shared" | "room" | "equipment" | "other";

export interface MailboxState {
  type: MailboxType;
  /** Lowercased; may differ from the UPN, and is how list members and forwarding targets read back. */
  primarySmtpAddress: string;
  hiddenFromAddressLists: boolean;
  /** Internal recipient or external SMTP address mail is forwarded to, if any. */
  forwardingTo?: string;
  deliverToMailboxAndForward: boolean;
}

export interface AutoReply {
  state: "enabled" | "disabled" | "scheduled";
  internalMessage?: string;
  externalMessage?: string;
  externalAudience?: "all" | "none" | "known";
}

export interface MobileDevice {
  identity: string;
  friendlyName?: string;
  deviceType?: string;
}

/** Mailbox administration (Exchange Online's cmdlets today): the mailbox's type, visibility, forwarding,
 * replies, devices, permissions, signature and list membership. */
export interface MailboxAdmin {
  mailbox(upn: string): Promise<MailboxState | undefined>;
  setMailboxType(upn: string, type: "shared" | "regular"): Promise<void>;
  setHiddenFromAddressLists(upn: string, hidden: boolean): Promise<void>;
  /** An address that is a recipient here forwards internally (ForwardingAddress), any other externally. */
  setForwarding(upn: string, forwarding: { to: string; keepCopy: boolean } | undefined): Promise<void>;
  autoReply(upn: string): Promise<AutoReply>;
  setAutoReply(upn: string, reply: AutoReply): Promise<void>;
  mobileDevices(upn: string): Promise<MobileDevice[]>;
  removeMobileDevice(identity: string): Promise<void>;
  /** Who holds FullAccess / SendAs on a mailbox (addresses, lowercased). */
  fullAccessHolders(mailbox: string): Promise<string[]>;
  grantFullAccess(mailbox: string, grantee: string): Promise<void>;
  sendAsHolders(mailbox: string): Promise<string[]>;
  grantSendAs(mailbox: string, grantee: string): Promise<void>;
  signature(upn: string): Promise<string | undefined>;
  setSignature(upn: string, html: string): Promise<void>;
  /** Members of a distribution list or mail-enabled security group (addresses, lowercased). */
  listMembers(group: string): Promise<string[]>;
  /** Fails not-found with code RECIPIENT_NOT_FOUND while the member is not a recipient yet. */
  addListMember(group: string, member: string): Promise<void>;
  removeListMember(group: string, member: string): Promise<void>;
}

/**
 * What actions may ask of a client's systems. Connectors implement these (Microsoft Graph today, on-prem
 * AD later), so one action serves every directory. Identity is explicit: `upn` or `userId`, never either.
 */
export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  accountEnabled: boolean;
  /** Synced from on-prem AD: most changes must be made there. */
  onPremisesSyncEnabled: boolean;
  usageLocation?: string;
  department?: string;
  jobTitle?: string;
  signInSessionsValidFromDateTime?: string;
}

/** Where and what someone works as: the attributes a new user gets, and a template passes on. */
export interface UserAttributes {
  department?: string;
  jobTitle?: string;
  companyName?: string;
  officeLocation?: string;
  city?: string;
  state?: string;
  country?: string;
  streetAddress?: string;
  postalCode?: string;
}

export interface NewUser extends UserAttributes {
  upn: string;
  displayName: string;
  givenName: string;
  surname: string;
  mailNickname: string;
  usageLocation: string;
  employeeId?: string;
  employeeHireDate?: string;
  /** Generated, used once in the create call, never stored or logged. */
  password: string;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  mail?: string;
  /** Where membership is changed: the directory API, or Exchange for mail-enabled groups and lists. */
  managedBy: "directory" | "exchange";
  /** Membership is computed by a rule, or owned by on-prem AD: it cannot be changed here. */
  readOnlyReason?: string;
  /** Members get licenses through this group (group-based licensing). */
  assignsLicenses?: boolean;
}

/** What a "copy from" onboarding takes from an existing user. */
export interface UserTemplate {
  upn: string;
  attributes: UserAttributes & { usageLocation?: string };
  groups: DirectoryGroup[];
  /** Licenses assigned to the template directly, not through a group: the ones a copy assigns. */
  directSkuIds: string[];
}

export interface IdentityDirectory {
  findUser(upn: string): Promise<DirectoryUser | undefined>;
  createUser(user: NewUser): Promise<DirectoryUser>;
  getManager(userId: string): Promise<{ id: string; userPrincipalName: string } | undefined>;
  setManager(userId: string, managerId: string): Promise<void>;
  findGroup(nameOrMail: string): Promise<DirectoryGroup | undefined>;
  groupsOf(userId: string): Promise<DirectoryGroup[]>;
  addMember(groupId: string, userId: string): Promise<void>;
  removeMember(groupId: string, userId: string): Promise<void>;
  revokeSessions(userId: string): Promise<void>;
  setAccountEnabled(userId: string, enabled: boolean): Promise<void>;
  setPassword(userId: string, password: string, forceChange: boolean): Promise<void>;
  readTemplate(upn: string): Promise<UserTemplate | undefined>;
  deleteUser(userId: string): Promise<void>;
}

export interface Sku {
  skuId: string;
  skuPartNumber: string;
  enabled: number;
  consumed: number;
}

export interface Licensing {
  skus(): Promise<Sku[]>;
  assignedSkuIds(userId: string): Promise<string[]>;
  assign(userId: string, skuId: string): Promise<void>;
  remove(userId: string, skuIds: string[]): Promise<void>;
}

export interface Mailboxes {
  /** The mailbox exists and answers (provisioning after licensing takes a while). */
  isProvisioned(upn: string): Promise<boolean>;
}

// --- Authentication methods (Graph) --------------------------------------------------------------

export interface AuthMethod {
  id: string;
  /** Graph's type without its namespace, e.g. "phoneAuthenticationMethod". */
  type: string;
  displayName?: string;
  /** Graph's clock, ISO 8601: tells a pass issued by this attempt from an older one. */
  createdDateTime?: string;
}

export interface TemporaryAccessPass {
  id: string;
  /** The secret itself: handed to a one-time link, never to a log, event or ticket. */
  pass: string;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}

export interface Authentication {
  methods(userId: string): Promise<AuthMethod[]>;
  removeMethod(userId: string, method: AuthMethod): Promise<void>;
  issueTemporaryAccessPass(
    userId: string,
    opts: { startDateTime?: string; lifetimeInMinutes: number; isUsableOnce: boolean },
  ): Promise<TemporaryAccessPass>;
}

// --- Devices (Intune, Autopilot) -----------------------------------------------------------------

export interface ManagedDevice {
  id: string;
  deviceName: string;
  serialNumber?: string;
  managementState: string;
  /** A retire or wipe already issued and not failed or cancelled. */
  pendingAction?: "retire" | "wipe";
}

export interface AutopilotDevice {
  id: string;
  serialNumber: string;
  userPrincipalName?: string;
}

export interface Devices {
  managedDevicesOf(userId: string): Promise<ManagedDevice[]>;
  retire(deviceId: string): Promise<void>;
  wipe(deviceId: string): Promise<void>;
  findAutopilotDevice(serialNumber: string): Promise<AutopilotDevice | undefined>;
  assignAutopilotUser(deviceId: string, upn: string, displayName: string): Promise<void>;
}

// --- Mail sending (Graph sendMail) ---------------------------------------------------------------

export interface OutgoingMail {
  to: string[];
  subject: string;
  html: string;
  /** Stamped on the message, so a retry finds the copy in Sent Items instead of sending again. */
  idempotencyKey: string;
}

export interface MailSender {
  send(fromMailbox: string, mail: OutgoingMail): Promise<void>;
  /** The sender's Sent Items copy of the message stamped with this key, if it was sent. */
  findSent(
    fromMailbox: string,
    idempotencyKey: string,
  ): Promise<{ messageId: string; sentAt?: string } | undefined>;
}

// --- Exchange Online (InvokeCommand) -------------------------------------------------------------

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

export interface ExchangeOnline {
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
  /** Fails not-found with code "RecipientNotFound" while the member is not a recipient yet. */
  addListMember(group: string, member: string): Promise<void>;
  removeListMember(group: string, member: string): Promise<void>;
}

// --- Product-side capabilities -------------------------------------------------------------------

/**
 * Hands a secret (a Temporary Access Pass) to a person through a link that shows it once and expires.
 * The same key replaces the earlier secret, so a retried step never leaves two live links.
 */
export interface OneTimeLinks {
  share(key: string, secret: string, opts: { label: string; expiresAt: Date }): Promise<{ url: string }>;
}

/** The subset of capabilities a client has; an action names what it needs and fails clearly without. */
export interface Capabilities {
  directory?: IdentityDirectory;
  licensing?: Licensing;
  mailboxes?: Mailboxes;
  authentication?: Authentication;
  devices?: Devices;
  mailSender?: MailSender;
  exchange?: ExchangeOnline;
  oneTimeLinks?: OneTimeLinks;
}

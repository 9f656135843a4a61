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

export interface NewUser {
  upn: string;
  displayName: string;
  givenName: string;
  surname: string;
  mailNickname: string;
  usageLocation: string;
  department?: string;
  jobTitle?: string;
  companyName?: string;
  officeLocation?: string;
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

/** The subset of capabilities a client has; an action names what it needs and fails clearly without. */
export interface Capabilities {
  directory?: IdentityDirectory;
  licensing?: Licensing;
  mailboxes?: Mailboxes;
}

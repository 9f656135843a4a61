/**
 * The identity directory: users, managers, groups and sign-in. Entra ID and on-prem AD both serve it, so one
 * action serves every directory. Identity is explicit: `upn` or `userId`, never either.
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

/** A person as a type-ahead shows them: enough to pick the right one, nothing about their account. */
export interface DirectoryPerson {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail?: string;
  department?: string;
  jobTitle?: string;
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
  /** The SKUs (ids) the group assigns, where the directory says: each member holds a seat of every one. */
  licenseSkuIds?: string[];
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
  /**
   * People whose name, sign-in name or address starts with `prefix` (case-insensitive), at most `limit`,
   * ordered by display name: a form's manager or user type-ahead.
   */
  searchPeople(prefix: string, limit: number): Promise<DirectoryPerson[]>;
}

import type { Json, JsonObject } from "./json.ts";

/**
 * The emulator's state. Graph-visible properties live in `props` under their Graph names, so
 * $select, $filter and serialisation need no mapping table; what Graph never returns (passwords,
 * visibility instants, pending conversions) lives beside them.
 */

export interface AppRegistration {
  clientId: string;
  displayName: string;
  secrets: string[];
  /** SHA-1 (x5t) or SHA-256 (x5t#S256) thumbprints, base64url; empty accepts any certificate. */
  certificateThumbprints: string[];
  /** False models an app whose service principal exists but was never granted consent (AADSTS65001). */
  consented: boolean;
  graphRoles: string[];
  exchangeRoles: string[];
  /** Entra roles assigned to the app's service principal, e.g. "User Administrator". */
  directoryRoles: string[];
}

export interface DirectLicense {
  skuId: string;
  disabledPlans: string[];
  assignedAt: number;
}

/** licenseAssignmentState.error as Graph sends it; "None" when assigned (the docs say null). */
export const groupLicenseErrors = [
  "None",
  "CountViolation",
  "MutuallyExclusiveViolation",
  "DependencyViolation",
  "ProhibitedInUsageLocationViolation",
  "UniquenessViolation",
  "Other",
] as const;
export type GroupLicenseError = (typeof groupLicenseErrors)[number];

export interface GroupLicense {
  skuId: string;
  groupId: string;
  disabledPlans: string[];
  state: "Active" | "Error";
  error: GroupLicenseError;
  updatedAt: number;
}

export interface AuthMethod {
  id: string;
  /** The CSDL type without namespace, e.g. "phoneAuthenticationMethod". */
  type: AuthMethodType;
  createdAt: number;
  props: JsonObject;
}

export type AuthMethodType =
  | "passwordAuthenticationMethod"
  | "phoneAuthenticationMethod"
  | "microsoftAuthenticatorAuthenticationMethod"
  | "fido2AuthenticationMethod"
  | "emailAuthenticationMethod"
  | "softwareOathAuthenticationMethod"
  | "windowsHelloForBusinessAuthenticationMethod"
  | "temporaryAccessPassAuthenticationMethod";

export interface UserRecord {
  id: string;
  /** Reads through another replica see the object only from this instant (replication lag). */
  visibleAt: number;
  props: Record<string, Json>;
  password: string | undefined;
  managerId: string | undefined;
  directLicenses: DirectLicense[];
  groupLicenses: GroupLicense[];
  /** assignLicense reads usageLocation from a replica too: a fresh PATCH counts only from here. */
  usageLocationEffectiveAt: number;
  authMethods: AuthMethod[];
  /** What other replicas still answer after a recent update, until `until` (replication lag). */
  replica?: { props: Record<string, Json>; until: number } | undefined;
}

export type GroupKind = "security" | "microsoft365" | "mailEnabledSecurity" | "distribution" | "dynamic";

export interface GroupRecord {
  id: string;
  visibleAt: number;
  props: Record<string, Json>;
  /** Object ids of users and groups; ignored for dynamic groups, whose members follow the rule. */
  members: Set<string>;
  /** The members other replicas still answer after a recent change, until `until` (replication lag). */
  replica?: { members: Set<string>; until: number } | undefined;
}

export type MailboxType = "UserMailbox" | "SharedMailbox" | "RoomMailbox" | "EquipmentMailbox";

export interface AutoReply {
  state: "Enabled" | "Disabled" | "Scheduled";
  internalMessage: string;
  externalMessage: string;
  externalAudience: "None" | "Known" | "All";
  startTime: number;
  endTime: number;
}

export interface MailboxPermission {
  userId: string;
  accessRights: string[];
  automapping: boolean;
  inheritanceType: string;
}

export interface MailboxRecord {
  userId: string;
  guid: string;
  alias: string;
  createdAt: number;
  /** Exchange finishes provisioning at this instant; until then Graph and EXO do not know it. */
  readyAt: number;
  type: MailboxType;
  pendingType: { type: MailboxType; readyAt: number } | undefined;
  forwardingSmtpAddress: string | null;
  forwardingAddressId: string | null;
  deliverToMailboxAndForward: boolean;
  hiddenFromAddressListsEnabled: boolean;
  grantSendOnBehalfTo: string[];
  fullAccess: MailboxPermission[];
  sendAs: string[];
  autoReply: AutoReply;
  messageConfiguration: Record<string, Json>;
  settings: Record<string, Json>;
}

export interface MobileDeviceRecord {
  guid: string;
  userId: string;
  deviceId: string;
  deviceModel: string;
  deviceOS: string;
  deviceType: string;
  friendlyName: string;
  firstSyncTime: number;
}

export interface SkuRecord {
  skuId: string;
  skuPartNumber: string;
  capabilityStatus: string;
  prepaidUnits: { enabled: number; suspended: number; warning: number; lockedOut: number };
  servicePlans: {
    servicePlanId: string;
    servicePlanName: string;
    appliesTo: string;
    provisioningStatus: string;
  }[];
  subscriptionIds: string[];
}

export interface DeviceRecord {
  id: string;
  props: Record<string, Json>;
}

export interface SentMessage {
  id: string;
  at: string;
  fromUserId: string;
  from: string;
  toRecipients: string[];
  ccRecipients: string[];
  bccRecipients: string[];
  subject: string;
  contentType: string;
  content: string;
  saveToSentItems: boolean;
  message: JsonObject;
}

export interface Tenant {
  id: string;
  displayName: string;
  /** Lower-case; the first is the default domain, the `.onmicrosoft.com` one is always present. */
  domains: string[];
  initialDomain: string;
  apps: AppRegistration[];
  users: Map<string, UserRecord>;
  groups: Map<string, GroupRecord>;
  skus: Map<string, SkuRecord>;
  mailboxes: Map<string, MailboxRecord>;
  mobileDevices: Map<string, MobileDeviceRecord>;
  managedDevices: Map<string, DeviceRecord>;
  autopilotDevices: Map<string, DeviceRecord>;
  sentMail: SentMessage[];
  /** The Exchange server name quoted in "couldn't be found on '…'" errors. */
  exchangeServer: string;
}

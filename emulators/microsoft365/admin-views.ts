import { skuView } from "./directory/licensing.ts";
import { primarySmtp } from "./directory/mailboxes.ts";
import { directGroupsOf, groupKind, membersOf, transitiveGroupsOf } from "./directory/membership.ts";
import type { Json, JsonObject } from "./json.ts";
import type { GroupKind, GroupRecord, MailboxRecord, Tenant, UserRecord } from "./model.ts";
import { upnOf } from "./state.ts";

/** What the admin surface shows: the emulator's whole truth, including what Graph never returns. */

export interface TenantInfo {
  id: string;
  displayName: string;
  domains: string[];
  initialDomain: string;
  apps: {
    clientId: string;
    clientSecret: string | undefined;
    displayName: string;
    consented: boolean;
    roles: string[];
    directoryRoles: string[];
  }[];
  counts: { users: number; groups: number; mailboxes: number; skus: number; sentMail: number };
}

export interface GroupRef {
  id: string;
  displayName: string;
  kind: GroupKind;
}

export interface MailboxInfo {
  userId: string;
  userPrincipalName: string;
  primarySmtpAddress: string;
  ready: boolean;
  readyAt: string;
  recipientTypeDetails: string;
  pendingType: { type: string; readyAt: string } | null;
  forwardingSmtpAddress: string | null;
  forwardingAddress: string | null;
  deliverToMailboxAndForward: boolean;
  hiddenFromAddressListsEnabled: boolean;
  grantSendOnBehalfTo: string[];
  fullAccess: { user: string; accessRights: string[]; automapping: boolean }[];
  sendAs: string[];
  autoReply: JsonObject;
  messageConfiguration: Record<string, Json>;
  mobileDevices: { guid: string; deviceId: string; deviceModel: string; friendlyName: string }[];
}

export interface UserInfo {
  id: string;
  userPrincipalName: string;
  displayName: string;
  accountEnabled: boolean;
  /** The password as last set: the emulator keeps it so tests can prove a reset happened. */
  password: string | undefined;
  visibleAt: string;
  manager: string | null;
  licenses: {
    skuId: string;
    skuPartNumber: string;
    assignedByGroup: string | null;
    state: string;
    error: string;
  }[];
  groups: GroupRef[];
  transitiveGroups: GroupRef[];
  mailbox: MailboxInfo | null;
  authMethods: { id: string; type: string }[];
  props: Record<string, Json>;
}

export interface GroupInfo extends GroupRef {
  mail: string | null;
  onPremisesSyncEnabled: boolean;
  assignedLicenses: string[];
  members: { id: string; name: string }[];
}

export function tenantInfo(tenant: Tenant): TenantInfo {
  return {
    id: tenant.id,
    displayName: tenant.displayName,
    domains: [...tenant.domains],
    initialDomain: tenant.initialDomain,
    apps: tenant.apps.map((a) => ({
      clientId: a.clientId,
      clientSecret: a.secrets[0],
      displayName: a.displayName,
      consented: a.consented,
      roles: [...a.graphRoles, ...a.exchangeRoles],
      directoryRoles: [...a.directoryRoles],
    })),
    counts: {
      users: tenant.users.size,
      groups: tenant.groups.size,
      mailboxes: tenant.mailboxes.size,
      skus: tenant.skus.size,
      sentMail: tenant.sentMail.length,
    },
  };
}

const groupRef = (g: GroupRecord): GroupRef => ({
  id: g.id,
  displayName: String(g.props.displayName),
  kind: groupKind(g),
});

function nameOf(tenant: Tenant, id: string): string {
  const user = tenant.users.get(id);
  return user ? upnOf(user) : String(tenant.groups.get(id)?.props.displayName ?? id);
}

export function mailboxInfo(tenant: Tenant, mailbox: MailboxRecord, now: number): MailboxInfo {
  const user = tenant.users.get(mailbox.userId);
  const r = mailbox.autoReply;
  return {
    userId: mailbox.userId,
    userPrincipalName: user ? upnOf(user) : "",
    primarySmtpAddress: user ? primarySmtp(user) : "",
    ready: mailbox.readyAt <= now,
    readyAt: new Date(mailbox.readyAt).toISOString(),
    recipientTypeDetails: mailbox.type,
    pendingType: mailbox.pendingType
      ? { type: mailbox.pendingType.type, readyAt: new Date(mailbox.pendingType.readyAt).toISOString() }
      : null,
    forwardingSmtpAddress: mailbox.forwardingSmtpAddress,
    forwardingAddress: mailbox.forwardingAddressId ? nameOf(tenant, mailbox.forwardingAddressId) : null,
    deliverToMailboxAndForward: mailbox.deliverToMailboxAndForward,
    hiddenFromAddressListsEnabled: mailbox.hiddenFromAddressListsEnabled,
    grantSendOnBehalfTo: mailbox.grantSendOnBehalfTo.map((id) => nameOf(tenant, id)),
    fullAccess: mailbox.fullAccess.map((p) => ({
      user: nameOf(tenant, p.userId),
      accessRights: p.accessRights,
      automapping: p.automapping,
    })),
    sendAs: mailbox.sendAs.map((id) => nameOf(tenant, id)),
    autoReply: {
      state: r.state,
      internalMessage: r.internalMessage,
      externalMessage: r.externalMessage,
      externalAudience: r.externalAudience,
      startTime: new Date(r.startTime).toISOString(),
      endTime: new Date(r.endTime).toISOString(),
    },
    messageConfiguration: { ...mailbox.messageConfiguration },
    mobileDevices: [...tenant.mobileDevices.values()]
      .filter((d) => d.userId === mailbox.userId)
      .map((d) => ({
        guid: d.guid,
        deviceId: d.deviceId,
        deviceModel: d.deviceModel,
        friendlyName: d.friendlyName,
      })),
  };
}

export function userInfo(tenant: Tenant, user: UserRecord, now: number): UserInfo {
  const mailbox = tenant.mailboxes.get(user.id);
  const sku = (id: string) => tenant.skus.get(id)?.skuPartNumber ?? id;
  return {
    id: user.id,
    userPrincipalName: upnOf(user),
    displayName: String(user.props.displayName ?? ""),
    accountEnabled: user.props.accountEnabled === true,
    password: user.password,
    visibleAt: new Date(user.visibleAt).toISOString(),
    manager: user.managerId ? nameOf(tenant, user.managerId) : null,
    licenses: [
      ...user.directLicenses.map((l) => ({
        skuId: l.skuId,
        skuPartNumber: sku(l.skuId),
        assignedByGroup: null,
        state: "Active",
        error: "None",
      })),
      ...user.groupLicenses.map((l) => ({
        skuId: l.skuId,
        skuPartNumber: sku(l.skuId),
        assignedByGroup: l.groupId,
        state: l.state,
        error: l.error,
      })),
    ],
    groups: directGroupsOf(tenant, user.id).map(groupRef),
    transitiveGroups: transitiveGroupsOf(tenant, user.id).map(groupRef),
    mailbox: mailbox ? mailboxInfo(tenant, mailbox, now) : null,
    authMethods: user.authMethods.map((m) => ({ id: m.id, type: m.type })),
    props: { ...user.props },
  };
}

export function groupInfo(tenant: Tenant, group: GroupRecord): GroupInfo {
  const licenses = Array.isArray(group.props.assignedLicenses) ? group.props.assignedLicenses : [];
  return {
    ...groupRef(group),
    mail: typeof group.props.mail === "string" ? group.props.mail : null,
    onPremisesSyncEnabled: group.props.onPremisesSyncEnabled === true,
    assignedLicenses: licenses.map((l) => {
      const id = typeof l === "object" && l !== null && !Array.isArray(l) ? String(l.skuId) : String(l);
      return tenant.skus.get(id)?.skuPartNumber ?? id;
    }),
    members: membersOf(tenant, group).map((id) => ({ id, name: nameOf(tenant, id) })),
  };
}

export { skuView };

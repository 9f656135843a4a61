import { isoSeconds } from "../clock.ts";
import { primarySmtp } from "../directory/mailboxes.ts";
import { groupKind } from "../directory/membership.ts";
import type { JsonObject } from "../json.ts";
import type { GroupRecord, MailboxRecord, Tenant, UserRecord } from "../model.ts";
import { upnOf } from "../state.ts";
import { recipientName } from "./recipients.ts";

/**
 * Objects as InvokeCommand returns them: PowerShell property names, quotas as formatted strings,
 * TimeSpans as "14.00:00:00", and `@odata.type` annotations on collections (reference §16).
 */

const quota = (gb: number): string => `${gb} GB (${(gb * 1024 ** 3).toLocaleString("en-US")} bytes)`;

export function mailboxView(tenant: Tenant, user: UserRecord, mailbox: MailboxRecord): JsonObject {
  const smtp = primarySmtp(user);
  const shared = mailbox.type === "SharedMailbox";
  const proxies = Array.isArray(user.props.proxyAddresses)
    ? user.props.proxyAddresses.map(String)
    : [`SMTP:${smtp}`];
  return {
    Identity: mailbox.alias,
    Name: mailbox.alias,
    Alias: mailbox.alias,
    DisplayName: String(user.props.displayName ?? ""),
    PrimarySmtpAddress: smtp,
    UserPrincipalName: upnOf(user),
    WindowsEmailAddress: smtp,
    "EmailAddresses@odata.type": "#Collection(String)",
    EmailAddresses: proxies,
    RecipientType: "UserMailbox",
    RecipientTypeDetails: mailbox.type,
    IsShared: shared,
    ExternalDirectoryObjectId: user.id,
    Guid: mailbox.guid,
    ExchangeGuid: mailbox.guid,
    ForwardingAddress: mailbox.forwardingAddressId
      ? recipientName(tenant, mailbox.forwardingAddressId)
      : null,
    ForwardingSmtpAddress: mailbox.forwardingSmtpAddress ? `smtp:${mailbox.forwardingSmtpAddress}` : null,
    DeliverToMailboxAndForward: mailbox.deliverToMailboxAndForward,
    HiddenFromAddressListsEnabled: mailbox.hiddenFromAddressListsEnabled,
    "GrantSendOnBehalfTo@odata.type": "#Collection(String)",
    GrantSendOnBehalfTo: mailbox.grantSendOnBehalfTo.map((id) => recipientName(tenant, id)),
    AccountDisabled: user.props.accountEnabled === false,
    IsMailboxEnabled: true,
    IssueWarningQuota: quota(shared ? 49 : 98),
    ProhibitSendQuota: quota(shared ? 49.5 : 99),
    ProhibitSendReceiveQuota: quota(shared ? 50 : 100),
    RetainDeletedItemsFor: "14.00:00:00",
    WhenCreated: isoSeconds(mailbox.createdAt),
    WhenMailboxCreated: isoSeconds(mailbox.readyAt),
  };
}

export function recipientView(tenant: Tenant, id: string): JsonObject | undefined {
  const mailbox = tenant.mailboxes.get(id);
  const user = tenant.users.get(id);
  if (mailbox && user) {
    return {
      Identity: mailbox.alias,
      Name: mailbox.alias,
      DisplayName: String(user.props.displayName ?? ""),
      PrimarySmtpAddress: primarySmtp(user),
      RecipientType: "UserMailbox",
      RecipientTypeDetails: mailbox.type,
      ExternalDirectoryObjectId: user.id,
      Guid: mailbox.guid,
    };
  }
  const group = tenant.groups.get(id);
  return group ? distributionGroupView(group) : undefined;
}

export function distributionGroupView(group: GroupRecord): JsonObject {
  const security = groupKind(group) === "mailEnabledSecurity";
  return {
    Identity: String(group.props.displayName ?? group.id),
    Name: String(group.props.displayName ?? group.id),
    DisplayName: String(group.props.displayName ?? ""),
    Alias: String(group.props.mailNickname ?? ""),
    PrimarySmtpAddress: String(group.props.mail ?? ""),
    GroupType: security ? "Universal, SecurityEnabled" : "Universal",
    RecipientType: security ? "MailUniversalSecurityGroup" : "MailUniversalDistributionGroup",
    RecipientTypeDetails: security ? "MailUniversalSecurityGroup" : "MailUniversalDistributionGroup",
    ExternalDirectoryObjectId: group.id,
    Guid: group.id,
  };
}

import { readyMailbox, primarySmtp } from "../directory/mailboxes.ts";
import { groupKind, isExchangeManaged } from "../directory/membership.ts";
import { exoErrors } from "../errors.ts";
import type { GroupRecord, MailboxRecord, Tenant, UserRecord } from "../model.ts";
import { upnOf } from "../state.ts";

/**
 * Exchange resolves an -Identity by name, alias, any SMTP address, UPN, GUID or directory object
 * id. Only provisioned mailboxes and mail-enabled groups are recipients: a user whose mailbox is
 * still provisioning "couldn't be found", which is what makes CIPP reschedule (reference §16).
 */

export type Recipient =
  { kind: "mailbox"; user: UserRecord; mailbox: MailboxRecord } | { kind: "group"; group: GroupRecord };

function addressesOf(values: unknown): string[] {
  return Array.isArray(values)
    ? values.map((v) =>
        String(v)
          .replace(/^smtp:/i, "")
          .toLowerCase(),
      )
    : [];
}

function userMatches(user: UserRecord, mailbox: MailboxRecord, key: string): boolean {
  return [
    upnOf(user),
    primarySmtp(user),
    mailbox.alias,
    mailbox.guid,
    user.id,
    String(user.props.displayName ?? ""),
    ...addressesOf(user.props.proxyAddresses),
  ].some((candidate) => candidate.toLowerCase() === key);
}

function groupMatches(group: GroupRecord, key: string): boolean {
  return [
    group.id,
    String(group.props.mail ?? ""),
    String(group.props.displayName ?? ""),
    String(group.props.mailNickname ?? ""),
    ...addressesOf(group.props.proxyAddresses),
  ].some((candidate) => candidate.toLowerCase() === key);
}

export function findMailbox(
  tenant: Tenant,
  identity: string,
  now: number,
): (Recipient & { kind: "mailbox" }) | undefined {
  const key = identity.trim().toLowerCase();
  for (const mailbox of tenant.mailboxes.values()) {
    const user = tenant.users.get(mailbox.userId);
    if (user && readyMailbox(tenant, user.id, now) && userMatches(user, mailbox, key))
      return { kind: "mailbox", user, mailbox };
  }
  return undefined;
}

/** Mail-enabled security groups and distribution lists; Microsoft 365 groups are not among them. */
export function findDistributionGroup(tenant: Tenant, identity: string): GroupRecord | undefined {
  const key = identity.trim().toLowerCase();
  return [...tenant.groups.values()].find((g) => isExchangeManaged(g) && groupMatches(g, key));
}

export function requireMailbox(
  tenant: Tenant,
  identity: string,
  now: number,
): Recipient & { kind: "mailbox" } {
  const found = findMailbox(tenant, identity, now);
  if (!found) throw exoErrors.objectNotFound(identity, tenant.exchangeServer);
  return found;
}

export function requireDistributionGroup(tenant: Tenant, identity: string): GroupRecord {
  const group = findDistributionGroup(tenant, identity);
  if (!group) throw exoErrors.objectNotFound(identity, tenant.exchangeServer);
  return group;
}

/** A provisioned mailbox or a mail-enabled group (Microsoft 365 groups included) by any identity. */
export function findRecipient(tenant: Tenant, identity: string, now: number): Recipient | undefined {
  const mailbox = findMailbox(tenant, identity, now);
  if (mailbox) return mailbox;
  const key = identity.trim().toLowerCase();
  const group = [...tenant.groups.values()].find(
    (g) => g.props.mailEnabled === true && groupKind(g) !== "dynamic" && groupMatches(g, key),
  );
  return group ? { kind: "group", group } : undefined;
}

/** A -Member, -User, -Trustee or -ForwardingAddress value: not found is the Ex94914C error. */
export function requireRecipient(tenant: Tenant, identity: string, now: number): Recipient {
  const found = findRecipient(tenant, identity, now);
  if (!found) throw exoErrors.recipientNotFound(identity);
  return found;
}

export function recipientId(recipient: Recipient): string {
  return recipient.kind === "mailbox" ? recipient.user.id : recipient.group.id;
}

/** The Name Exchange shows for a recipient in another object's properties. */
export function recipientName(tenant: Tenant, id: string): string {
  const mailbox = tenant.mailboxes.get(id);
  if (mailbox) return mailbox.alias;
  const group = tenant.groups.get(id);
  return String(group?.props.displayName ?? id);
}

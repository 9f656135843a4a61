import { randomUUID } from "node:crypto";
import type { MailboxRecord, MailboxType, Tenant, UserRecord } from "../model.ts";
import { upnOf } from "../state.ts";

/**
 * Mailboxes appear a while after a licence with an Exchange plan is assigned, and conversions take
 * a while to show. Both are instants compared with the clock, settled lazily at the start of each
 * request, so no timer runs in the background.
 */

export function createMailbox(
  tenant: Tenant,
  user: UserRecord,
  opts: { type: MailboxType; now: number; readyAt: number },
): MailboxRecord {
  const upn = upnOf(user);
  const mailbox: MailboxRecord = {
    userId: user.id,
    guid: randomUUID(),
    alias: String(user.props.mailNickname ?? upn.split("@")[0] ?? upn),
    createdAt: opts.now,
    readyAt: opts.readyAt,
    type: opts.type,
    pendingType: undefined,
    forwardingSmtpAddress: null,
    forwardingAddressId: null,
    deliverToMailboxAndForward: false,
    hiddenFromAddressListsEnabled: false,
    grantSendOnBehalfTo: [],
    fullAccess: [],
    sendAs: [],
    autoReply: {
      state: "Disabled",
      internalMessage: "",
      externalMessage: "",
      externalAudience: "All",
      startTime: opts.now,
      endTime: opts.now + 24 * 3600_000,
    },
    messageConfiguration: {
      SignatureHtml: "",
      SignatureText: "",
      AutoAddSignature: false,
      AutoAddSignatureOnReply: false,
      SignatureTextOnMobile: "",
      UseDefaultSignatureOnMobile: true,
    },
    settings: {
      archiveFolder: Buffer.from(`archive:${user.id}`).toString("base64url"),
      timeZone: "UTC",
      language: { locale: "en-US", displayName: "English (United States)" },
      dateFormat: "M/d/yyyy",
      timeFormat: "h:mm tt",
      delegateMeetingMessageDeliveryOptions: "sendToDelegateOnly",
      workingHours: {
        daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"],
        startTime: "08:00:00.0000000",
        endTime: "17:00:00.0000000",
        timeZone: { name: "UTC" },
      },
    },
  };
  tenant.mailboxes.set(user.id, mailbox);
  return mailbox;
}

export function readyMailbox(tenant: Tenant, userId: string, now: number): MailboxRecord | undefined {
  const mailbox = tenant.mailboxes.get(userId);
  return mailbox && mailbox.readyAt <= now ? mailbox : undefined;
}

/** Applies what has come due: provisioned mailboxes get their addresses, conversions take effect. */
export function settleMailboxes(tenant: Tenant, now: number): void {
  for (const mailbox of tenant.mailboxes.values()) {
    if (mailbox.pendingType && mailbox.pendingType.readyAt <= now) {
      mailbox.type = mailbox.pendingType.type;
      mailbox.pendingType = undefined;
    }
    if (mailbox.readyAt > now) continue;
    const user = tenant.users.get(mailbox.userId);
    if (!user || user.props.mail) continue;
    const address = upnOf(user).toLowerCase();
    user.props.mail = address;
    const proxies = Array.isArray(user.props.proxyAddresses) ? user.props.proxyAddresses.map(String) : [];
    if (!proxies.some((p) => p.toLowerCase() === `smtp:${address}`)) {
      user.props.proxyAddresses = [`SMTP:${address}`, ...proxies];
    }
  }
}

export function primarySmtp(user: UserRecord): string {
  return String(user.props.mail ?? upnOf(user)).toLowerCase();
}

export function userPurpose(type: MailboxType): string {
  return { UserMailbox: "user", SharedMailbox: "shared", RoomMailbox: "room", EquipmentMailbox: "equipment" }[
    type
  ];
}

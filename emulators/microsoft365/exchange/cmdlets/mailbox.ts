import { readyMailbox } from "../../directory/mailboxes.ts";
import { exoErrors } from "../../errors.ts";
import { getCaseless, isObject } from "../../json.ts";
import type { MailboxRecord, MailboxType } from "../../model.ts";
import { noChange, ok, type Cmdlet, type CmdletCall } from "../cmdlet.ts";
import type { Params } from "../params.ts";
import { recipientId, requireMailbox, requireRecipient } from "../recipients.ts";
import { mailboxView } from "../views.ts";

/**
 * Get-Mailbox and Set-Mailbox. A -Type change is accepted at once but RecipientTypeDetails moves
 * only after the conversion delay, so a verify that reads too early sees the old type.
 */

export const getMailbox: Cmdlet = {
  name: "Get-Mailbox",
  latency: "exoRead",
  parameters: ["Identity", "ResultSize", "RecipientTypeDetails", "Filter"],
  run(call) {
    const identity = call.params.string("Identity");
    if (identity) {
      const { user, mailbox } = requireMailbox(call.tenant, identity, call.now);
      return ok([mailboxView(call.tenant, user, mailbox)]);
    }
    const wanted = call.params.list("RecipientTypeDetails");
    const value = [...call.tenant.mailboxes.values()].flatMap((mailbox) => {
      const user = call.tenant.users.get(mailbox.userId);
      if (!user || !readyMailbox(call.tenant, user.id, call.now)) return [];
      if (wanted && !wanted.some((w) => w.toLowerCase() === mailbox.type.toLowerCase())) return [];
      return [mailboxView(call.tenant, user, mailbox)];
    });
    return ok(value);
  },
};

const typeParameter = ["Regular", "Shared", "Room", "Equipment"] as const;
const typeTargets: Record<(typeof typeParameter)[number], MailboxType> = {
  Regular: "UserMailbox",
  Shared: "SharedMailbox",
  Room: "RoomMailbox",
  Equipment: "EquipmentMailbox",
};

function forwardingSmtp(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null || value === "") return value === "" ? null : value;
  const address = value.replace(/^smtp:/i, "");
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) {
    throw exoErrors.parameterInvalid("ForwardingSmtpAddress", `"${value}" isn't a valid SMTP address.`);
  }
  return address.toLowerCase();
}

/** GrantSendOnBehalfTo takes a list (replace) or a GenericHashTable with add/remove. */
function sendOnBehalf(call: CmdletCall, mailbox: MailboxRecord, params: Params): string[] {
  const raw = params.raw("GrantSendOnBehalfTo");
  const resolve = (identity: string): string =>
    recipientId(requireRecipient(call.tenant, identity, call.now));
  const asList = (v: unknown): string[] =>
    v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
  if (raw === null) return [];
  if (isObject(raw)) {
    const add = asList(getCaseless(raw, "add")).map(resolve);
    const remove = asList(getCaseless(raw, "remove")).map(resolve);
    return [...new Set([...mailbox.grantSendOnBehalfTo.filter((id) => !remove.includes(id)), ...add])];
  }
  return [...new Set(asList(raw).map(resolve))];
}

function convert(mailbox: MailboxRecord, target: MailboxType, now: number, delayMs: number): boolean {
  const current = mailbox.pendingType?.type ?? mailbox.type;
  if (current === target) return false;
  if (delayMs <= 0) {
    mailbox.type = target;
    mailbox.pendingType = undefined;
  } else {
    mailbox.pendingType = { type: target, readyAt: now + delayMs };
  }
  return true;
}

export const setMailbox: Cmdlet = {
  name: "Set-Mailbox",
  latency: "exoMailboxWrite",
  parameters: [
    "Identity",
    "Type",
    "ForwardingSmtpAddress",
    "ForwardingAddress",
    "DeliverToMailboxAndForward",
    "HiddenFromAddressListsEnabled",
    "GrantSendOnBehalfTo",
  ],
  run(call) {
    const { params, tenant, now } = call;
    const identity = params.required("Identity");
    const { mailbox } = requireMailbox(tenant, identity, now);
    const before = JSON.stringify({ ...mailbox, pendingType: mailbox.pendingType?.type });
    const type = params.choice(
      "Type",
      typeParameter,
      "Microsoft.Exchange.Management.RecipientTasks.ConvertibleMailboxSubType",
    );
    if (type) convert(mailbox, typeTargets[type], now, call.ctx.settings.mailboxConversionDelayMs);
    if (params.has("ForwardingSmtpAddress")) {
      mailbox.forwardingSmtpAddress = forwardingSmtp(params.string("ForwardingSmtpAddress")) ?? null;
    }
    if (params.has("ForwardingAddress")) {
      const target = params.string("ForwardingAddress");
      mailbox.forwardingAddressId = target ? recipientId(requireRecipient(tenant, target, now)) : null;
    }
    const deliver = params.bool("DeliverToMailboxAndForward");
    if (deliver !== undefined) mailbox.deliverToMailboxAndForward = deliver;
    const hidden = params.bool("HiddenFromAddressListsEnabled");
    if (hidden !== undefined) mailbox.hiddenFromAddressListsEnabled = hidden;
    if (params.has("GrantSendOnBehalfTo")) mailbox.grantSendOnBehalfTo = sendOnBehalf(call, mailbox, params);
    const changed = JSON.stringify({ ...mailbox, pendingType: mailbox.pendingType?.type }) !== before;
    return ok([], changed ? [] : [noChange(identity)]);
  },
};

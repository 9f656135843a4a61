import { LifecycleError } from "../../domain/errors.ts";
import type { Capabilities, MailboxAdmin, MailboxState } from "../../ports/index.ts";
import { defineAction, type StepContext } from "../define.ts";
import { onPremReason } from "../identity/disable-sign-in.ts";
import { resolvePerson } from "../identity/resolve-manager.ts";
import { resolveUser } from "../identity/resolve-user.ts";
import { need } from "../need.ts";
import { requireMailbox } from "./require-mailbox.ts";

interface Params {
  upn: string;
  /** An address, or "manager": the leaver's manager. */
  address: string;
  keepCopy: boolean;
}

/** The forwarding target as Exchange will read it back: an internal mailbox by its primary address. */
async function target(
  p: Params,
  ctx: StepContext<Capabilities>,
  exchange: MailboxAdmin,
  own: MailboxState,
): Promise<string> {
  const to = await resolvePerson(need(ctx.caps, "directory"), p.address, p.upn);
  const address = (await exchange.mailbox(to))?.primarySmtpAddress ?? to;
  if (address === own.primarySmtpAddress || to === p.upn.toLowerCase())
    throw new LifecycleError({
      kind: "invalid",
      code: "ForwardToSelf",
      message: `${p.upn} cannot forward to itself`,
    });
  return address;
}

const matches = (m: MailboxState, to: string, keepCopy: boolean) =>
  m.forwardingTo === to && m.deliverToMailboxAndForward === keepCopy;

const describe = (m: MailboxState) =>
  m.forwardingTo
    ? `forwarding to ${m.forwardingTo}${m.deliverToMailboxAndForward ? ", keeping a copy" : ""}`
    : "no forwarding";

export const setForwarding = defineAction<Params, Capabilities>("mail.set-forwarding", {
  async plan(p, ctx) {
    const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
    // Hybrid: forwarding attributes are mastered on-prem and the next sync would undo a change here.
    if (user.onPremisesSyncEnabled) return { kind: "skip", reason: onPremReason };
    const exchange = need(ctx.caps, "mailboxAdmin");
    const mailbox = await requireMailbox(exchange, p.upn);
    const to = await target(p, ctx, exchange, mailbox);
    if (matches(mailbox, to, p.keepCopy)) return { kind: "already-done", detail: describe(mailbox) };
    return {
      kind: "will-change",
      summary: `forward mail to ${to}${p.keepCopy ? ", keeping a copy" : ", keeping no copy"}`,
      from: describe(mailbox),
      to,
    };
  },
  async apply(p, ctx) {
    const exchange = need(ctx.caps, "mailboxAdmin");
    const to = await target(p, ctx, exchange, await requireMailbox(exchange, p.upn));
    await exchange.setForwarding(p.upn, { to, keepCopy: p.keepCopy });
    return {
      kind: "done",
      detail: `forwarding to ${to}`,
      data: { forwardingTo: to, keepCopy: p.keepCopy },
    };
  },
  async verify(p, ctx) {
    const exchange = need(ctx.caps, "mailboxAdmin");
    const mailbox = await requireMailbox(exchange, p.upn);
    const to = await target(p, ctx, exchange, mailbox);
    return matches(mailbox, to, p.keepCopy)
      ? { kind: "verified" }
      : { kind: "not-verified", observed: describe(mailbox) };
  },
});

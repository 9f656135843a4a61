import { z } from "zod";
import type { IdentityDirectory, MailboxAdmin, MailboxState } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { onPremReason } from "../identity/disable-sign-in.ts";
import { actionError } from "../support/fail.ts";
import { addressOrManager, upn } from "../support/params.ts";
import { requireMailbox } from "../support/require-mailbox.ts";
import { personOrManager, resolvePerson } from "../support/resolve-manager.ts";
import { resolveUser } from "../support/resolve-user.ts";

const params = z.strictObject({
  upn,
  /** An address, or "manager": the leaver's manager. */
  address: addressOrManager,
  keepCopy: z.boolean(),
});
type Params = z.output<typeof params>;

/** The forwarding target as Exchange will read it back: an internal mailbox by its primary address. */
async function target(
  p: Params,
  directory: IdentityDirectory,
  exchange: MailboxAdmin,
  own: MailboxState,
): Promise<string> {
  const to = await resolvePerson(directory, p.address, p.upn);
  const address = (await exchange.mailbox(to))?.primarySmtpAddress ?? to;
  if (address === own.primarySmtpAddress || to === p.upn.toLowerCase())
    throw actionError("FORWARD_TO_SELF", `${p.upn} cannot forward to itself`);
  return address;
}

const matches = (m: MailboxState, to: string, keepCopy: boolean) =>
  m.forwardingTo === to && m.deliverToMailboxAndForward === keepCopy;

const describe = (m: MailboxState) =>
  m.forwardingTo
    ? `forwarding to ${m.forwardingTo}${m.deliverToMailboxAndForward ? ", keeping a copy" : ""}`
    : "no forwarding";

export const setForwarding = defineAction({
  type: "mail.set-forwarding",
  params,
  ports: ["directory", "mailboxAdmin"],
  async plan(p, ctx) {
    const user = await resolveUser(ctx.ports.directory, p.upn);
    // Hybrid: forwarding attributes are mastered on-prem and the next sync would undo a change here.
    if (user.onPremisesSyncEnabled) return { kind: "skip", reason: onPremReason };
    const exchange = ctx.ports.mailboxAdmin;
    const mailbox = await requireMailbox(exchange, p.upn);
    const to = await target(p, ctx.ports.directory, exchange, mailbox);
    if (matches(mailbox, to, p.keepCopy)) return { kind: "already-done", detail: describe(mailbox) };
    return {
      kind: "will-change",
      summary: `forward mail to ${to}${p.keepCopy ? ", keeping a copy" : ", keeping no copy"}`,
      from: describe(mailbox),
      to,
    };
  },
  async apply(p, ctx) {
    const exchange = ctx.ports.mailboxAdmin;
    const before = await requireMailbox(exchange, p.upn);
    const to = await target(p, ctx.ports.directory, exchange, before);
    await exchange.setForwarding(p.upn, { to, keepCopy: p.keepCopy });
    return {
      kind: "done",
      detail: `forwarding to ${to}`,
      // What was there before, for the evidence report (and what undoing the step would restore).
      data: {
        forwardingTo: to,
        keepCopy: p.keepCopy,
        previous: {
          forwardingTo: before.forwardingTo ?? null,
          keepCopy: before.deliverToMailboxAndForward ?? false,
        },
      },
    };
  },
  async verify(p, ctx) {
    const exchange = ctx.ports.mailboxAdmin;
    const mailbox = await requireMailbox(exchange, p.upn);
    const to = await target(p, ctx.ports.directory, exchange, mailbox);
    return matches(mailbox, to, p.keepCopy)
      ? { kind: "verified" }
      : { kind: "not-verified", observed: describe(mailbox) };
  },
  // Compared as the directory names the target, as the offboarding verification always has.
  residualAccess: {
    what: "mailbox",
    async check(p, ctx) {
      const mailbox = await ctx.ports.mailboxAdmin.mailbox(p.upn);
      if (!mailbox) return [{ found: "mailbox not found" }];
      const user = await resolveUser(ctx.ports.directory, p.upn);
      const want = await personOrManager(ctx.ports.directory, p.address, user.id);
      if (mailbox.forwardingTo?.toLowerCase() !== want)
        return [
          { found: `forwarding to ${mailbox.forwardingTo ?? "nobody"}, not ${want ?? "(no manager)"}` },
        ];
      if (mailbox.deliverToMailboxAndForward !== p.keepCopy)
        return [{ found: p.keepCopy ? "forwarding keeps no copy" : "forwarding keeps a copy" }];
      return [];
    },
  },
});

import { z } from "zod";
import { defineAction } from "../define.ts";
import { onPremReason } from "../identity/disable-sign-in.ts";
import { upn } from "../support/params.ts";
import { requireMailbox } from "../support/require-mailbox.ts";
import { resolveUser } from "../support/resolve-user.ts";

/**
 * Exchange accepts the type change at once and converts some time later. Removing the license before
 * the conversion has landed loses the mailbox (CIPP#1494), so this step verifies only when Exchange
 * reports a shared mailbox, and the license removal depends on it.
 */
export const convertToShared = defineAction({
  type: "mail.convert-to-shared",
  params: z.strictObject({ upn }),
  ports: ["directory", "mailboxAdmin"],
  async plan(p, ctx) {
    const user = await resolveUser(ctx.ports.directory, p.upn);
    // Hybrid: the mailbox type is mastered on-prem (msExchRecipientTypeDetails) and would flip back.
    if (user.onPremisesSyncEnabled) return { kind: "skip", reason: onPremReason };
    const mailbox = await requireMailbox(ctx.ports.mailboxAdmin, p.upn);
    if (mailbox.type === "shared") return { kind: "already-done", detail: "already a shared mailbox" };
    return {
      kind: "will-change",
      summary: "convert the mailbox to shared (kept without a license up to 50 GB)",
      from: mailbox.type,
      to: "shared",
    };
  },
  async apply(p, ctx) {
    const exchange = ctx.ports.mailboxAdmin;
    const before = await requireMailbox(exchange, p.upn);
    // Repeating the change while a conversion is pending is harmless: Exchange answers "no change".
    await exchange.setMailboxType(p.upn, "shared");
    return { kind: "done", detail: "conversion to shared requested", data: { previousType: before.type } };
  },
  async verify(p, ctx) {
    const mailbox = await requireMailbox(ctx.ports.mailboxAdmin, p.upn);
    return mailbox.type === "shared"
      ? { kind: "verified", detail: "Exchange reports a shared mailbox" }
      : { kind: "not-verified", observed: `still a ${mailbox.type} mailbox (conversion in progress)` };
  },
  verifyDeadlineMs: 10 * 60_000,
  residualAccess: {
    what: "mailbox",
    async check(p, ctx) {
      const mailbox = await ctx.ports.mailboxAdmin.mailbox(p.upn);
      if (!mailbox) return [{ found: "mailbox not found" }];
      return mailbox.type === "shared" ? [] : [{ found: `mailbox is ${mailbox.type}, not shared` }];
    },
  },
});

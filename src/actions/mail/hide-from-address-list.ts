import { z } from "zod";
import { defineAction } from "../define.ts";
import { onPremReason } from "../identity/disable-sign-in.ts";
import { upn } from "../support/params.ts";
import { requireMailbox } from "../support/require-mailbox.ts";
import { resolveUser } from "../support/resolve-user.ts";

export const hideFromAddressList = defineAction({
  type: "mail.hide-from-address-list",
  params: z.strictObject({ upn }),
  ports: ["directory", "mailboxAdmin"],
  async plan(p, ctx) {
    const user = await resolveUser(ctx.ports.directory, p.upn);
    // Hybrid: the on-prem attribute (msExchHideFromAddressLists) wins at the next sync.
    if (user.onPremisesSyncEnabled) return { kind: "skip", reason: onPremReason };
    const mailbox = await requireMailbox(ctx.ports.mailboxAdmin, p.upn);
    if (mailbox.hiddenFromAddressLists)
      return { kind: "already-done", detail: "already hidden from the address lists" };
    return { kind: "will-change", summary: "hide from the address lists", from: false, to: true };
  },
  async apply(p, ctx) {
    await ctx.ports.mailboxAdmin.setHiddenFromAddressLists(p.upn, true);
    return { kind: "done", detail: "hidden from the address lists" };
  },
  async verify(p, ctx) {
    const mailbox = await requireMailbox(ctx.ports.mailboxAdmin, p.upn);
    return mailbox.hiddenFromAddressLists
      ? { kind: "verified" }
      : { kind: "not-verified", observed: "HiddenFromAddressListsEnabled is false" };
  },
  residualAccess: {
    what: "mailbox",
    async check(p, ctx) {
      const mailbox = await ctx.ports.mailboxAdmin.mailbox(p.upn);
      if (!mailbox) return [{ found: "mailbox not found" }];
      return mailbox.hiddenFromAddressLists ? [] : [{ found: "still in the address list" }];
    },
  },
});

import type { Capabilities } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { onPremReason } from "../identity/disable-sign-in.ts";
import { resolveUser } from "../identity/resolve-user.ts";
import { need } from "../need.ts";
import { requireMailbox } from "./require-mailbox.ts";

export const hideFromAddressList = defineAction<{ upn: string }, Capabilities>(
  "mail.hide-from-address-list",
  {
    async plan(p, ctx) {
      const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
      // Hybrid: the on-prem attribute (msExchHideFromAddressLists) wins at the next sync.
      if (user.onPremisesSyncEnabled) return { kind: "skip", reason: onPremReason };
      const mailbox = await requireMailbox(need(ctx.caps, "mailboxAdmin"), p.upn);
      if (mailbox.hiddenFromAddressLists)
        return { kind: "already-done", detail: "already hidden from the address lists" };
      return { kind: "will-change", summary: "hide from the address lists", from: false, to: true };
    },
    async apply(p, ctx) {
      await need(ctx.caps, "mailboxAdmin").setHiddenFromAddressLists(p.upn, true);
      return { kind: "done", detail: "hidden from the address lists" };
    },
    async verify(p, ctx) {
      const mailbox = await requireMailbox(need(ctx.caps, "mailboxAdmin"), p.upn);
      return mailbox.hiddenFromAddressLists
        ? { kind: "verified" }
        : { kind: "not-verified", observed: "HiddenFromAddressListsEnabled is false" };
    },
  },
);

import type { Capabilities } from "../../ports/index.ts";
import { defineAction, type StepContext } from "../define.ts";
import { resolvePerson } from "../identity/resolve-manager.ts";
import { need } from "../need.ts";
import { addressesOf, requireMailbox } from "./require-mailbox.ts";

interface Params {
  mailbox: string;
  /** An address, or "manager": the manager of the mailbox's owner. */
  grantee: string;
  /** Send As besides Full Access; on unless turned off. */
  sendAs?: boolean;
}

type Right = "FullAccess" | "SendAs";

/** The rights the grantee still lacks, and who the grantee is. */
async function missing(
  p: Params,
  ctx: StepContext<Capabilities>,
): Promise<{ grantee: string; lacking: Right[] }> {
  const exchange = need(ctx.caps, "mailboxAdmin");
  await requireMailbox(exchange, p.mailbox);
  const grantee = await resolvePerson(need(ctx.caps, "directory"), p.grantee, p.mailbox);
  const known = await addressesOf(exchange, grantee);
  const holds = (holders: string[]) => holders.some((h) => known.has(h));
  const lacking: Right[] = [];
  if (!holds(await exchange.fullAccessHolders(p.mailbox))) lacking.push("FullAccess");
  if (p.sendAs !== false && !holds(await exchange.sendAsHolders(p.mailbox))) lacking.push("SendAs");
  return { grantee, lacking };
}

/**
 * Full Access without automapping, and Send As: onboarding (a new hire into a shared mailbox) and
 * offboarding (the manager into the leaver's mailbox). Exchange answers a repeated grant with a
 * warning, not a second entry, so a replayed attempt is harmless.
 */
export const grantMailboxAccess = defineAction<Params, Capabilities>("mail.grant-mailbox-access", {
  async plan(p, ctx) {
    const { grantee, lacking } = await missing(p, ctx);
    if (!lacking.length)
      return { kind: "already-done", detail: `${grantee} already has access to ${p.mailbox}` };
    return { kind: "will-change", summary: `grant ${grantee} ${lacking.join(" and ")} on ${p.mailbox}` };
  },
  async apply(p, ctx) {
    const exchange = need(ctx.caps, "mailboxAdmin");
    const { grantee, lacking } = await missing(p, ctx);
    if (lacking.includes("FullAccess")) await exchange.grantFullAccess(p.mailbox, grantee);
    if (lacking.includes("SendAs")) await exchange.grantSendAs(p.mailbox, grantee);
    return {
      kind: "done",
      detail: lacking.length
        ? `granted ${grantee} ${lacking.join(" and ")}`
        : `${grantee} already had access`,
      data: { grantee, granted: lacking },
    };
  },
  async verify(p, ctx) {
    const { grantee, lacking } = await missing(p, ctx);
    return lacking.length
      ? { kind: "not-verified", observed: `${grantee} lacks ${lacking.join(" and ")}` }
      : { kind: "verified" };
  },
});

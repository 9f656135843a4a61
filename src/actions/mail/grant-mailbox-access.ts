import { z } from "zod";
import type { Ports } from "../../ports/index.ts";
import { defineAction, type StepContext } from "../define.ts";
import { addressOrManager, upn } from "../support/params.ts";
import { addressesOf, requireMailbox } from "../support/require-mailbox.ts";
import { personOrManager, resolvePerson } from "../support/resolve-manager.ts";
import { resolveUser } from "../support/resolve-user.ts";

const params = z.strictObject({
  mailbox: upn,
  /** An address, or "manager": the manager of the mailbox's owner. */
  grantee: addressOrManager,
  /** Send As besides Full Access; on unless turned off. */
  sendAs: z.boolean().optional(),
});
type Params = z.output<typeof params>;

type Right = "FullAccess" | "SendAs";

/** The rights the grantee still lacks, and who the grantee is. */
async function missing(
  p: Params,
  ctx: StepContext<Pick<Ports, "directory" | "mailboxAdmin">>,
): Promise<{ grantee: string; lacking: Right[] }> {
  const exchange = ctx.ports.mailboxAdmin;
  await requireMailbox(exchange, p.mailbox);
  const grantee = await resolvePerson(ctx.ports.directory, p.grantee, p.mailbox);
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
export const grantMailboxAccess = defineAction({
  type: "mail.grant-mailbox-access",
  params,
  ports: ["directory", "mailboxAdmin"],
  async plan(p, ctx) {
    const { grantee, lacking } = await missing(p, ctx);
    if (!lacking.length)
      return { kind: "already-done", detail: `${grantee} already has access to ${p.mailbox}` };
    return { kind: "will-change", summary: `grant ${grantee} ${lacking.join(" and ")} on ${p.mailbox}` };
  },
  async apply(p, ctx) {
    const exchange = ctx.ports.mailboxAdmin;
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
  // Full Access is what hands the mailbox over; the offboarding verification has always looked at it alone.
  residualAccess: {
    what: "mailbox",
    async check(p, ctx) {
      const exchange = ctx.ports.mailboxAdmin;
      if (!(await exchange.mailbox(p.mailbox))) return [{ found: "mailbox not found" }];
      const owner = await resolveUser(ctx.ports.directory, p.mailbox);
      const grantee = await personOrManager(ctx.ports.directory, p.grantee, owner.id);
      const holders = await exchange.fullAccessHolders(p.mailbox);
      return grantee && holders.includes(grantee)
        ? []
        : [{ found: `${grantee ?? "the manager"} has no full access to the mailbox` }];
    },
  },
});

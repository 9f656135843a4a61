import { z } from "zod";
import type { DirectoryGroup, IdentityDirectory, MailboxAdmin } from "../../ports/index.ts";
import { defineAction, type StepContext } from "../define.ts";
import { requirePort } from "../support/fail.ts";
import { upn } from "../support/params.ts";
import { readTemplate } from "../support/read-template.ts";
import { resolveUser } from "../support/resolve-user.ts";
import { joinGroup, listIdentity } from "./add-member.ts";

const params = z.strictObject({
  upn,
  /** The template user whose groups are copied. */
  from: upn,
  /** One side per step: Graph changes "directory" groups; lists and mail-enabled security groups are Exchange's. */
  only: z.enum(["directory", "exchange"]) satisfies z.ZodType<DirectoryGroup["managedBy"]>,
});
export type CopyMembershipsParams = z.output<typeof params>;

export const licenseGroupReason =
  "assigns licenses: licenses come from the role or the template's direct licenses, after the seat check";
const alreadyMemberReason = "already a member";

const sides = {
  directory: "group the directory manages",
  exchange: "distribution list or mail-enabled security group",
};

interface Sorted {
  userId: string;
  /** Every template group on this side (what "nothing to copy" is told from). */
  considered: number;
  join: DirectoryGroup[];
  skipped: { displayName: string; reason: string }[];
  /** False while Exchange does not know the new user: a list takes recipients only. */
  canJoin: boolean;
}

type Ctx = StepContext<{ directory: IdentityDirectory; mailboxAdmin?: MailboxAdmin }>;

const names = (gs: { displayName: string }[]) => gs.map((g) => g.displayName).join(", ");
const reasons = (skipped: Sorted["skipped"]) =>
  skipped.map((s) => `${s.displayName}: ${s.reason}`).join("; ");

/**
 * The template's groups on this step's side, split into those to join and those left out with a reason
 * each. Read afresh on every call, so a resumed attempt joins only what is still missing.
 */
async function sortGroups(p: CopyMembershipsParams, ctx: Ctx): Promise<Sorted> {
  const dir = ctx.ports.directory;
  const template = await readTemplate(dir, p.from);
  const user = await resolveUser(dir, p.upn);
  const mine = template.groups.filter((g) => g.managedBy === p.only);
  const skipped: Sorted["skipped"] = [];
  const open: DirectoryGroup[] = [];
  for (const g of mine) {
    const reason = g.readOnlyReason ?? (g.assignsLicenses ? licenseGroupReason : undefined);
    if (reason) skipped.push({ displayName: g.displayName, reason });
    else open.push(g);
  }
  const { isMember, canJoin } = await membershipTest(p, ctx, user.id, open);
  const join: DirectoryGroup[] = [];
  for (const g of open) {
    if (await isMember(g)) skipped.push({ displayName: g.displayName, reason: alreadyMemberReason });
    else join.push(g);
  }
  return { userId: user.id, considered: mine.length, join, skipped, canJoin };
}

/** Memberships as the side that owns them sees them: Exchange is the authority on its lists. */
async function membershipTest(
  p: CopyMembershipsParams,
  ctx: Ctx,
  userId: string,
  groups: DirectoryGroup[],
): Promise<{ isMember: (g: DirectoryGroup) => Promise<boolean>; canJoin: boolean }> {
  if (!groups.length) return { isMember: async () => false, canJoin: true };
  if (p.only === "exchange") {
    const exchange = requirePort(ctx.ports, "mailboxAdmin");
    const mailbox = await exchange.mailbox(p.upn);
    if (!mailbox) return { isMember: async () => false, canJoin: false };
    // Lists name members by primary SMTP address, which need not be the UPN.
    const address = mailbox.primarySmtpAddress;
    return {
      isMember: async (g) => (await exchange.listMembers(listIdentity(g))).includes(address),
      canJoin: true,
    };
  }
  const ids = new Set((await ctx.ports.directory.groupsOf(userId)).map((g) => g.id));
  return { isMember: async (g) => ids.has(g.id), canJoin: true };
}

/**
 * "Copy from": the new user joins the template's groups on one side. Groups nobody may change here
 * (dynamic, synced) and license-assigning groups are left out, each with its reason in the step's data.
 */
export const copyMemberships = defineAction({
  type: "groups.copy-memberships",
  params,
  ports: ["directory"],
  optionalPorts: ["mailboxAdmin"],
  async plan(p, ctx) {
    const sorted = await sortGroups(p, ctx);
    const leftOut = sorted.skipped.filter((s) => s.reason !== alreadyMemberReason);
    const note = leftOut.length ? `; left out: ${reasons(leftOut)}` : "";
    if (sorted.join.length) {
      // Licensing creates the mailbox that makes the new user a recipient; until then no list takes them.
      if (!sorted.canJoin)
        return { kind: "wait", for: `the mailbox of ${p.upn}`, retryInMs: 60_000, deadlineMs: 4 * 3_600_000 };
      return { kind: "will-change", summary: `add to ${names(sorted.join)}${note}` };
    }
    if (!sorted.considered) return { kind: "skip", reason: `${p.from} is in no ${sides[p.only]}` };
    if (leftOut.length === sorted.skipped.length) return { kind: "skip", reason: reasons(leftOut) };
    const already = sorted.skipped.filter((s) => s.reason === alreadyMemberReason);
    return { kind: "already-done", detail: `already in ${names(already)}${note}` };
  },
  async apply(p, ctx) {
    const sorted = await sortGroups(p, ctx);
    for (const g of sorted.join) await joinGroup(ctx, g, p.upn, sorted.userId);
    return {
      kind: "done",
      detail: `added to ${sorted.join.length} group(s): ${names(sorted.join) || "none"}`,
      data: {
        added: sorted.join.map((g) => ({ id: g.id, displayName: g.displayName })),
        skipped: sorted.skipped,
      },
    };
  },
  async verify(p, ctx) {
    const { join } = await sortGroups(p, ctx);
    return join.length ? { kind: "not-verified", observed: `not in ${names(join)}` } : { kind: "verified" };
  },
  verifyDeadlineMs: 120_000,
});

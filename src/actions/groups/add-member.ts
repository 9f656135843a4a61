import { z } from "zod";
import { LifecycleError } from "../../domain/errors.ts";
import type { DirectoryGroup, IdentityDirectory, MailboxAdmin } from "../../ports/index.ts";
import { defineAction, type StepContext } from "../define.ts";
import { actionError, requirePort } from "../support/fail.ts";
import { text, upn } from "../support/params.ts";
import { addressesOf } from "../support/require-mailbox.ts";
import { resolveUser } from "../support/resolve-user.ts";

// A new user's recipient appears in Exchange with the mailbox: tens of seconds, sometimes hours.
const recipientWait = { retryInMs: 30_000, deadlineMs: 6 * 3600_000 };

async function findGroup(dir: IdentityDirectory, name: string): Promise<DirectoryGroup> {
  const group = await dir.findGroup(name);
  if (!group) throw actionError("GROUP_NOT_FOUND", `no group "${name}" in the directory`);
  return group;
}

/** Exchange names lists by address; a list without one (rare) by its display name. */
export const listIdentity = (g: DirectoryGroup) => g.mail ?? g.displayName;

/**
 * Joins one group on the side that owns it: Exchange for lists and mail-enabled security groups, the
 * directory for the rest. Joined already (an interrupted attempt, someone else) is the state we want.
 */
export async function joinGroup(
  ctx: StepContext<{ directory: IdentityDirectory; mailboxAdmin?: MailboxAdmin }>,
  group: DirectoryGroup,
  upn: string,
  userId: string,
): Promise<void> {
  try {
    if (group.managedBy === "exchange")
      await requirePort(ctx.ports, "mailboxAdmin").addListMember(listIdentity(group), upn);
    else await ctx.ports.directory.addMember(group.id, userId);
  } catch (err) {
    if (!(err instanceof LifecycleError && err.failure.code === "ALREADY_MEMBER")) throw err;
  }
}

/**
 * Adds a user to a group: through the directory, or through Exchange for distribution lists and
 * mail-enabled security groups, which Graph refuses to change.
 */
export const addGroupMember = defineAction({
  type: "groups.add-member",
  params: z.strictObject({ upn, group: text }),
  ports: ["directory"],
  optionalPorts: ["mailboxAdmin"],
  async plan(p, ctx) {
    const dir = ctx.ports.directory;
    const group = await findGroup(dir, p.group);
    if (group.readOnlyReason)
      return { kind: "skip", reason: `${group.displayName}: ${group.readOnlyReason}` };
    const user = await resolveUser(dir, p.upn);
    if (group.managedBy === "exchange") {
      const exchange = requirePort(ctx.ports, "mailboxAdmin");
      if (!(await exchange.mailbox(p.upn)))
        return { kind: "wait", for: `${p.upn} to become a recipient in Exchange`, ...recipientWait };
      const known = await addressesOf(exchange, p.upn);
      if ((await exchange.listMembers(listIdentity(group))).some((m) => known.has(m)))
        return { kind: "already-done", detail: `already in ${group.displayName}` };
      return { kind: "will-change", summary: `add ${p.upn} to the list ${group.displayName}` };
    }
    if ((await dir.groupsOf(user.id)).some((g) => g.id === group.id))
      return { kind: "already-done", detail: `already in ${group.displayName}` };
    return { kind: "will-change", summary: `add ${p.upn} to ${group.displayName}` };
  },
  async apply(p, ctx) {
    const dir = ctx.ports.directory;
    const [group, user] = await Promise.all([findGroup(dir, p.group), resolveUser(dir, p.upn)]);
    try {
      await joinGroup(ctx, group, p.upn, user.id);
    } catch (err) {
      if (err instanceof LifecycleError && err.failure.code === "RECIPIENT_NOT_FOUND")
        return { kind: "wait", for: `${p.upn} to become a recipient in Exchange`, ...recipientWait };
      throw err;
    }
    return { kind: "done", detail: `added to ${group.displayName}`, data: { groupId: group.id } };
  },
  async verify(p, ctx) {
    const dir = ctx.ports.directory;
    const group = await findGroup(dir, p.group);
    if (group.managedBy === "exchange") {
      // Exchange holds list membership; the directory's view of it follows later.
      const exchange = requirePort(ctx.ports, "mailboxAdmin");
      const known = await addressesOf(exchange, p.upn);
      const members = await exchange.listMembers(listIdentity(group));
      return members.some((m) => known.has(m))
        ? { kind: "verified" }
        : {
            kind: "not-verified",
            observed: `${group.displayName} has ${members.length} member(s), not ${p.upn}`,
          };
    }
    const user = await resolveUser(dir, p.upn);
    const groups = await dir.groupsOf(user.id);
    return groups.some((g) => g.id === group.id)
      ? { kind: "verified" }
      : {
          kind: "not-verified",
          observed: `member of ${groups.map((g) => g.displayName).join(", ") || "nothing"}`,
        };
  },
});

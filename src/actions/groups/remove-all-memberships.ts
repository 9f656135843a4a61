import { z } from "zod";
import { LifecycleError } from "../../domain/errors.ts";
import type { DirectoryGroup, IdentityDirectory, Licensing, MailboxAdmin } from "../../ports/index.ts";
import { defineAction, type StepContext } from "../define.ts";
import { requirePort } from "../support/fail.ts";
import { upn } from "../support/params.ts";
import { addressesOf } from "../support/require-mailbox.ts";
import { resolveUser } from "../support/resolve-user.ts";
import { freedSeats } from "../support/seats.ts";
import { listIdentity } from "./add-member.ts";

const params = z.strictObject({
  upn,
  /** Groups the leaver may stay in (names or mail addresses): neither removed nor counted as lingering. */
  keep: z.array(z.string()).optional(),
});
type Params = z.output<typeof params>;
type Ctx = StepContext<{ directory: IdentityDirectory; mailboxAdmin?: MailboxAdmin; licensing?: Licensing }>;

const names = (gs: DirectoryGroup[]) => gs.map((g) => g.displayName).join(", ");

interface Memberships {
  userId: string;
  go: DirectoryGroup[];
  stay: { group: DirectoryGroup; why: string }[];
}

/**
 * A user's groups split into those to leave and those that stay (kept by the client, or not changeable
 * here). Verification counts lingering access from the same split.
 */
export async function groupsToLeave(
  dir: IdentityDirectory,
  userId: string,
  keepList: string[] = [],
): Promise<Omit<Memberships, "userId">> {
  const keep = new Set(keepList.map((k) => k.trim().toLowerCase()));
  const kept = (g: DirectoryGroup) =>
    keep.has(g.displayName.toLowerCase()) || (g.mail !== undefined && keep.has(g.mail.toLowerCase()));
  const go: DirectoryGroup[] = [];
  const stay: Memberships["stay"] = [];
  for (const g of await dir.groupsOf(userId)) {
    if (kept(g)) stay.push({ group: g, why: "kept by request" });
    else if (g.readOnlyReason) stay.push({ group: g, why: g.readOnlyReason });
    else go.push(g);
  }
  return { go, stay };
}

async function memberships(p: Params, ctx: Ctx): Promise<Memberships> {
  const dir = ctx.ports.directory;
  const user = await resolveUser(dir, p.upn);
  return { userId: user.id, ...(await groupsToLeave(dir, user.id, p.keep)) };
}

/**
 * The directory shows list membership later than Exchange changes it: a list the directory still
 * shows counts only if Exchange, which owns it, still has the leaver in it.
 */
async function lingering(p: Params, ctx: Ctx, { go }: Memberships): Promise<DirectoryGroup[]> {
  const lists = go.filter((g) => g.managedBy === "exchange");
  if (!lists.length) return go;
  const exchange = requirePort(ctx.ports, "mailboxAdmin");
  const known = await addressesOf(exchange, p.upn);
  const stillListed = new Set<string>();
  for (const g of lists)
    if ((await exchange.listMembers(listIdentity(g))).some((m) => known.has(m))) stillListed.add(g.id);
  return go.filter((g) => g.managedBy === "directory" || stillListed.has(g.id));
}

/**
 * The seats that leaving `go` frees: licences the user holds only through those groups (one held
 * directly too, or through a group that stays, is not freed here). Read before the removal, since
 * afterwards the directory no longer says which group a licence came through; for the billing record.
 */
async function seatsFreedBy(licensing: Licensing | undefined, userId: string, go: DirectoryGroup[]) {
  if (!licensing || !go.some((g) => g.assignsLicenses)) return [];
  const leaving = new Map(go.map((g) => [g.id, g.displayName]));
  const states = await licensing.assignmentStates(userId);
  const keptSkus = new Set(
    states.filter((s) => !s.assignedByGroup || !leaving.has(s.assignedByGroup)).map((s) => s.skuId),
  );
  const freed = new Map<string, string>();
  for (const s of states)
    if (s.assignedByGroup && leaving.has(s.assignedByGroup) && !keptSkus.has(s.skuId))
      freed.set(s.skuId, leaving.get(s.assignedByGroup) ?? s.assignedByGroup);
  return (await freedSeats(licensing, [...freed.keys()])).map((seat) => ({
    ...seat,
    via: freed.get(seat.skuId) ?? "",
  }));
}

/**
 * Takes the leaver out of every group that can be changed here: directory groups through the
 * directory, distribution lists and mail-enabled security groups through Exchange. The list of what
 * was removed is the step's data (evidence, and what a rollback would re-add); what stays is said by name.
 */
export const removeAllMemberships = defineAction({
  type: "groups.remove-all-memberships",
  params,
  ports: ["directory"],
  optionalPorts: ["mailboxAdmin", "licensing"],
  async plan(p, ctx) {
    const m = await memberships(p, ctx);
    const go = await lingering(p, ctx, m);
    const { stay } = m;
    const kept = stay.length
      ? `; kept: ${stay.map((s) => `${s.group.displayName} (${s.why})`).join(", ")}`
      : "";
    if (!go.length) return { kind: "already-done", detail: `in no group that can be left here${kept}` };
    return { kind: "will-change", summary: `remove from ${names(go)}${kept}` };
  },
  async apply(p, ctx) {
    const dir = ctx.ports.directory;
    const m = await memberships(p, ctx);
    const go = await lingering(p, ctx, m);
    const releasedSkus = await seatsFreedBy(ctx.ports.licensing, m.userId, go);
    for (const g of go) {
      try {
        if (g.managedBy === "exchange")
          await requirePort(ctx.ports, "mailboxAdmin").removeListMember(listIdentity(g), p.upn);
        else await dir.removeMember(g.id, m.userId);
      } catch (err) {
        // Gone already (an earlier, interrupted attempt): the state we want is there.
        if (!(err instanceof LifecycleError && err.failure.kind === "not-found")) throw err;
      }
    }
    return {
      kind: "done",
      detail: `removed from ${go.length} group(s): ${names(go)}`,
      data: {
        removedGroups: go.map((g) => ({ id: g.id, displayName: g.displayName, managedBy: g.managedBy })),
        ...(releasedSkus.length ? { releasedSkus } : {}),
      },
    };
  },
  async verify(p, ctx) {
    const left = await lingering(p, ctx, await memberships(p, ctx));
    return left.length ? { kind: "not-verified", observed: `still in ${names(left)}` } : { kind: "verified" };
  },
  // The directory's own view, without asking Exchange: as the verification has always counted them.
  residualAccess: {
    what: "groups",
    async check(p, ctx) {
      const user = await resolveUser(ctx.ports.directory, p.upn);
      const { go } = await groupsToLeave(ctx.ports.directory, user.id, p.keep);
      return go.length ? [{ found: `still in ${go.map((g) => g.displayName).join(", ")}` }] : [];
    },
  },
});

import type { GroupRecord, Tenant } from "../model.ts";
import { reconcileGroupLicenses, type LicenseEffects } from "./licensing.ts";

/**
 * Membership writes shared by Graph, the Exchange cmdlets and the admin seeding. They report what
 * happened instead of throwing, because each API words "already a member" its own way.
 */

/** `replicationLagMs` keeps the members before the change readable elsewhere for that long. */
export type MemberEffects = LicenseEffects & { replicationLagMs?: number };

export function addMember(
  tenant: Tenant,
  group: GroupRecord,
  memberId: string,
  now: number,
  effects: MemberEffects,
): "added" | "already" {
  if (group.members.has(memberId)) return "already";
  keepReplica(group, now, effects.replicationLagMs ?? 0);
  group.members.add(memberId);
  afterChange(tenant, memberId, now, effects);
  return "added";
}

export function removeMember(
  tenant: Tenant,
  group: GroupRecord,
  memberId: string,
  now: number,
  effects: MemberEffects,
): "removed" | "absent" {
  if (!group.members.has(memberId)) return "absent";
  keepReplica(group, now, effects.replicationLagMs ?? 0);
  group.members.delete(memberId);
  afterChange(tenant, memberId, now, effects);
  return "removed";
}

/** Group-based licences follow direct membership only, as in Entra. */
function afterChange(tenant: Tenant, memberId: string, now: number, effects: LicenseEffects): void {
  const user = tenant.users.get(memberId);
  if (user) reconcileGroupLicenses(tenant, user, now, effects);
}

/**
 * Replicas catch up on the whole group at once: the members as they were before the first change of
 * a burst stay readable until the lag after the last change has passed.
 */
function keepReplica(group: GroupRecord, now: number, lagMs: number): void {
  if (lagMs <= 0) return;
  const stale = group.replica && group.replica.until > now ? group.replica.members : new Set(group.members);
  group.replica = { members: stale, until: now + lagMs };
}

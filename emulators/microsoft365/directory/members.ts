import type { GroupRecord, Tenant } from "../model.ts";
import { reconcileGroupLicenses, type LicenseEffects } from "./licensing.ts";

/**
 * Membership writes shared by Graph, the Exchange cmdlets and the admin seeding. They report what
 * happened instead of throwing, because each API words "already a member" its own way.
 */

export function addMember(
  tenant: Tenant,
  group: GroupRecord,
  memberId: string,
  now: number,
  effects: LicenseEffects,
): "added" | "already" {
  if (group.members.has(memberId)) return "already";
  group.members.add(memberId);
  afterChange(tenant, memberId, now, effects);
  return "added";
}

export function removeMember(
  tenant: Tenant,
  group: GroupRecord,
  memberId: string,
  now: number,
  effects: LicenseEffects,
): "removed" | "absent" {
  if (!group.members.delete(memberId)) return "absent";
  afterChange(tenant, memberId, now, effects);
  return "removed";
}

/** Group-based licences follow direct membership only, as in Entra. */
function afterChange(tenant: Tenant, memberId: string, now: number, effects: LicenseEffects): void {
  const user = tenant.users.get(memberId);
  if (user) reconcileGroupLicenses(tenant, user, now, effects);
}

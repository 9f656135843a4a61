import type { Rmm, RmmDevice, RmmOwner } from "../../ports/index.ts";

/** Why an end-user step does nothing on an RMM that has only devices (Datto RMM). */
export const noEndUsersReason = "this RMM keeps no end users, only devices";

/** The device as people name it in a plan or a report: its name, and its serial where known. */
export const deviceLabel = (d: RmmDevice) => (d.serial ? `${d.name} (${d.serial})` : d.name);

/** What a device's `owner` reads when `owner` owns it: the end user's ref, else the address. */
export const ownerValue = (owner: RmmOwner) => owner.ownerRef ?? owner.email;

/** The RMM records owners as it was sent them, but addresses come back in any case. */
export const ownedBy = (d: RmmDevice, values: readonly string[]) =>
  d.owner !== undefined && values.some((v) => v.toLowerCase() === d.owner!.toLowerCase());

/**
 * The person as an owner: their end user's ref where the RMM keeps end users and has one for them,
 * else their address alone (what Datto RMM's owner field holds).
 */
export async function ownerOf(rmm: Rmm, email: string, ownerRef?: string): Promise<RmmOwner> {
  if (ownerRef !== undefined) return { email, ownerRef };
  if (!rmm.endUsers) return { email };
  const user = await rmm.findEndUser(email);
  return user?.ownerRef !== undefined ? { email, ownerRef: user.ownerRef } : { email };
}

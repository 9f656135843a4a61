import type { IdentityDirectory } from "../../ports/index.ts";
import { resolveUser } from "./resolve-user.ts";

/**
 * A lock-out step's user. The planner read the user's id and sync state at submission, so after approval
 * the first call is the write itself: seconds matter between "approved" and "locked out". Without them
 * (a plan made while the directory was unreachable) the user is read first.
 */
export interface LockoutParams {
  upn: string;
  userId?: string;
  synced?: boolean;
}

export async function lockoutTarget(
  dir: IdentityDirectory,
  p: LockoutParams,
): Promise<{ id: string; synced: boolean; accountEnabled?: boolean }> {
  if (p.userId !== undefined && p.synced !== undefined) return { id: p.userId, synced: p.synced };
  const user = await resolveUser(dir, p.upn);
  return { id: user.id, synced: user.onPremisesSyncEnabled, accountEnabled: user.accountEnabled };
}

import { z } from "zod";
import type { IdentityDirectory } from "../../ports/index.ts";
import { upn } from "./params.ts";
import { resolveUser } from "./resolve-user.ts";

/**
 * A lock-out step's user. The planner read the user's id and sync state at submission, so after approval
 * the first call is the write itself: seconds matter between "approved" and "locked out". Without them
 * (a plan made while the directory was unreachable) the user is read first.
 */
export const lockoutParams = z.strictObject({
  upn,
  userId: z.string().min(1).optional(),
  synced: z.boolean().optional(),
});
export type LockoutParams = z.output<typeof lockoutParams>;

export async function lockoutTarget(
  dir: IdentityDirectory,
  p: LockoutParams,
): Promise<{ id: string; synced: boolean; accountEnabled?: boolean }> {
  if (p.userId !== undefined && p.synced !== undefined) return { id: p.userId, synced: p.synced };
  const user = await resolveUser(dir, p.upn);
  return { id: user.id, synced: user.onPremisesSyncEnabled, accountEnabled: user.accountEnabled };
}

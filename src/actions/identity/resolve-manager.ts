import { LifecycleError } from "../../domain/errors.ts";
import { MANAGER } from "../../domain/offboarding-actions.ts";
import type { IdentityDirectory } from "../capabilities.ts";
import { resolveUser } from "./resolve-user.ts";

export interface Manager {
  upn: string;
  displayName: string;
}

export async function managerOf(directory: IdentityDirectory, upn: string): Promise<Manager | undefined> {
  const ref = await directory.getManager((await resolveUser(directory, upn)).id);
  if (!ref) return undefined;
  const manager = await directory.findUser(ref.userPrincipalName);
  return { upn: ref.userPrincipalName, displayName: manager?.displayName ?? ref.userPrincipalName };
}

/**
 * A person given as an address or as "manager" (of `upn`): a step asked to hand something to the
 * manager of someone who has none fails as invalid, saying so, rather than picking someone else.
 */
export async function resolvePerson(
  directory: IdentityDirectory,
  person: string,
  upn: string,
): Promise<string> {
  if (person.trim().toLowerCase() !== MANAGER) return person.trim().toLowerCase();
  const manager = await managerOf(directory, upn);
  if (!manager)
    throw new LifecycleError({
      kind: "invalid",
      code: "NoManager",
      message: `${upn} has no manager in the directory: name a person instead of "manager"`,
    });
  return manager.upn.toLowerCase();
}

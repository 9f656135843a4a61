import { MANAGER } from "../../domain/offboarding-actions.ts";
import type { IdentityDirectory } from "../../ports/index.ts";
import { actionError } from "./fail.ts";
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

/** `person` as given, or — when it says "manager" — the UPN of that user's manager, if there is one. */
export async function personOrManager(
  directory: IdentityDirectory,
  person: string,
  userId: string,
): Promise<string | undefined> {
  if (person.trim().toLowerCase() !== MANAGER) return person.trim().toLowerCase();
  return (await directory.getManager(userId))?.userPrincipalName.toLowerCase();
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
  const resolved = await personOrManager(directory, person, (await resolveUser(directory, upn)).id);
  if (!resolved)
    throw actionError(
      "NO_MANAGER",
      `${upn} has no manager in the directory: name a person instead of "manager"`,
      "invalid",
    );
  return resolved;
}

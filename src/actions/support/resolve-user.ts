import { actionError } from "./fail.ts";
import type { DirectoryUser, IdentityDirectory } from "../../ports/index.ts";

/** The user a step acts on; a missing one fails (not-found) with the UPN named. */
export async function resolveUser(directory: IdentityDirectory, upn: string): Promise<DirectoryUser> {
  const user = await directory.findUser(upn);
  if (!user) throw actionError("USER_NOT_FOUND", `no user ${upn} in the directory`);
  return user;
}

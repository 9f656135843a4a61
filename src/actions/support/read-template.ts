import type { IdentityDirectory, UserTemplate } from "../../ports/index.ts";
import { actionError } from "./fail.ts";

/**
 * The "copy from" user. A missing one is a mistake in the request, not a passing state: it fails as
 * invalid, and since every copy step reads it in `plan`, before anything changes.
 */
export async function readTemplate(directory: IdentityDirectory, from: string): Promise<UserTemplate> {
  const template = await directory.readTemplate(from);
  if (!template) throw actionError("COPY_FROM_NOT_FOUND", `copy-from user ${from} not found`, "invalid");
  return template;
}

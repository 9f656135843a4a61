import type { Capabilities } from "./capabilities.ts";
import { catalog, type ActionCatalog } from "./define.ts";
import { addGroupMember } from "./groups/add-member.ts";
import { removeAllMemberships } from "./groups/remove-all-memberships.ts";
import { createUser } from "./identity/create-user.ts";
import { disableSignIn } from "./identity/disable-sign-in.ts";
import { resetPassword } from "./identity/reset-password.ts";
import { revokeSessions } from "./identity/revoke-sessions.ts";
import { setManager } from "./identity/set-manager.ts";
import { assignLicense } from "./licensing/assign-license.ts";
import { removeAllLicenses } from "./licensing/remove-all-licenses.ts";
import { waitForMailbox } from "./mail/wait-for-mailbox.ts";
import { noAccessRemains } from "./verify/no-access-remains.ts";

/** Every action the product can run. A planned type missing here fails its step as UNKNOWN_ACTION. */
export function productionCatalog(): ActionCatalog<Capabilities> {
  return catalog<Capabilities>(
    createUser as never,
    setManager as never,
    addGroupMember as never,
    assignLicense as never,
    waitForMailbox as never,
    revokeSessions as never,
    disableSignIn as never,
    resetPassword as never,
    removeAllMemberships as never,
    removeAllLicenses as never,
    noAccessRemains as never,
  );
}

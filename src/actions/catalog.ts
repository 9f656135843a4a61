import type { Capabilities } from "../ports/index.ts";
import { catalog, type ActionCatalog } from "./define.ts";
import { assignAutopilotUser } from "./devices/assign-autopilot-user.ts";
import { retireDevices } from "./devices/retire.ts";
import { wipeDevices } from "./devices/wipe.ts";
import { addGroupMember } from "./groups/add-member.ts";
import { copyMemberships } from "./groups/copy-memberships.ts";
import { removeAllMemberships } from "./groups/remove-all-memberships.ts";
import { createUser } from "./identity/create-user.ts";
import { deleteUser } from "./identity/delete-user.ts";
import { disableSignIn } from "./identity/disable-sign-in.ts";
import { issueTemporaryAccessPass } from "./identity/issue-temporary-access-pass.ts";
import { removeMfaMethods } from "./identity/remove-mfa-methods.ts";
import { resetPassword } from "./identity/reset-password.ts";
import { revokeSessions } from "./identity/revoke-sessions.ts";
import { setManager } from "./identity/set-manager.ts";
import { assignLicense } from "./licensing/assign-license.ts";
import { copyLicenses } from "./licensing/copy-licenses.ts";
import { removeAllLicenses } from "./licensing/remove-all-licenses.ts";
import { convertToShared } from "./mail/convert-to-shared.ts";
import { grantMailboxAccess } from "./mail/grant-mailbox-access.ts";
import { hideFromAddressList } from "./mail/hide-from-address-list.ts";
import { removeMobileDevices } from "./mail/remove-mobile-devices.ts";
import { setForwarding } from "./mail/set-forwarding.ts";
import { setOutOfOffice } from "./mail/set-out-of-office.ts";
import { setSignature } from "./mail/set-signature.ts";
import { waitForMailbox } from "./mail/wait-for-mailbox.ts";
import { notifySupervisor } from "./notify/supervisor.ts";
import { welcomeEmail } from "./notify/welcome-email.ts";
import { noAccessRemains } from "./verify/no-access-remains.ts";

/** Every action the product can run. A planned type missing here fails its step as UNKNOWN_ACTION. */
export function productionCatalog(): ActionCatalog<Capabilities> {
  return catalog<Capabilities>(
    createUser as never,
    setManager as never,
    addGroupMember as never,
    assignLicense as never,
    copyMemberships as never,
    copyLicenses as never,
    waitForMailbox as never,
    setSignature as never,
    grantMailboxAccess as never,
    hideFromAddressList as never,
    setForwarding as never,
    setOutOfOffice as never,
    removeMobileDevices as never,
    convertToShared as never,
    revokeSessions as never,
    disableSignIn as never,
    resetPassword as never,
    removeAllMemberships as never,
    removeAllLicenses as never,
    noAccessRemains as never,
    removeMfaMethods as never,
    issueTemporaryAccessPass as never,
    assignAutopilotUser as never,
    retireDevices as never,
    wipeDevices as never,
    deleteUser as never,
    welcomeEmail as never,
    notifySupervisor as never,
  );
}

import type { Capabilities } from "../ports/index.ts";
import { catalog, type Action, type ActionCatalog } from "./define.ts";
import { assignAutopilotUser } from "./devices/assign-autopilot-user.ts";
import { retireDevices } from "./devices/retire.ts";
import { wipeDevices } from "./devices/wipe.ts";
import { createPerson } from "./docs/create-person.ts";
import { retireCredential } from "./docs/retire-credential.ts";
import { retirePerson } from "./docs/retire-person.ts";
import { storeCredential } from "./docs/store-credential.ts";
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
import { waitForGroupLicense } from "./licensing/wait-for-group-license.ts";
import { convertToShared } from "./mail/convert-to-shared.ts";
import { grantMailboxAccess } from "./mail/grant-mailbox-access.ts";
import { hideFromAddressList } from "./mail/hide-from-address-list.ts";
import { removeMobileDevices } from "./mail/remove-mobile-devices.ts";
import { setForwarding } from "./mail/set-forwarding.ts";
import { setOutOfOffice } from "./mail/set-out-of-office.ts";
import { setSignature } from "./mail/set-signature.ts";
import { waitForMailbox } from "./mail/wait-for-mailbox.ts";
import { approvalRequest } from "./notify/approval-request.ts";
import { notifySupervisor } from "./notify/supervisor.ts";
import { welcomeEmail } from "./notify/welcome-email.ts";
import { createContact } from "./psa/create-contact.ts";
import { deactivateContact } from "./psa/deactivate-contact.ts";
import { logRun } from "./psa/log-run.ts";
import { notePlan } from "./psa/note-plan.ts";
import { openTicket } from "./psa/open-ticket.ts";
import { assignDevice } from "./rmm/assign-device.ts";
import { createEndUser } from "./rmm/create-end-user.ts";
import { releaseDevices } from "./rmm/release-devices.ts";
import { removeEndUser } from "./rmm/remove-end-user.ts";
import { noAccessRemainsOver } from "./verify/no-access-remains.ts";

/** Every step but the final verification, which re-reads what these leave behind. */
const steps: readonly Action<Capabilities>[] = [
  createUser,
  setManager,
  addGroupMember,
  assignLicense,
  copyMemberships,
  copyLicenses,
  waitForGroupLicense,
  waitForMailbox,
  setSignature,
  grantMailboxAccess,
  hideFromAddressList,
  setForwarding,
  setOutOfOffice,
  removeMobileDevices,
  convertToShared,
  revokeSessions,
  disableSignIn,
  resetPassword,
  removeAllMemberships,
  removeAllLicenses,
  removeMfaMethods,
  issueTemporaryAccessPass,
  assignAutopilotUser,
  retireDevices,
  wipeDevices,
  deleteUser,
  welcomeEmail,
  notifySupervisor,
  approvalRequest,
  openTicket,
  notePlan,
  createContact,
  deactivateContact,
  logRun,
  createEndUser,
  assignDevice,
  removeEndUser,
  releaseDevices,
  createPerson,
  retirePerson,
  storeCredential,
  retireCredential,
];

/** The offboarding's final verification, over the residual-access checks of the steps above. */
export const noAccessRemains = noAccessRemainsOver(catalog(...steps));

/**
 * Every action the product can run, each with its type, params schema and ports: what composition checks
 * a client's connectors against, and what a worker is given. A planned type missing here fails its step
 * as UNKNOWN_ACTION.
 */
export const actions: readonly Action<Capabilities>[] = [...steps, noAccessRemains];

/** The actions by type. */
export const actionCatalog: ActionCatalog<Capabilities> = catalog(...actions);

/** The catalogue, for callers that ask for it by function. */
export function productionCatalog(): ActionCatalog<Capabilities> {
  return actionCatalog;
}

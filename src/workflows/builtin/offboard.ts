import type { z } from "zod";
import { urgentPriority } from "../../domain/plan.ts";
import type { workflowDefinitionSchema } from "../definition.ts";
import { vaultEntryName } from "./docs-steps.ts";
import { psaStep, ticketSteps } from "./psa-steps.ts";

const lockout = urgentPriority;
const user = { upn: "${request.user}" };
// What the planner read lets the lock-out steps go straight to their writes once approval is given.
const target = { ...user, userId: "${derived.target.userId}", synced: "${derived.target.synced}" };
const locked = ["revoke-sessions", "reset-password", "disable-sign-in"];
const mailbox = { serves: "mailboxAdmin" } as const;
const asked = (action: string) => ({ equals: [`\${request.actions.${action}}`, true] });

const ticket = ticketSteps({
  title: "Leaver: ${request.user}",
  description:
    "Offboarding of ${request.user}, last day ${request.startLocal}, requested by ${request.requester}.",
});

/**
 * Lock-out first and in parallel; the mailbox is handed over before licenses go (a license removed while
 * the mailbox is still converting loses the mailbox); group removal is recorded for evidence and rollback;
 * verification last, and required: lingering access fails the run.
 */
export const builtinOffboard: z.input<typeof workflowDefinitionSchema> = {
  id: "builtin:offboard",
  version: 1,
  kind: "offboard",
  title: "Offboarding",
  steps: [
    {
      id: "revoke-sessions",
      action: "identity.revoke-sessions",
      title: "Revoke sign-in sessions",
      on: "directory",
      when: asked("disableAccount"),
      params: target,
      priority: lockout,
    },
    {
      id: "reset-password",
      action: "identity.reset-password",
      title: "Reset password",
      on: "directory",
      when: asked("disableAccount"),
      params: target,
      priority: lockout,
    },
    {
      id: "disable-sign-in",
      action: "identity.disable-sign-in",
      title: "Block sign-in",
      on: "directory",
      when: asked("disableAccount"),
      params: target,
      priority: lockout,
    },
    {
      id: "remove-mfa",
      action: "identity.remove-mfa-methods",
      title: "Remove MFA methods",
      on: "authentication",
      when: asked("removeMfa"),
      params: user,
      after: locked,
    },
    {
      id: "hide-from-gal",
      action: "mail.hide-from-address-list",
      title: "Hide from address list",
      on: "mailboxAdmin",
      when: { all: [mailbox, asked("hideFromAddressList")] },
      params: user,
      after: locked,
    },
    {
      id: "forwarding",
      action: "mail.set-forwarding",
      title: "Forward to ${request.actions.forwardTo.address}",
      on: "mailboxAdmin",
      when: { all: [mailbox, { present: "request.actions.forwardTo" }] },
      params: {
        ...user,
        address: "${request.actions.forwardTo.address}",
        keepCopy: "${request.actions.forwardTo.keepCopy}",
      },
      after: locked,
    },
    {
      id: "out-of-office",
      action: "mail.set-out-of-office",
      title: "Out-of-office reply",
      on: "mailboxAdmin",
      when: { all: [mailbox, { present: "request.actions.outOfOffice" }] },
      params: { ...user, message: "${request.actions.outOfOffice}" },
      after: locked,
    },
    {
      id: "remove-mobile-devices",
      action: "mail.remove-mobile-devices",
      title: "Remove mobile devices",
      on: "mailboxAdmin",
      when: { all: [mailbox, asked("removeMobileDevices")] },
      params: user,
      after: locked,
    },
    {
      id: "grant-access",
      action: "mail.grant-mailbox-access",
      title: "Mailbox access for ${request.actions.grantAccessTo}",
      on: "mailboxAdmin",
      when: { all: [mailbox, { present: "request.actions.grantAccessTo" }] },
      params: { mailbox: "${request.user}", grantee: "${request.actions.grantAccessTo}", sendAs: true },
      after: locked,
    },
    {
      id: "convert-to-shared",
      action: "mail.convert-to-shared",
      title: "Convert mailbox to shared",
      on: "mailboxAdmin",
      when: { all: [mailbox, asked("convertToShared")] },
      params: user,
      after: locked,
    },
    {
      id: "retire-devices",
      key: "devices",
      action: "devices.retire",
      title: "Retire devices",
      on: "devices",
      when: { equals: ["${request.actions.wipeDevices}", "retire"] },
      params: user,
      after: locked,
    },
    {
      id: "wipe-devices",
      key: "devices",
      action: "devices.wipe",
      title: "Wipe devices",
      on: "devices",
      when: { equals: ["${request.actions.wipeDevices}", "wipe"] },
      params: user,
      after: locked,
    },
    {
      id: "remove-groups",
      action: "groups.remove-all-memberships",
      title: "Remove from all groups",
      on: "directory",
      when: asked("removeGroups"),
      params: { ...user, keep: "${client.identity.groupsKeptAtOffboarding}" },
      after: locked,
    },
    {
      id: "remove-licenses",
      action: "licensing.remove-all-licenses",
      title: "Remove licenses (recorded for billing)",
      on: "licensing",
      when: asked("removeLicenses"),
      params: user,
      after: [
        ...locked,
        "hide-from-gal",
        "forwarding",
        "out-of-office",
        "remove-mobile-devices",
        "grant-access",
        "convert-to-shared",
        "remove-groups",
      ],
    },
    {
      id: "notify-supervisor",
      action: "notify.supervisor",
      title: "Notify supervisor",
      on: "mailSender",
      when: asked("notifySupervisor"),
      params: {
        ...user,
        from: "${client.mail.sendMailFrom}",
        requester: "${request.requester}",
        domains: "${client.domains}",
        hrContacts: "${client.hrContacts}",
      },
      after: locked,
      required: false,
    },
    {
      id: "delete-user",
      action: "identity.delete-user",
      title: "Delete user",
      on: "directory",
      when: asked("deleteUser"),
      params: user,
      after: "all",
    },
    {
      // Before the end user goes: NinjaOne finds the leaver's devices through the end user they own.
      id: "rmm-devices",
      action: "rmm.release-devices",
      title: "Release devices in the RMM (listed for collection)",
      on: "rmm",
      when: { serves: "rmm" },
      params: { email: "${request.user}", accounts: ["${request.user}"] },
      after: locked,
    },
    {
      id: "rmm-user",
      action: "rmm.remove-end-user",
      title: "Remove RMM user entry",
      on: "rmm",
      when: { serves: "rmm" },
      params: { email: "${request.user}" },
      after: ["rmm-devices"],
    },
    {
      // After the licences go, so the note can say which were released.
      id: "docs-person",
      action: "docs.retire-person",
      title: "Update documentation: mark as former",
      on: "docs",
      when: { all: [{ serves: "docs" }, asked("updateDocumentation")] },
      params: {
        email: "${request.user}",
        note: "Offboarded by Lifecycle, last day ${request.startLocal}; requested by ${request.requester}.",
        licencesFrom: ["remove-groups", "remove-licenses"],
      },
      after: [...locked, "remove-groups", "remove-licenses"],
    },
    {
      // The entry the onboarding stored, by the same name.
      id: "docs-credential",
      action: "docs.retire-credential",
      title: "Archive the sign-in entry in the documentation vault",
      on: "docs",
      when: { all: [{ serves: "docs" }, asked("updateDocumentation")] },
      params: {
        email: "${request.user}",
        name: vaultEntryName("${request.user}"),
        note: "Offboarded by Lifecycle, last day ${request.startLocal}; requested by ${request.requester}: no longer in use.",
      },
      after: ["docs-person"],
    },
    {
      // Each planned step answers for what it may have left behind: the verification re-reads exactly those.
      id: "verify-no-access",
      action: "verify.no-access-remains",
      title: "Verify no access remains",
      on: "directory",
      when: { not: asked("deleteUser") },
      params: {
        ...user,
        expect: "${request.actions}",
        keep: "${client.identity.groupsKeptAtOffboarding}",
        planned: "${plan.before}",
      },
      after: "all",
    },
    // The PSA's side: after the verification in the list, so nothing above waits for the PSA; the contact
    // goes once the lock-out is done, and the final log after everything, however it ended.
    ticket.open,
    ticket.planNote,
    {
      id: "psa-contact",
      action: "psa.deactivate-contact",
      title: "Deactivate PSA contact",
      ...psaStep,
      when: { all: [{ serves: "psa" }, asked("deactivatePsaContact")] },
      params: { email: "${request.user}" },
      after: locked,
    },
    ticket.log,
  ],
};

import type { z } from "zod";
import { longestChainPriority } from "../../domain/plan.ts";
import type { workflowDefinitionSchema } from "../definition.ts";
import { vaultEntryName } from "./docs-steps.ts";
import { psaStep, ticketSteps } from "./psa-steps.ts";

const user = { upn: "${derived.upn}" };
const mailbox = { serves: "mailboxAdmin" } as const;

const ticket = ticketSteps({
  title: "New starter: ${request.displayName}",
  description:
    "Onboarding of ${request.displayName} (${derived.upn}), starting ${request.startLocal}, requested by ${request.requester}.",
});

/**
 * The onboarding: the identity first, then everything that needs it in parallel; mail steps wait for the
 * mailbox, and the welcome email goes last, when there is something to welcome to.
 */
export const builtinOnboard: z.input<typeof workflowDefinitionSchema> = {
  id: "builtin:onboard",
  version: 1,
  kind: "onboard",
  title: "Onboarding",
  steps: [
    {
      id: "create-user",
      action: "identity.create-user",
      title: "Create ${derived.upn}",
      on: "directory",
      params: {
        ...user,
        firstName: "${request.firstName}",
        lastName: "${request.lastName}",
        displayName: "${request.displayName}",
        usageLocation: "${client.usageLocation}",
        department: "${request.department}",
        jobTitle: "${request.jobTitle}",
        office: "${request.office}",
        employeeId: "${request.employeeId}",
        employeeHireDate: "${request.startAt}",
        companyName: "${derived.companyName}",
        copyFrom: "${request.copyFrom}",
        passwordMode: "${client.identity.initialPassword}",
      },
    },
    {
      id: "set-manager",
      action: "identity.set-manager",
      title: "Set manager ${request.manager}",
      on: "directory",
      when: { present: "request.manager" },
      params: { ...user, manager: "${request.manager}" },
      after: ["create-user"],
    },
    {
      // Groups named by name are joined right after the create; lists (named by address) once Exchange
      // knows the user, below.
      id: "group",
      action: "groups.add-member",
      title: "Add to ${item}",
      on: "directory",
      forEach: "${derived.directoryGroups}",
      params: { ...user, group: "${item}" },
      after: ["create-user"],
      // A group may bring the licence the mailbox waits for.
      priority: longestChainPriority,
    },
    {
      id: "license",
      action: "licensing.assign-license",
      title: "Assign ${item}",
      on: "licensing",
      forEach: "${derived.licences}",
      params: { ...user, sku: "${item}", whenNoSeat: "${client.licensing.whenNoSeat}" },
      after: ["create-user"],
      priority: longestChainPriority,
    },
    {
      id: "copy-groups",
      action: "groups.copy-memberships",
      title: "Copy groups from ${request.copyFrom}",
      on: "directory",
      when: { present: "request.copyFrom" },
      params: { ...user, from: "${request.copyFrom}", only: "directory" },
      after: ["create-user"],
    },
    {
      id: "copy-licenses",
      action: "licensing.copy-licenses",
      title: "Copy licenses from ${request.copyFrom}",
      on: "licensing",
      when: { present: "request.copyFrom" },
      params: { ...user, from: "${request.copyFrom}", whenNoSeat: "${client.licensing.whenNoSeat}" },
      after: ["create-user"],
    },
    {
      // A licence through a group (group-based licensing) is its own step: it names the SKU and the group,
      // and a seat shortage fails or waits here instead of running out the mailbox wait.
      id: "group-license",
      action: "licensing.wait-for-group-license",
      title: "Licenses through ${item}",
      on: "licensing",
      forEach: "${derived.licensingGroups}",
      when: { serves: "licensing" },
      params: { ...user, group: "${item}", whenNoSeat: "${client.licensing.whenNoSeat}" },
      after: ["group"],
    },
    {
      id: "mailbox-ready",
      action: "mail.wait-for-mailbox",
      title: "Mailbox provisioned",
      on: "mailboxes",
      when: mailbox,
      params: user,
      after: ["create-user", "license", "copy-licenses", "group", "copy-groups", "group-license"],
    },
    {
      id: "signature",
      action: "mail.set-signature",
      title: "Email signature",
      on: "mailboxAdmin",
      when: { all: [mailbox, { present: "client.mail.signatureTemplate" }] },
      params: {
        ...user,
        template: "${client.mail.signatureTemplate}",
        variables: "${vars}",
        user: {
          displayName: "${request.displayName}",
          firstName: "${request.firstName}",
          lastName: "${request.lastName}",
          jobTitle: "${request.jobTitle}",
          department: "${request.department}",
          office: "${request.office}",
          email: "${derived.upn}",
        },
      },
      after: ["mailbox-ready"],
      required: false,
    },
    {
      id: "list",
      action: "groups.add-member",
      title: "Add to ${item}",
      on: "mailboxAdmin",
      when: mailbox,
      forEach: "${derived.distributionLists}",
      params: { ...user, group: "${item}" },
      after: ["mailbox-ready"],
    },
    {
      id: "copy-lists",
      action: "groups.copy-memberships",
      title: "Copy distribution lists from ${request.copyFrom}",
      on: "mailboxAdmin",
      when: { all: [mailbox, { present: "request.copyFrom" }] },
      params: { ...user, from: "${request.copyFrom}", only: "exchange" },
      after: ["mailbox-ready"],
    },
    {
      id: "shared",
      action: "mail.grant-mailbox-access",
      title: "Access to ${item}",
      on: "mailboxAdmin",
      when: mailbox,
      forEach: "${request.sharedMailboxes}",
      params: { mailbox: "${item}", grantee: "${derived.upn}", sendAs: true },
      after: ["mailbox-ready"],
    },
    {
      id: "tap",
      action: "identity.issue-temporary-access-pass",
      title: "Temporary Access Pass for first sign-in",
      on: "authentication",
      when: {
        all: [
          { equals: ["${client.identity.temporaryAccessPass.enabled}", true] },
          { serves: "authentication" },
        ],
      },
      params: {
        ...user,
        startAt: "${request.startAt}",
        lifetimeInMinutes: "${client.identity.temporaryAccessPass.lifetimeInMinutes}",
        isUsableOnce: "${client.identity.temporaryAccessPass.isUsableOnce}",
      },
      after: ["create-user"],
    },
    {
      id: "autopilot",
      action: "devices.assign-autopilot-user",
      title: "Assign device ${request.deviceSerial}",
      on: "devices",
      when: { present: "request.deviceSerial" },
      params: { ...user, serial: "${request.deviceSerial}" },
      after: ["create-user"],
    },
    {
      id: "welcome-email",
      action: "notify.welcome-email",
      title: "Welcome email",
      on: "mailSender",
      params: {
        ...user,
        displayName: "${request.displayName}",
        from: "${client.mail.sendMailFrom}",
        to: "${derived.welcomeRecipients}",
        personalEmail: "${request.personalEmail}",
        domains: "${client.domains}",
        hrContacts: "${client.hrContacts}",
      },
      after: "all",
      required: false,
    },
    // The RMM and the documentation, where the client has them: listed after the welcome email, which
    // must not wait for them; the PSA's final log, after everything, records them.
    {
      id: "rmm-user",
      action: "rmm.create-end-user",
      title: "Create RMM user entry for ${derived.upn}",
      on: "rmm",
      when: { serves: "rmm" },
      params: { email: "${derived.upn}", firstName: "${request.firstName}", lastName: "${request.lastName}" },
      after: ["create-user"],
    },
    {
      // Planned whenever there is an RMM: without a serial in the request it skips and says so.
      id: "rmm-device",
      action: "rmm.assign-device",
      title: "Assign the device in the RMM",
      on: "rmm",
      when: { serves: "rmm" },
      params: { serial: "${request.deviceSerial}", email: "${derived.upn}" },
      after: ["rmm-user"],
    },
    {
      id: "docs-person",
      action: "docs.create-person",
      title: "Update documentation: add ${request.displayName}",
      on: "docs",
      when: { serves: "docs" },
      params: {
        email: "${derived.upn}",
        firstName: "${request.firstName}",
        lastName: "${request.lastName}",
        title: "${request.jobTitle}",
        notes: "Onboarded by Lifecycle, starting ${request.startLocal}; requested by ${request.requester}.",
      },
      after: ["create-user"],
    },
    {
      // After the welcome email, to say who the pass's link went to; the pass and the email may not be
      // planned, and then the entry says so.
      id: "docs-credential",
      action: "docs.store-credential",
      title: "Sign-in entry in the documentation vault",
      on: "docs",
      when: { serves: "docs" },
      params: {
        email: "${derived.upn}",
        name: vaultEntryName("${derived.upn}"),
        username: "${derived.upn}",
        passwordFrom: "create-user",
        passFrom: "tap",
        welcomeFrom: "welcome-email",
      },
      after: ["docs-person", "create-user", "tap", "welcome-email"],
    },
    // The PSA's side runs beside the rest: listed after the welcome email so that nothing above waits for
    // a slow or absent PSA, and its final log after everything.
    ticket.open,
    ticket.planNote,
    {
      id: "psa-contact",
      action: "psa.create-contact",
      title: "PSA contact ${derived.upn}",
      ...psaStep,
      params: {
        email: "${derived.upn}",
        firstName: "${request.firstName}",
        lastName: "${request.lastName}",
        title: "${request.jobTitle}",
      },
      after: ["create-user"],
    },
    ticket.log,
  ],
};

import type { ClientConfig } from "../domain/client.ts";
import type { Plan } from "../domain/plan.ts";
import { fail, ok, type Result } from "../domain/result.ts";
import { pickUsername } from "../domain/username.ts";
import type { OnboardingRequest } from "../requests/index.ts";
import type { LiveState } from "./live-state.ts";
import { PlanBuilder, type PlanSystems } from "./plan-builder.ts";

/**
 * The onboarding as a DAG: the identity first, then everything that needs it in parallel; mail steps
 * wait for the mailbox, and the welcome email goes last, when there is something to welcome to.
 */
export async function planOnboarding(
  req: OnboardingRequest,
  client: ClientConfig,
  live: LiveState,
  systems?: PlanSystems,
): Promise<Result<Plan>> {
  const upn = await chooseUpn(req, client, live);
  if (!upn.ok) return upn;
  const b = new PlanBuilder(client, systems);
  const user = { upn: upn.value };

  const create = b.add("create-user", "identity.create-user", `Create ${upn.value}`, "directory", {
    ...user,
    firstName: req.firstName,
    lastName: req.lastName,
    displayName: req.displayName,
    usageLocation: client.usageLocation,
    department: req.department,
    jobTitle: req.jobTitle,
    office: req.office,
    employeeId: req.employeeId,
    employeeHireDate: req.startAt,
    // What address books show: the client's own name, unless a template user says otherwise.
    ...(req.copyFrom ? {} : { companyName: client.displayName }),
    copyFrom: req.copyFrom,
  });
  if (req.manager)
    b.add(
      "set-manager",
      "identity.set-manager",
      `Set manager ${req.manager}`,
      "directory",
      { ...user, manager: req.manager },
      [create],
    );

  const { identity, mail } = client;
  const groups = new Set([
    ...(req.department ? (client.groupsByDepartment[req.department] ?? []) : []),
    ...req.extraGroups,
    ...(identity.mfaRegistrationGroup ? [identity.mfaRegistrationGroup] : []),
    ...identity.conditionalAccessGroups,
  ]);
  // A group named by its address is a distribution list: Exchange knows the new user only once the
  // mailbox exists, so those joins wait for it; groups named by name are joined right after the create.
  const isList = (g: string) => g.includes("@");
  const groupSteps = [...groups]
    .filter((g) => !isList(g))
    .map((group) =>
      b.add(`group:${group}`, "groups.add-member", `Add to ${group}`, "directory", { ...user, group }, [
        create,
      ]),
    );
  const whenNoSeat = client.licensing.whenNoSeat;
  const skus = new Set([...(req.role ? (client.licensesByRole[req.role] ?? []) : []), ...req.extraLicenses]);
  const licenses = [...skus].map((sku) =>
    b.add(
      `license:${sku}`,
      "licensing.assign-license",
      `Assign ${sku}`,
      "licensing",
      { ...user, sku, whenNoSeat },
      [create],
    ),
  );
  if (req.copyFrom) {
    groupSteps.push(
      b.add(
        "copy-groups",
        "groups.copy-memberships",
        `Copy groups from ${req.copyFrom}`,
        "directory",
        { ...user, from: req.copyFrom, only: "directory" },
        [create],
      ),
    );
    licenses.push(
      b.add(
        "copy-licenses",
        "licensing.copy-licenses",
        `Copy licenses from ${req.copyFrom}`,
        "licensing",
        { ...user, from: req.copyFrom, whenNoSeat },
        [create],
      ),
    );
  }

  if (b.serves("mailboxAdmin")) {
    const mailbox = b.add(
      "mailbox-ready",
      "mail.wait-for-mailbox",
      "Mailbox provisioned",
      "mailboxes",
      user,
      // A license may also come through a group (group-based licensing): the wait starts after both.
      [create, ...licenses, ...groupSteps],
    );
    if (mail.signatureTemplate)
      b.add(
        "signature",
        "mail.set-signature",
        "Email signature",
        "mailboxAdmin",
        {
          ...user,
          template: mail.signatureTemplate,
          variables: client.variables,
          user: {
            displayName: req.displayName,
            firstName: req.firstName,
            lastName: req.lastName,
            jobTitle: req.jobTitle,
            department: req.department,
            office: req.office,
            email: upn.value,
          },
        },
        [mailbox],
        false,
      );
    for (const list of [...groups].filter(isList))
      b.add(`list:${list}`, "groups.add-member", `Add to ${list}`, "mailboxAdmin", { ...user, group: list }, [
        mailbox,
      ]);
    if (req.copyFrom)
      b.add(
        "copy-lists",
        "groups.copy-memberships",
        `Copy distribution lists from ${req.copyFrom}`,
        "mailboxAdmin",
        { ...user, from: req.copyFrom, only: "exchange" },
        [mailbox],
      );
    for (const shared of req.sharedMailboxes)
      b.add(
        `shared:${shared}`,
        "mail.grant-mailbox-access",
        `Access to ${shared}`,
        "mailboxAdmin",
        { mailbox: shared, grantee: upn.value, sendAs: true },
        [mailbox],
      );
  }
  if (identity.temporaryAccessPass.enabled && b.serves("authentication"))
    b.add(
      "tap",
      "identity.issue-temporary-access-pass",
      "Temporary Access Pass for first sign-in",
      "authentication",
      {
        ...user,
        startAt: req.startAt,
        lifetimeInMinutes: identity.temporaryAccessPass.lifetimeInMinutes,
        isUsableOnce: identity.temporaryAccessPass.isUsableOnce,
      },
      [create],
    );
  if (req.deviceSerial)
    b.add(
      "autopilot",
      "devices.assign-autopilot-user",
      `Assign device ${req.deviceSerial}`,
      "devices",
      { ...user, serial: req.deviceSerial },
      [create],
    );
  b.add(
    "welcome-email",
    "notify.welcome-email",
    "Welcome email",
    "mailSender",
    {
      ...user,
      displayName: req.displayName,
      from: mail.sendMailFrom,
      to: req.requester,
      personalEmail: req.personalEmail,
    },
    b.keys(),
    false,
  );
  return ok(b.plan());
}

async function chooseUpn(
  req: OnboardingRequest,
  client: ClientConfig,
  live: LiveState,
): Promise<Result<string>> {
  const taken = live.isUsernameTaken;
  if (req.username) {
    const upn = `${req.username}@${req.domain}`;
    if (taken && (await taken(upn))) return fail("username", `${upn} is already in use`);
    return ok(upn);
  }
  const picked = await pickUsername(
    { firstName: req.firstName, lastName: req.lastName, middleName: req.middleName },
    client.usernameFormat,
    client.transliteration,
    async (candidate) => (taken ? taken(`${candidate}@${req.domain}`) : false),
  );
  if (!picked.ok) return picked;
  return ok(`${picked.value}@${req.domain}`);
}

import type { ClientConfig } from "../domain/client.ts";
import type { Plan } from "../domain/plan.ts";
import { fail, ok, type Result } from "../domain/result.ts";
import { pickUsername } from "../domain/username.ts";
import type { OnboardingRequest } from "../requests/index.ts";
import type { LiveState } from "./live-state.ts";
import { identityApi, PlanBuilder } from "./plan-builder.ts";

/**
 * The onboarding as a DAG: the identity first, then everything that needs it in parallel; mail steps
 * wait for the mailbox, and the welcome email goes last, when there is something to welcome to.
 */
export async function planOnboarding(
  req: OnboardingRequest,
  client: ClientConfig,
  live: LiveState,
): Promise<Result<Plan>> {
  const upn = await chooseUpn(req, client, live);
  if (!upn.ok) return upn;
  const b = new PlanBuilder(client);
  const identity = identityApi(client);
  const user = { upn: upn.value };

  const create = b.add("create-user", "identity.create-user", `Create ${upn.value}`, identity, {
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
      identity,
      { ...user, manager: req.manager },
      [create],
    );

  const ms = client.microsoft;
  const groups = new Set([
    ...(req.department ? (client.groupsByDepartment[req.department] ?? []) : []),
    ...req.extraGroups,
    ...(ms?.mfaRegistrationGroup ? [ms.mfaRegistrationGroup] : []),
    ...(ms?.conditionalAccessGroups ?? []),
  ]);
  // A group named by its address is a distribution list: Exchange knows the new user only once the
  // mailbox exists, so those joins wait for it; groups named by name are joined right after the create.
  const isList = (g: string) => g.includes("@");
  const groupSteps = [...groups]
    .filter((g) => !isList(g))
    .map((group) =>
      b.add(`group:${group}`, "groups.add-member", `Add to ${group}`, identity, { ...user, group }, [create]),
    );
  const whenNoSeat = ms?.whenNoSeat ?? "fail";
  const skus = new Set([...(req.role ? (client.licensesByRole[req.role] ?? []) : []), ...req.extraLicenses]);
  const licenses = [...skus].map((sku) =>
    b.add(
      `license:${sku}`,
      "licensing.assign-license",
      `Assign ${sku}`,
      identity,
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
        identity,
        { ...user, from: req.copyFrom, only: "directory" },
        [create],
      ),
    );
    licenses.push(
      b.add(
        "copy-licenses",
        "licensing.copy-licenses",
        `Copy licenses from ${req.copyFrom}`,
        identity,
        { ...user, from: req.copyFrom, whenNoSeat },
        [create],
      ),
    );
  }

  if (client.systems.mail === "exchange-online") {
    const mailbox = b.add(
      "mailbox-ready",
      "mail.wait-for-mailbox",
      "Mailbox provisioned",
      "exchange",
      user,
      // A license may also come through a group (group-based licensing): the wait starts after both.
      [create, ...licenses, ...groupSteps],
    );
    if (ms?.signatureTemplate)
      b.add(
        "signature",
        "mail.set-signature",
        "Email signature",
        "exchange",
        {
          ...user,
          template: ms.signatureTemplate,
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
      b.add(`list:${list}`, "groups.add-member", `Add to ${list}`, "exchange", { ...user, group: list }, [
        mailbox,
      ]);
    if (req.copyFrom)
      b.add(
        "copy-lists",
        "groups.copy-memberships",
        `Copy distribution lists from ${req.copyFrom}`,
        "exchange",
        { ...user, from: req.copyFrom, only: "exchange" },
        [mailbox],
      );
    for (const shared of req.sharedMailboxes)
      b.add(
        `shared:${shared}`,
        "mail.grant-mailbox-access",
        `Access to ${shared}`,
        "exchange",
        { mailbox: shared, grantee: upn.value, sendAs: true },
        [mailbox],
      );
  }
  if (ms?.temporaryAccessPass.enabled && client.systems.identity === "entra")
    b.add(
      "tap",
      "identity.issue-temporary-access-pass",
      "Temporary Access Pass for first sign-in",
      identity,
      {
        ...user,
        startAt: req.startAt,
        lifetimeInMinutes: ms.temporaryAccessPass.lifetimeInMinutes,
        isUsableOnce: ms.temporaryAccessPass.isUsableOnce,
      },
      [create],
    );
  if (req.deviceSerial)
    b.add(
      "autopilot",
      "devices.assign-autopilot-user",
      `Assign device ${req.deviceSerial}`,
      identity,
      { ...user, serial: req.deviceSerial },
      [create],
    );
  if (client.systems.psa)
    b.add("psa-contact", "psa.create-contact", "PSA contact", client.systems.psa, user, [create], false);
  if (client.systems.rmm)
    b.add("rmm-user", "rmm.create-user", "RMM user entry", client.systems.rmm, user, [create], false);
  if (client.systems.docs)
    b.add(
      "docs-record",
      "docs.create-record",
      "Documentation record",
      client.systems.docs,
      user,
      [create],
      false,
    );
  b.add(
    "welcome-email",
    "notify.welcome-email",
    "Welcome email",
    "mail",
    {
      ...user,
      displayName: req.displayName,
      from: ms?.sendMailFrom,
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

import type { ClientConfig } from "../../domain/client.ts";
import { isEmailAddress } from "../../domain/fields.ts";
import type { PlanFinding } from "../../domain/plan.ts";
import { fail, ok, type Result } from "../../domain/result.ts";
import { pickUsernameExplained } from "../../domain/username.ts";
import type { OnboardingRequest } from "../../requests/index.ts";
import type { Derivation, DerivationInput } from "./derivation.ts";

// A group named by its address is a distribution list: Exchange knows the new user only once the mailbox
// exists, so those joins wait for it; groups named by name are joined right after the create.
const isList = (group: string) => group.includes("@");

/** The groups the client's map gives a department; none for one it does not name. */
const departmentGroups = (client: ClientConfig, department: string | undefined): string[] =>
  department && Object.hasOwn(client.groupsByDepartment, department)
    ? (client.groupsByDepartment[department] ?? [])
    : [];

/** The licences (SKU part numbers) the client's map gives a role; none for one it does not name. */
const roleLicences = (client: ClientConfig, role: string | undefined): string[] =>
  role && Object.hasOwn(client.licensesByRole, role) ? (client.licensesByRole[role] ?? []) : [];

/** Groups every new user of the client joins, whatever their department. */
const everyoneGroups = ({ identity }: ClientConfig): string[] => [
  ...(identity.mfaRegistrationGroup ? [identity.mfaRegistrationGroup] : []),
  ...identity.conditionalAccessGroups,
];

function namedGroups(req: OnboardingRequest, client: ClientConfig): string[] {
  return [
    ...new Set([...departmentGroups(client, req.department), ...req.extraGroups, ...everyoneGroups(client)]),
  ];
}

/** Groups by name and by address, as the plan joins them: directory groups now, lists once mail exists. */
const splitGroups = (groups: string[]) => ({
  groups: groups.filter((g) => !isList(g)),
  distributionLists: groups.filter(isList),
});

/**
 * What each department and role of the client implies for a new user, from the same maps the plan's
 * derivations read (directoryGroups, distributionLists, licences), so a form can say it before submitting.
 */
export interface OnboardingImplications {
  everyone: { groups: string[]; distributionLists: string[] };
  departments: Record<string, { groups: string[]; distributionLists: string[] }>;
  roles: Record<string, { licences: string[] }>;
}

export function onboardingImplications(client: ClientConfig): OnboardingImplications {
  return {
    everyone: splitGroups(everyoneGroups(client)),
    departments: Object.fromEntries(
      Object.keys(client.groupsByDepartment).map((d) => [d, splitGroups(departmentGroups(client, d))]),
    ),
    roles: Object.fromEntries(
      Object.keys(client.licensesByRole).map((r) => [r, { licences: [...new Set(roleLicences(client, r))] }]),
    ),
  };
}

async function chooseUpn({
  request: req,
  client,
  live,
}: DerivationInput<OnboardingRequest>): Promise<Result<{ upn: string; rule: string }>> {
  const taken = live.isUsernameTaken;
  if (req.username) {
    const upn = `${req.username}@${req.domain}`;
    if (taken && (await taken(upn))) return fail("username", `${upn} is already in use`);
    return ok({ upn, rule: "given in the request" });
  }
  const picked = await pickUsernameExplained(
    { firstName: req.firstName, lastName: req.lastName, middleName: req.middleName },
    client.usernameFormat,
    client.transliteration,
    async (candidate) => (taken ? taken(`${candidate}@${req.domain}`) : false),
  );
  if (!picked.ok) return picked;
  return ok({ upn: `${picked.value.username}@${req.domain}`, rule: picked.value.rule });
}

/** Who is told a new starter's account is ready: the client's HR contacts, else a requester of the client. */
function welcomeRecipients(req: OnboardingRequest, client: ClientConfig): string[] {
  const hr = (client as { hrContacts?: string[] }).hrContacts ?? [];
  if (hr.length) return hr;
  const requester = req.requester.toLowerCase();
  const domain = requester.split("@")[1];
  return isEmailAddress(requester) && domain && client.domains.includes(domain) ? [requester] : [];
}

/**
 * The typed computations the built-in onboarding calls by name (`${derived.<name>}`): what a client's
 * maps make of the request, and the username the directory leaves free.
 */
export const onboardDerivations: Record<string, Derivation<OnboardingRequest>> = {
  upn: {
    shape: { type: "string" },
    describe:
      "the new user's sign-in name: the requested username, or one from the client's format that is free",
    compute: async (input) => {
      const chosen = await chooseUpn(input);
      if (!chosen.ok) return chosen;
      const finding: PlanFinding = {
        field: "username",
        severity: "info",
        message: `${chosen.value.upn}: ${chosen.value.rule}`,
      };
      return ok({ value: chosen.value.upn, findings: [finding] });
    },
  },
  companyName: {
    describe: "the client's name as the user's company, unless a template user gives its own",
    shape: { type: "string" },
    compute: async ({ request, client }) => ok({ value: request.copyFrom ? undefined : client.displayName }),
  },
  directoryGroups: {
    describe: "groups by name from the department, the request, MFA registration and conditional access",
    shape: { type: "list", of: { type: "string" } },
    compute: async ({ request, client }) => ok({ value: splitGroups(namedGroups(request, client)).groups }),
  },
  distributionLists: {
    describe: "groups by address (distribution lists), joined once the mailbox exists",
    shape: { type: "list", of: { type: "string" } },
    compute: async ({ request, client }) =>
      ok({ value: splitGroups(namedGroups(request, client)).distributionLists }),
  },
  licences: {
    describe: "SKUs from the role's licences and the request's extra licences",
    shape: { type: "list", of: { type: "string" } },
    compute: async ({ request, client }) => {
      return ok({ value: [...new Set([...roleLicences(client, request.role), ...request.extraLicenses])] });
    },
  },
  licensingGroups: {
    describe: "the directory groups the user joins that assign licences (group-based licensing)",
    shape: { type: "list", of: { type: "string" } },
    compute: async ({ request, client, live }) => {
      const findGroup = live.findGroup;
      if (!findGroup) return ok({ value: [] });
      const groups = namedGroups(request, client).filter((g) => !isList(g));
      const found = await Promise.all(
        groups.map(async (g) => ((await findGroup(g))?.assignsLicenses ? g : undefined)),
      );
      return ok({ value: found.filter((g): g is string => g !== undefined) });
    },
  },
  welcomeRecipients: {
    describe: "who the welcome email goes to: the client's HR contacts",
    shape: { type: "list", of: { type: "string" } },
    compute: async ({ request, client }) => {
      const value = welcomeRecipients(request, client);
      const requester = request.requester.toLowerCase();
      // A requester outside the client is not told, and the plan says so rather than leaving them out.
      const outside = !value.length && isEmailAddress(requester);
      const finding: PlanFinding = {
        field: "requester",
        severity: "info",
        message: `the welcome email does not go to ${request.requester}: the address is not in the client's domains (${client.domains.join(", ")}) and the client has no HR contacts`,
      };
      return ok({ value, ...(outside ? { findings: [finding] } : {}) });
    },
  },
};

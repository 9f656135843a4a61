import { parseClient, planSystemsOf } from "../../src/composition/index.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import type { LiveState } from "../../src/planner/index.ts";
import { validateOffboarding, validateOnboarding, type Request } from "../../src/requests/index.ts";
import { demoClients } from "../../emulators/demo/clients.ts";

/**
 * Requests for the demo clients covering every branch of the built-in onboarding and offboarding. The
 * plans the TypeScript planner made of them before workflows became data are in
 * fixtures/typescript-planner-plans.json; the built-in definitions must plan the same.
 */
export interface PlanCase {
  name: string;
  kind: "onboard" | "offboard";
  client: string;
  body: Record<string, unknown>;
  /** Whether the client's directory answers the planner. */
  live: boolean;
  /**
   * The client without its Microsoft 365 tenant, as the demo's Globex and Initech were when the
   * reference plans were recorded: the plans of a client with no directory and no mail.
   */
  withoutMicrosoft365?: true;
}

const now = new Date("2026-11-02T15:00:00Z");

export const planCases: PlanCase[] = [
  {
    name: "acme: the README's onboarding",
    kind: "onboard",
    client: "acme",
    body: {
      firstName: "Sarah",
      lastName: "Johnson",
      department: "Marketing",
      manager: "mike.chen@acmecorp.com",
      start: "now",
    },
    live: true,
  },
  {
    name: "acme: every onboarding field",
    kind: "onboard",
    client: "acme",
    body: {
      firstName: "Zoë",
      lastName: "de la Cruz",
      displayName: "Zoe de la Cruz",
      department: "Sales",
      role: "staff",
      jobTitle: "Account Executive",
      office: "Boston",
      employeeId: "E-1042",
      manager: "mike.chen@acmecorp.com",
      copyFrom: "tom.williams@acmecorp.com",
      extraGroups: ["Project-X", "sales@acmecorp.com"],
      extraLicenses: ["POWER_BI_PRO"],
      sharedMailboxes: ["info@acmecorp.com", "support@acmecorp.com"],
      deviceSerial: "PF3ABC12",
      personalEmail: "zoe.private@example.net",
      ticket: "48291",
      start: "2026-11-10T09:00",
    },
    live: true,
  },
  {
    name: "acme: a bare onboarding whose username is taken",
    kind: "onboard",
    client: "acme",
    body: { firstName: "Taken", lastName: "Name", start: "now" },
    live: true,
  },
  {
    name: "globex: no systems, role and department",
    kind: "onboard",
    client: "globex",
    body: {
      firstName: "Jürgen",
      lastName: "Müller",
      department: "Engineering",
      role: "staff",
      manager: "anna.schmidt@globex.de",
      start: "now",
    },
    live: false,
    withoutMicrosoft365: true,
  },
  {
    name: "initech: the least an onboarding can be",
    kind: "onboard",
    client: "initech",
    body: { firstName: "Peter", lastName: "Gibbons", domain: "initech.local", start: "now" },
    live: false,
    withoutMicrosoft365: true,
  },
  {
    name: "acme: the README's offboarding (client defaults)",
    kind: "offboard",
    client: "acme",
    body: { user: "tom.williams@acmecorp.com", lastDay: "now" },
    live: true,
  },
  {
    name: "acme: every mailbox hand-over and wiping devices",
    kind: "offboard",
    client: "acme",
    body: {
      user: "tom.williams@acmecorp.com",
      lastDay: "now",
      actions: {
        forwardTo: { address: "manager", keepCopy: false },
        outOfOffice: "I have left Acme. Please write to {{ manager.email }}.",
        grantAccessTo: "mike.chen@acmecorp.com",
        wipeDevices: "wipe",
      },
    },
    live: true,
  },
  {
    name: "acme: delete the user, retire devices, keep MFA and groups",
    kind: "offboard",
    client: "acme",
    body: {
      user: "tom.williams@acmecorp.com",
      lastDay: "now",
      actions: {
        deleteUser: true,
        convertToShared: false,
        wipeDevices: "retire",
        removeMfa: false,
        removeGroups: false,
        notifySupervisor: false,
      },
    },
    live: true,
  },
  {
    name: "acme: lock-out only",
    kind: "offboard",
    client: "acme",
    body: {
      user: "tom.williams@acmecorp.com",
      lastDay: "now",
      actions: {
        removeMfa: false,
        convertToShared: false,
        hideFromAddressList: false,
        removeMobileDevices: false,
        removeGroups: false,
        removeLicenses: false,
        notifySupervisor: false,
      },
    },
    live: true,
  },
  {
    name: "globex: offboarding without systems",
    kind: "offboard",
    client: "globex",
    body: { user: "anna.schmidt@globex.de", lastDay: "now" },
    live: false,
    withoutMicrosoft365: true,
  },
];

/** A directory where the demo's people exist and `taken.name@` is in use. */
export const demoLive: LiveState = {
  isUsernameTaken: async (upn) => upn.startsWith("taken.name@"),
  findUser: async (upn) => ({ id: `id-of-${upn}`, onPremisesSyncEnabled: false }),
};

export function caseClient(c: PlanCase): ClientConfig {
  const input = demoClients.find((d) => d.id === c.client);
  const microsoft = new Set(["msgraph", "exchange-online"]);
  const parsed = parseClient(
    c.withoutMicrosoft365 && input
      ? {
          ...input,
          // Its sender is a mailbox of that tenant.
          mail: {},
          systems: Object.fromEntries(
            Object.entries(input.systems ?? {}).filter(([, s]) => !microsoft.has(s.connector)),
          ),
        }
      : input,
  );
  if (!parsed.ok) throw new Error(`${c.client}: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

export function caseRequest(c: PlanCase, client: ClientConfig): Request {
  const body = { ...c.body, client: c.client, requester: "cli" };
  const validated =
    c.kind === "onboard" ? validateOnboarding(body, client, now) : validateOffboarding(body, client, now);
  if (!validated.ok) throw new Error(`${c.name}: ${JSON.stringify(validated.errors)}`);
  return validated.value;
}

export const caseSystems = (client: ClientConfig) => planSystemsOf(client);

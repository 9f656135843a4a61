import assert from "node:assert/strict";
import { test } from "node:test";
import { parseClient, planSystemsOf } from "../../src/composition/index.ts";
import type { ClientConfig, ClientConfigInput } from "../../src/domain/client.ts";
import type { PlanFinding } from "../../src/domain/plan.ts";
import { planRequest, preflight, type LiveState, type PlanSystems } from "../../src/planner/index.ts";
import type { DirectoryGroup, Sku } from "../../src/ports/index.ts";
import { validateOffboarding, validateOnboarding } from "../../src/requests/index.ts";
import { microsoftSystems } from "../support/engine-helpers.ts";

const now = new Date("2026-11-27T12:00:00Z");
const spb = "11111111-0000-0000-0000-000000000001";
const visio = "11111111-0000-0000-0000-000000000002";

function clientWith(over: Partial<ClientConfigInput> = {}): ClientConfig {
  const parsed = parseClient({
    id: "acme",
    displayName: "Acme",
    domains: ["acmecorp.com"],
    timeZone: "America/New_York",
    usageLocation: "US",
    licensesByRole: { staff: ["SPB"] },
    groupsByDepartment: {
      Marketing: ["Marketing", "M365-Business-Premium", "marketing@acmecorp.com"],
    },
    systems: microsoftSystems("acmecorp.onmicrosoft.com", "acme/microsoft-app"),
    identity: { mfaRegistrationGroup: "MFA-Registration" },
    ...over,
  });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors));
  return parsed.value;
}

const group = (displayName: string, extra: Partial<DirectoryGroup> = {}): DirectoryGroup => ({
  id: `g-${displayName}`,
  displayName,
  managedBy: "directory",
  ...extra,
});

/** The Acme tenant as the planner's questions see it, counting every question asked. */
function fakeLive(
  opts: { seats?: Partial<Record<"SPB" | "VISIOCLIENT", [consumed: number, enabled: number]>> } = {},
) {
  const asked: string[] = [];
  const users = new Set(["mike.chen@acmecorp.com", "tom.williams@acmecorp.com", "tmpl@acmecorp.com"]);
  const groups = [
    group("Marketing"),
    group("MFA-Registration"),
    group("M365-Business-Premium", { assignsLicenses: true, licenseSkuIds: [spb] }),
    group("Marketing Team", { mail: "marketing@acmecorp.com", managedBy: "exchange" }),
    group("Sales-OnPrem", { readOnlyReason: "synced from on-premises AD: change it there" }),
  ];
  const seats: Record<"SPB" | "VISIOCLIENT", [number, number]> = {
    SPB: [3, 25],
    VISIOCLIENT: [0, 3],
    ...opts.seats,
  };
  const skus: Sku[] = [
    { skuId: spb, skuPartNumber: "SPB", consumed: seats.SPB[0], enabled: seats.SPB[1] },
    {
      skuId: visio,
      skuPartNumber: "VISIOCLIENT",
      consumed: seats.VISIOCLIENT[0],
      enabled: seats.VISIOCLIENT[1],
    },
  ];
  const live: Required<LiveState> = {
    isUsernameTaken: async (upn) => users.has(upn),
    async findUser(upn) {
      asked.push(`user ${upn}`);
      return users.has(upn) ? { id: `u-${upn}`, onPremisesSyncEnabled: false } : undefined;
    },
    async findGroup(nameOrMail) {
      asked.push(`group ${nameOrMail}`);
      return groups.find((g) => g.displayName === nameOrMail || g.mail === nameOrMail);
    },
    async readTemplate(upn) {
      asked.push(`template ${upn}`);
      return upn === "tmpl@acmecorp.com" ? { directSkuIds: [visio] } : undefined;
    },
    async managerOf(upn) {
      asked.push(`manager ${upn}`);
      return upn === "tom.williams@acmecorp.com" ? "mike.chen@acmecorp.com" : undefined;
    },
    async findMailbox(address) {
      asked.push(`mailbox ${address}`);
      return address === "info@acmecorp.com" ? { type: "shared", primarySmtpAddress: address } : undefined;
    },
    async skus() {
      asked.push("skus");
      return skus;
    },
    async findTicket(number) {
      asked.push(`ticket ${number}`);
      return undefined;
    },
    async findAutopilotDevice(serial) {
      asked.push(`autopilot ${serial}`);
      return serial === "ACME-PC-0042" ? { serialNumber: serial } : undefined;
    },
    async findRmmDevice(serial) {
      asked.push(`rmm ${serial}`);
      return serial === "ACME-PC-0042" ? { name: "ACME-LT-0042", vendor: "NinjaOne" } : undefined;
    },
  };
  return { live, asked };
}

async function onboardingFindings(
  body: Record<string, unknown>,
  live: LiveState,
  client = clientWith(),
  systems: PlanSystems = planSystemsOf(client),
): Promise<PlanFinding[]> {
  const req = validateOnboarding(
    {
      client: "acme",
      requester: "tech@msp.example",
      start: "now",
      firstName: "Sarah",
      lastName: "Johnson",
      ...body,
    },
    client,
    now,
  );
  assert.ok(req.ok, JSON.stringify(!req.ok && req.errors));
  const plan = await planRequest(req.value, client, live, systems);
  assert.ok(plan.ok, JSON.stringify(!plan.ok && plan.errors));
  return preflight({ request: req.value, client, plan: plan.value.plan, live });
}

const errorsOf = (fs: PlanFinding[]) => fs.filter((f) => f.severity === "error");
const byField = (fs: PlanFinding[], field: string) => fs.filter((f) => f.field === field);

test("a request naming only what exists passes with nothing but the seats it will take", async () => {
  const { live, asked } = fakeLive();
  const findings = await onboardingFindings(
    {
      department: "Marketing",
      role: "staff",
      manager: "mike.chen@acmecorp.com",
      copyFrom: "tmpl@acmecorp.com",
    },
    live,
  );
  assert.deepEqual(errorsOf(findings), []);
  assert.deepEqual(
    findings.map((f) => [f.severity, f.field, f.message]),
    [
      // The role's SKU and the department group's are one seat for one user.
      ["info", "role", "SPB: 3 of 25 in use, 22 free"],
      ["info", "copyFrom", "VISIOCLIENT: 0 of 3 in use, 3 free"],
    ],
  );
  // Three copy steps read the template; one read serves them all, and the SKUs are read once.
  assert.equal(asked.filter((a) => a === "template tmpl@acmecorp.com").length, 1);
  assert.equal(asked.filter((a) => a === "skus").length, 1);
});

test("an unknown manager is an error naming the field and the step", async () => {
  const { live } = fakeLive();
  const findings = await onboardingFindings({ manager: "nobody@acmecorp.com" }, live);
  assert.deepEqual(errorsOf(findings), [
    {
      field: "manager",
      severity: "error",
      message: "no user nobody@acmecorp.com in the client's directory",
      step: "set-manager",
    },
  ]);
});

test("an unknown copy-from user is one error, however many copy steps read it", async () => {
  const { live } = fakeLive();
  const findings = await onboardingFindings({ copyFrom: "ghost@acmecorp.com" }, live);
  assert.deepEqual(
    errorsOf(findings).map((f) => [f.field, f.message]),
    [["copyFrom", "copy-from user ghost@acmecorp.com is not in the client's directory"]],
  );
});

test("an unknown group and an unknown distribution list are errors on their extraGroups entries", async () => {
  const { live } = fakeLive();
  const findings = await onboardingFindings(
    { extraGroups: ["Marketing", "Nope", "ghosts@acmecorp.com"] },
    live,
  );
  assert.deepEqual(
    errorsOf(findings).map((f) => [f.field, f.step, f.message]),
    [
      ["extraGroups.1", "group:Nope", 'no group "Nope" in the client\'s directory'],
      [
        "extraGroups.2",
        "list:ghosts@acmecorp.com",
        "no group or distribution list ghosts@acmecorp.com in the client's directory",
      ],
    ],
  );
});

test("a group the client's config names and the tenant lacks names the step's parameter", async () => {
  const { live } = fakeLive();
  const client = clientWith({ identity: { mfaRegistrationGroup: "MFA-Typo" } });
  const findings = await onboardingFindings({}, live, client);
  assert.deepEqual(
    errorsOf(findings).map((f) => f.field),
    ["steps.group:MFA-Typo.params.group"],
  );
});

test("a group whose membership cannot be changed here is a warning, not an error", async () => {
  const { live } = fakeLive();
  const findings = await onboardingFindings({ extraGroups: ["Sales-OnPrem"] }, live);
  assert.deepEqual(errorsOf(findings), []);
  assert.match(byField(findings, "extraGroups.0")[0]?.message ?? "", /on-premises AD.*will skip/);
});

test("an unknown shared mailbox is an error on its sharedMailboxes entry", async () => {
  const { live } = fakeLive();
  const findings = await onboardingFindings(
    { sharedMailboxes: ["info@acmecorp.com", "gone@acmecorp.com"] },
    live,
  );
  assert.deepEqual(
    errorsOf(findings).map((f) => [f.field, f.message]),
    [["sharedMailboxes.1", "no mailbox gone@acmecorp.com in the client's mail system"]],
  );
});

test("an unknown department is an error by default and a warning where the client says so", async () => {
  const { live } = fakeLive();
  const strict = await onboardingFindings({ department: "Marketting" }, live);
  assert.deepEqual(
    byField(strict, "department").map((f) => [f.severity, f.message]),
    [["error", '"Marketting" is not one of the client\'s departments (Marketing), so it brings no groups']],
  );
  const lenient = await onboardingFindings(
    { department: "Marketting" },
    live,
    clientWith({ preflight: { unknownDepartment: "warning" } }),
  );
  assert.deepEqual(
    byField(lenient, "department").map((f) => f.severity),
    ["warning"],
  );
  assert.deepEqual(errorsOf(lenient), []);
});

test("with no department map at all, any department is fine", async () => {
  const { live } = fakeLive();
  const findings = await onboardingFindings(
    { department: "Anything" },
    live,
    clientWith({ groupsByDepartment: {} }),
  );
  assert.deepEqual(byField(findings, "department"), []);
});

test("an unknown role is an error by default and a warning where the client says so", async () => {
  const { live } = fakeLive();
  const strict = await onboardingFindings({ role: "ceo" }, live);
  assert.deepEqual(
    byField(strict, "role").map((f) => [f.severity, f.message]),
    [["error", '"ceo" is not one of the client\'s roles (staff), so it brings no licences']],
  );
  const lenient = await onboardingFindings(
    { role: "ceo" },
    live,
    clientWith({ preflight: { unknownRole: "warning" } }),
  );
  assert.deepEqual(
    byField(lenient, "role").map((f) => f.severity),
    ["warning"],
  );
});

test("no free seat of a role's SKU: the client's fail policy is an error naming the SKU and the usage", async () => {
  const { live } = fakeLive({ seats: { SPB: [25, 25] } });
  const findings = await onboardingFindings({ role: "staff" }, live);
  assert.deepEqual(errorsOf(findings), [
    {
      field: "role",
      severity: "error",
      message: "no free SPB seats (25 of 25 in use); buy one or free one, then submit again",
      step: "license:SPB",
    },
  ]);
});

test("no free seat with the wait policy: a warning that the run will wait for that SKU", async () => {
  const { live } = fakeLive({ seats: { SPB: [25, 25] } });
  const findings = await onboardingFindings(
    { role: "staff" },
    live,
    clientWith({ licensing: { whenNoSeat: "wait" } }),
  );
  assert.deepEqual(errorsOf(findings), []);
  assert.deepEqual(
    byField(findings, "role").map((f) => [f.severity, f.message]),
    [["warning", "will wait for a free SPB seat (25 of 25 in use)"]],
  );
});

test("a licence-assigning group with no free seat is refused on the department that brings it", async () => {
  const { live } = fakeLive({ seats: { SPB: [25, 25] } });
  const findings = await onboardingFindings({ department: "Marketing" }, live);
  assert.deepEqual(
    errorsOf(findings).map((f) => [f.field, f.step, f.message]),
    [
      [
        "department",
        "group:M365-Business-Premium",
        "no free SPB seats (25 of 25 in use) through the group M365-Business-Premium; buy one or free one, then submit again",
      ],
    ],
  );
});

test("an extra licence the tenant has no subscription for is an error on its entry", async () => {
  const { live } = fakeLive();
  const findings = await onboardingFindings({ extraLicenses: ["VISIOCLIENT", "POWER_BI_PRO"] }, live);
  assert.deepEqual(
    errorsOf(findings).map((f) => [f.field, f.message]),
    [["extraLicenses.1", "the tenant has no subscription POWER_BI_PRO"]],
  );
});

test("a template's direct licence without a free seat is refused on copyFrom", async () => {
  const { live } = fakeLive({ seats: { VISIOCLIENT: [3, 3] } });
  const findings = await onboardingFindings({ copyFrom: "tmpl@acmecorp.com" }, live);
  assert.match(
    errorsOf(findings)[0]?.message ?? "",
    /no free VISIOCLIENT seats \(3 of 3 in use\) copied from tmpl/,
  );
  assert.equal(errorsOf(findings)[0]?.field, "copyFrom");
});

test("a device serial neither Autopilot nor the RMM knows is an error on deviceSerial, before any account exists", async () => {
  const { live } = fakeLive();
  const base = planSystemsOf(clientWith());
  const withRmm: PlanSystems = {
    servedBy: (port) => (port === "rmm" ? "ninja" : base.servedBy(port)),
    portsOf: (system) => (system === "ninja" ? ["rmm"] : base.portsOf(system)),
  };
  const typo = await onboardingFindings({ deviceSerial: "ACME-PC-0024" }, live, clientWith(), withRmm);
  assert.deepEqual(
    errorsOf(typo).map((f) => [f.field, f.step, f.message]),
    [
      ["deviceSerial", "autopilot", "no device with serial ACME-PC-0024 in the client's Autopilot"],
      ["deviceSerial", "rmm-device", "no device with serial ACME-PC-0024 in the client's RMM"],
    ],
  );
  const known = await onboardingFindings({ deviceSerial: "ACME-PC-0042" }, live, clientWith(), withRmm);
  assert.deepEqual(errorsOf(known), []);
  assert.deepEqual(
    byField(known, "deviceSerial").map((f) => f.message),
    ["ACME-PC-0042 is ACME-LT-0042 in NinjaOne"],
  );
});

test("a check whose system is missing says it was not checked, and never passes silently", async () => {
  const { live } = fakeLive();
  const { skus: _skus, findMailbox: _mailbox, ...directoryOnly } = live;
  const findings = await onboardingFindings(
    { role: "staff", sharedMailboxes: ["gone@acmecorp.com"] },
    directoryOnly,
  );
  assert.deepEqual(errorsOf(findings), []);
  assert.deepEqual(
    findings.map((f) => [f.severity, f.field, f.message]),
    [
      [
        "warning",
        "sharedMailboxes.0",
        "mailbox gone@acmecorp.com not checked: the client has no system for mailbox administration",
      ],
      ["warning", "role", "free licence seats not checked: the client has no system for licensing"],
    ],
  );
  const none = await onboardingFindings({ manager: "nobody@acmecorp.com" }, {});
  assert.deepEqual(
    byField(none, "manager").map((f) => [f.severity, f.message]),
    [["warning", "manager nobody@acmecorp.com not checked: the client has no system for the directory"]],
  );
});

test("a system that does not answer leaves a warning naming it, not a pass", async () => {
  const { live } = fakeLive();
  const findings = await onboardingFindings(
    { manager: "mike.chen@acmecorp.com" },
    {
      ...live,
      findUser: async () => {
        throw new Error("503 ServiceUnavailable");
      },
    },
  );
  assert.match(
    byField(findings, "manager")[0]?.message ?? "",
    /not checked: the directory did not answer \(503/,
  );
});

test("an offboarding's handover to the manager needs a manager; named people must exist", async () => {
  const { live } = fakeLive();
  const client = clientWith();
  const findingsFor = async (user: string, actions: Record<string, unknown>) => {
    const req = validateOffboarding(
      { client: "acme", requester: "hr@acmecorp.com", lastDay: "now", user, actions },
      client,
      now,
    );
    assert.ok(req.ok, JSON.stringify(!req.ok && req.errors));
    const plan = await planRequest(req.value, client, live, planSystemsOf(client));
    assert.ok(plan.ok, JSON.stringify(!plan.ok && plan.errors));
    return preflight({ request: req.value, client, plan: plan.value.plan, live });
  };
  assert.deepEqual(
    errorsOf(
      await findingsFor("tom.williams@acmecorp.com", {
        grantAccessTo: "manager",
        forwardTo: { address: "manager", keepCopy: true },
      }),
    ),
    [],
  );
  const orphan = await findingsFor("mike.chen@acmecorp.com", {
    grantAccessTo: "manager",
    forwardTo: { address: "gone@acmecorp.com", keepCopy: true },
  });
  assert.deepEqual(
    errorsOf(orphan).map((f) => [f.field, f.message]),
    [
      ["actions.forwardTo.address", "no user gone@acmecorp.com in the client's directory"],
      [
        "actions.grantAccessTo",
        'mike.chen@acmecorp.com has no manager in the directory: name a person instead of "manager"',
      ],
    ],
  );
  const outside = await findingsFor("tom.williams@acmecorp.com", {
    forwardTo: { address: "tom@gmail.com", keepCopy: true },
  });
  assert.deepEqual(errorsOf(outside), [], "an outside address cannot be looked up");
});

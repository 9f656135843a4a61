import assert from "node:assert/strict";
import { test } from "node:test";
import { parseClientConfig, type ClientConfig, type ClientConfigInput } from "../../src/domain/client.ts";
import { aheadPriority, urgentPriority } from "../../src/domain/plan.ts";
import { planApproval, type LiveState, type PlanSystems } from "../../src/planner/index.ts";
import { validateOffboarding, validateOnboarding, type Request } from "../../src/requests/index.ts";

const now = new Date("2030-03-02T09:00:00Z");
const mailing: PlanSystems = {
  servedBy: (p) => (p === "mailSender" ? "exchange" : "entra"),
  portsOf: () => [],
};
const nobody = { emails: [], accountIds: [] };

function client(
  approval: ClientConfigInput["approval"],
  extra: Partial<ClientConfigInput> = {},
): ClientConfig {
  const parsed = parseClientConfig({
    id: "acme",
    displayName: "Acme Corp",
    domains: ["acme.com"],
    timeZone: "Europe/Berlin",
    usageLocation: "DE",
    mail: { sendMailFrom: "helpdesk@acme.com" },
    approval,
    ...extra,
  });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.value;
}

function offboarding(c: ClientConfig, body: Record<string, unknown> = {}): Request {
  const r = validateOffboarding(
    { client: "acme", user: "tom@acme.com", lastDay: "now", requester: "hr@acme.com", ...body },
    c,
    now,
  );
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}

const managerIs = (upn: string | undefined): LiveState =>
  ({ managerOf: async () => upn }) satisfies LiveState;

test("a leaver's manager is the directory's, asked by a step that mails them before the approval", async () => {
  const c = client({ offboarding: "manager" });
  const planned = await planApproval({
    request: offboarding(c),
    client: c,
    live: managerIs("Mike@Acme.com"),
    systems: mailing,
    requestedBy: nobody,
  });
  assert.deepEqual(planned.approval, {
    who: "mike@acme.com (manager)",
    approvers: [{ kind: "person", email: "mike@acme.com", as: "manager" }],
  });
  const [step] = planned.steps;
  assert.equal(planned.steps.length, 1);
  assert.equal(step?.type, "notify.approval-request");
  assert.equal(step?.beforeApproval, true);
  assert.equal(step?.api, "exchange");
  assert.equal(step?.priority, aheadPriority, "the lock-out waits on this mail: it goes ahead of the queue");
  assert.ok(aheadPriority < urgentPriority, "but not in the lock-out's lane");
  assert.deepEqual(step?.params, {
    approvers: ["mike@acme.com"],
    from: "helpdesk@acme.com",
    kind: "offboard",
    about: "tom@acme.com",
    requester: "hr@acme.com",
  });
});

test("a new starter's manager is the one the form names; named addresses and staff come from the policy", async () => {
  const c = client({ onboarding: { approvers: ["manager", "staff", { email: "ceo@partner.example" }] } });
  const r = validateOnboarding(
    {
      client: "acme",
      firstName: "Sam",
      lastName: "Ray",
      start: "now",
      requester: "hr@acme.com",
      manager: "kim@acme.com",
    },
    c,
    now,
  );
  assert.ok(r.ok, JSON.stringify(r));
  const planned = await planApproval({
    request: r.value,
    client: c,
    live: {},
    systems: mailing,
    requestedBy: nobody,
  });
  assert.deepEqual(planned.approval?.approvers, [
    { kind: "person", email: "kim@acme.com", as: "manager" },
    { kind: "staff" },
    { kind: "person", email: "ceo@partner.example", as: "named" },
  ]);
  // A named address is mailed wherever it is; the policy named it.
  assert.deepEqual(planned.steps[0]?.params.approvers, ["kim@acme.com", "ceo@partner.example"]);
  assert.equal(planned.steps[0]?.priority, 0, "an onboarding's approval mail queues as any other step");
});

test("the requester is never among the approvers; a policy that leaves nobody is an error", async () => {
  const c = client({ offboarding: "manager" });
  const asked = await planApproval({
    request: offboarding(c, { requester: "mike@acme.com" }),
    client: c,
    live: managerIs("mike@acme.com"),
    systems: mailing,
    requestedBy: nobody,
  });
  assert.equal(asked.approval, undefined);
  assert.deepEqual(asked.steps, []);
  assert.ok(
    asked.findings.some((f) => f.severity === "warning" && /requester never approves/.test(f.message)),
  );
  assert.ok(asked.findings.some((f) => f.severity === "error" && f.field === "requiresApproval"));
  // Signed in as the manager to submit counts as asking too.
  const submitted = await planApproval({
    request: offboarding(c),
    client: c,
    live: managerIs("mike@acme.com"),
    systems: mailing,
    requestedBy: { emails: ["mike@acme.com"], accountIds: ["a-1"] },
  });
  assert.ok(submitted.findings.some((f) => f.severity === "error"));
});

test("no manager in the directory, or no directory: an error unless someone else may approve", async () => {
  const managerOnly = client({ offboarding: "manager" });
  for (const live of [managerIs(undefined), {}]) {
    const planned = await planApproval({
      request: offboarding(managerOnly),
      client: managerOnly,
      live,
      systems: mailing,
      requestedBy: nobody,
    });
    assert.ok(
      planned.findings.some((f) => f.severity === "error"),
      JSON.stringify(planned.findings),
    );
  }
  const orStaff = client({ offboarding: { approvers: ["manager", "staff"] } });
  const planned = await planApproval({
    request: offboarding(orStaff),
    client: orStaff,
    live: managerIs(undefined),
    systems: mailing,
    requestedBy: nobody,
  });
  assert.deepEqual(planned.approval?.approvers, [{ kind: "staff" }]);
  assert.deepEqual(planned.steps, [], "staff approve signed in: nobody to mail");
  assert.ok(!planned.findings.some((f) => f.severity === "error"));
  assert.ok(planned.findings.some((f) => /tom@acme\.com has no manager in the directory/.test(f.message)));
});

test("an approver is not mailed outside the client's domains, nor without a mail system or sender", async () => {
  const c = client({ offboarding: "manager" });
  const guest = await planApproval({
    request: offboarding(c),
    client: c,
    live: managerIs("boss@elsewhere.example"),
    systems: mailing,
    requestedBy: nobody,
  });
  assert.deepEqual(guest.approval?.approvers, [
    { kind: "person", email: "boss@elsewhere.example", as: "manager" },
  ]);
  assert.deepEqual(guest.steps, []);
  assert.ok(guest.findings.some((f) => /not in the client's domains/.test(f.message)));
  const noMail = await planApproval({
    request: offboarding(c),
    client: c,
    live: managerIs("mike@acme.com"),
    systems: { servedBy: () => undefined, portsOf: () => [] },
    requestedBy: nobody,
  });
  assert.deepEqual(noMail.steps, []);
  assert.ok(noMail.findings.some((f) => /no system that sends mail/.test(f.message)));
  const noSender = client({ offboarding: "manager" }, { mail: {} });
  const unsent = await planApproval({
    request: offboarding(noSender),
    client: noSender,
    live: managerIs("mike@acme.com"),
    systems: mailing,
    requestedBy: nobody,
  });
  assert.deepEqual(unsent.steps, []);
  assert.ok(unsent.findings.some((f) => /mail\.sendMailFrom/.test(f.message)));
});

test("no approval, nothing planned", async () => {
  const c = client({ offboarding: "none" });
  assert.deepEqual(
    await planApproval({
      request: offboarding(c),
      client: c,
      live: {},
      systems: mailing,
      requestedBy: nobody,
    }),
    { steps: [], findings: [] },
  );
});

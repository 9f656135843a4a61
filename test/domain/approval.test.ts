import assert from "node:assert/strict";
import { test } from "node:test";
import {
  approvalRefusal,
  approverRules,
  describePolicy,
  needsManager,
  requestedByOf,
  taskRefusal,
  type Approver,
  type VerifiedApprover,
} from "../../src/domain/approval.ts";
import { parseClientConfig } from "../../src/domain/client.ts";
import type { StaffRole } from "../../src/domain/staff-roles.ts";

const minimal = {
  id: "acme",
  displayName: "Acme Corp",
  domains: ["acme.com"],
  timeZone: "Europe/Berlin",
  usageLocation: "DE",
};

function policyOf(offboarding: unknown) {
  const parsed = parseClientConfig({ ...minimal, approval: { offboarding } });
  return parsed.ok ? parsed.value.approval.offboarding : parsed.errors;
}

test("the first version's policy words parse and mean what they meant", () => {
  assert.equal(policyOf("none"), "none");
  assert.deepEqual(approverRules("none"), undefined);
  assert.deepEqual(approverRules("manager"), ["manager"]);
  // "technician" was "an MSP technician approves": staff whose role may approve.
  assert.deepEqual(approverRules("technician"), ["staff"]);
  assert.equal(needsManager("manager"), true);
  assert.equal(needsManager("technician"), false);
});

test("the object form lists the manager, staff and named addresses, lowercased", () => {
  const policy = policyOf({ approvers: ["manager", "staff", { email: " CEO@Acme.com " }] });
  assert.deepEqual(policy, { approvers: ["manager", "staff", { email: "ceo@acme.com" }] });
  assert.ok(typeof policy === "object" && !Array.isArray(policy));
  assert.equal(describePolicy(policy), "the manager, MSP staff who may approve or ceo@acme.com");
  assert.equal(needsManager(policy), false, "staff can approve when there is no manager");
  assert.equal(needsManager({ approvers: ["manager"] }), true);
});

test("a policy that is not one of the forms names the field at fault", () => {
  const cases: [unknown, string, RegExp][] = [
    ["boss", "approval.offboarding", /"none", "manager", "technician" or \{ "approvers"/],
    [{ approvers: [] }, "approval.offboarding.approvers", /must not be empty/],
    [{ approvers: ["admins"] }, "approval.offboarding.approvers.0", /"manager", "staff" or \{ "email"/],
    [{ approvers: [{ email: "not an address" }] }, "approval.offboarding.approvers.0.email", /email address/],
    [{ approvers: ["manager", "manager"] }, "approval.offboarding.approvers.1", /twice/],
    [{ approvers: ["staff"], escalate: true }, "approval.offboarding.escalate", /not a known field/],
  ];
  for (const [input, field, message] of cases) {
    const errors = policyOf(input);
    assert.ok(Array.isArray(errors), `${JSON.stringify(input)} was accepted`);
    const error = errors.find((e) => e.field === field);
    assert.ok(error, `${JSON.stringify(input)}: ${JSON.stringify(errors)}`);
    assert.match(error.message, message);
  }
});

const staff = (email: string, role: StaffRole = "approver", clients: "all" | string[] = "all") =>
  ({
    kind: "staff",
    principal: { accountId: `id-${email}`, email, role, clients, via: "session" },
  }) satisfies VerifiedApprover;
const link = (email: string): VerifiedApprover => ({ kind: "link", email, linkId: "l-1" });

const manager: Approver = { kind: "person", email: "mike@acme.com", as: "manager" };
const gate = (approvers: Approver[] | undefined) => ({
  approvers,
  requestedBy: requestedByOf("Helpdesk ticket 4711", "hr@acme.com", {
    accountId: "id-tech",
    email: "tech@msp.example",
  }),
});

test("the requester never approves their own request, by address or by account", () => {
  const g = gate([manager, { kind: "staff" }]);
  assert.deepEqual(g.requestedBy, { emails: ["hr@acme.com", "tech@msp.example"], accountIds: ["id-tech"] });
  assert.match(approvalRefusal(g, staff("hr@acme.com"), "acme", "approve") ?? "", /requester never approves/);
  assert.match(approvalRefusal(g, link("HR@acme.com"), "acme", "approve") ?? "", /requester never approves/);
  // Another address on the same account is still the requester.
  const renamed = {
    kind: "staff",
    principal: { ...staff("new@msp.example").principal, accountId: "id-tech" },
  };
  assert.match(approvalRefusal(g, renamed as VerifiedApprover, "acme", "approve") ?? "", /requester/);
  // Withdrawing is not approving: a requester who may approve otherwise may reject.
  assert.equal(approvalRefusal(g, staff("tech@msp.example"), "acme", "reject"), undefined);
});

test("only the approvers the plan names may decide; staff only where the policy says so", () => {
  const managerOnly = gate([manager]);
  assert.equal(approvalRefusal(managerOnly, link("mike@acme.com"), "acme", "approve"), undefined);
  assert.equal(approvalRefusal(managerOnly, staff("mike@acme.com"), "acme", "approve"), undefined);
  assert.match(
    approvalRefusal(managerOnly, staff("boss@msp.example", "admin"), "acme", "approve") ?? "",
    /not one who may approve this run: the client's policy names mike@acme\.com \(manager\)/,
  );
  assert.match(approvalRefusal(managerOnly, link("eve@acme.com"), "acme", "reject") ?? "", /not one who may/);
  const withStaff = gate([manager, { kind: "staff" }]);
  assert.equal(approvalRefusal(withStaff, staff("boss@msp.example", "admin"), "acme", "approve"), undefined);
  assert.equal(
    approvalRefusal(withStaff, staff("ann@msp.example", "approver"), "acme", "approve"),
    undefined,
  );
  // A link is for a person; it never stands for "staff".
  assert.match(
    approvalRefusal(withStaff, link("ann@msp.example"), "acme", "approve") ?? "",
    /not one who may/,
  );
});

test("staff need a role that may approve, on the run's client", () => {
  const g = gate([{ kind: "staff" }, manager]);
  assert.match(
    approvalRefusal(g, staff("tina@msp.example", "technician"), "acme", "approve") ?? "",
    /\(technician\) may not approve runs of client acme/,
  );
  assert.match(
    approvalRefusal(g, staff("mike@acme.com", "approver", ["globex"]), "acme", "approve") ?? "",
    /may not approve runs of client acme/,
  );
});

test("a gate planned before approvers were resolved is for staff who may approve, not links", () => {
  const legacy = { requestedBy: requestedByOf("hr@acme.com") };
  assert.equal(approvalRefusal(legacy, staff("ann@msp.example"), "acme", "approve"), undefined);
  assert.equal(approvalRefusal({}, staff("ann@msp.example"), "acme", "approve"), undefined);
  assert.match(approvalRefusal(legacy, link("mike@acme.com"), "acme", "approve") ?? "", /no approval links/);
  assert.match(approvalRefusal(legacy, staff("hr@acme.com"), "acme", "approve") ?? "", /requester/);
});

test("a manual task is answered by staff who operate runs, never through an approval link", () => {
  assert.equal(taskRefusal(staff("tina@msp.example", "technician"), "acme"), undefined);
  assert.match(taskRefusal(staff("ann@msp.example", "approver"), "acme") ?? "", /may not answer tasks/);
  assert.match(taskRefusal(link("mike@acme.com"), "acme") ?? "", /answers only the approval/);
});

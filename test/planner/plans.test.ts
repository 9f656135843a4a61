import assert from "node:assert/strict";
import { test } from "node:test";
import { parseClient, planSystemsOf } from "../../src/composition/index.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { microsoftSystems } from "../support/engine-helpers.ts";
import { planRequest, validatePlanGraph } from "../../src/planner/index.ts";
import { planHash } from "../../src/planner/hash.ts";
import { validateOffboarding, validateOnboarding } from "../../src/requests/index.ts";
import type { Plan } from "../../src/domain/plan.ts";

const now = new Date("2026-11-27T12:00:00Z");
const parsed = parseClient({
  id: "acme",
  displayName: "Acme",
  domains: ["acmecorp.com"],
  timeZone: "America/New_York",
  usageLocation: "US",
  licensesByRole: { staff: ["SPB"] },
  groupsByDepartment: { Marketing: ["Marketing", "All-Staff", "marketing@acmecorp.com"] },
  systems: microsoftSystems("acmecorp.onmicrosoft.com", "acme/microsoft-app"),
  identity: {
    mfaRegistrationGroup: "MFA-Registration",
    conditionalAccessGroups: ["CA-Baseline"],
    groupsKeptAtOffboarding: ["Former staff"],
  },
  mail: { sendMailFrom: "helpdesk@acmecorp.com", signatureTemplate: "<p>{{ user.displayName }}</p>" },
});
assert.ok(parsed.ok);
const client: ClientConfig = parsed.value;
const systems = planSystemsOf(client);

async function onboardingPlan(body: Record<string, unknown>, taken: string[] = []): Promise<Plan> {
  const req = validateOnboarding(
    { client: "acme", requester: "tech@msp.example", start: "now", ...body },
    client,
    now,
  );
  assert.ok(req.ok, JSON.stringify(!req.ok && req.errors));
  const plan = await planRequest(
    req.value,
    client,
    { isUsernameTaken: async (upn) => taken.includes(upn) },
    systems,
  );
  assert.ok(plan.ok, JSON.stringify(!plan.ok && plan.errors));
  return plan.value.plan;
}

test("an onboarding creates the user first and hangs everything else off it", async () => {
  const plan = await onboardingPlan({
    firstName: "Sarah",
    lastName: "Johnson",
    department: "Marketing",
    role: "staff",
    manager: "mike.chen@acmecorp.com",
  });
  assert.deepEqual(validatePlanGraph(plan), []);
  const byKey = new Map(plan.actions.map((a) => [a.key, a]));
  assert.equal(byKey.get("create-user")?.params.upn, "sarah.johnson@acmecorp.com");
  assert.equal(byKey.get("create-user")?.params.companyName, "Acme");
  assert.deepEqual(byKey.get("create-user")?.deps, []);
  const afterCreate = ["set-manager", "group:Marketing", "group:All-Staff", "license:SPB", "tap"];
  for (const k of [...afterCreate, "group:MFA-Registration", "group:CA-Baseline"])
    assert.deepEqual(byKey.get(k)?.deps, ["create-user"], k);
  assert.deepEqual(
    byKey.get("mailbox-ready")?.deps,
    [
      "create-user",
      "license:SPB",
      "group:Marketing",
      "group:All-Staff",
      "group:MFA-Registration",
      "group:CA-Baseline",
    ],
    "the mailbox appears after licensing, direct or by group",
  );
  assert.deepEqual(byKey.get("signature")?.deps, ["mailbox-ready"]);
  assert.equal(byKey.get("signature")?.params.template, "<p>{{ user.displayName }}</p>");
  assert.deepEqual(
    byKey.get("list:marketing@acmecorp.com")?.deps,
    ["mailbox-ready"],
    "lists join in Exchange",
  );
  assert.equal(byKey.get("license:SPB")?.params.whenNoSeat, "fail");
  assert.equal(byKey.get("welcome-email")?.params.from, "helpdesk@acmecorp.com");
  assert.ok(byKey.get("welcome-email")?.deps.includes("tap"), "the welcome email carries the TAP link");
  // Each step's rate bucket is the client's system that serves it.
  assert.equal(byKey.get("create-user")?.api, "entra");
  assert.equal(byKey.get("mailbox-ready")?.api, "entra", "Graph says when the mailbox answers");
  assert.equal(byKey.get("signature")?.api, "exchange");
  assert.equal(byKey.get("welcome-email")?.api, "entra");
  assert.equal(byKey.get("create-user")?.bind, undefined, "no step of a single-directory client is rerouted");
});

test("a copy-from onboarding copies groups and licenses after the create, and lists once the mailbox exists", async () => {
  const plan = await onboardingPlan({
    firstName: "Ann",
    lastName: "Lee",
    copyFrom: "tom.williams@acmecorp.com",
  });
  const byKey = new Map(plan.actions.map((a) => [a.key, a]));
  assert.deepEqual(byKey.get("copy-groups")?.params, {
    upn: "ann.lee@acmecorp.com",
    from: "tom.williams@acmecorp.com",
    only: "directory",
  });
  assert.deepEqual(byKey.get("copy-licenses")?.deps, ["create-user"]);
  assert.ok(byKey.get("mailbox-ready")?.deps.includes("copy-licenses"));
  assert.deepEqual(byKey.get("copy-lists")?.deps, ["mailbox-ready"]);
  assert.equal(byKey.get("create-user")?.params.copyFrom, "tom.williams@acmecorp.com");
});

test("a taken username gets the client's collision rule", async () => {
  const plan = await onboardingPlan({ firstName: "Sarah", lastName: "Johnson" }, [
    "sarah.johnson@acmecorp.com",
  ]);
  assert.equal(plan.actions[0]?.params.upn, "sarah.johnson2@acmecorp.com");
});

test("an explicit username that is taken is refused, not renamed", async () => {
  const req = validateOnboarding(
    { client: "acme", requester: "t", start: "now", firstName: "S", lastName: "J", username: "sj" },
    client,
    now,
  );
  assert.ok(req.ok);
  const plan = await planRequest(req.value, client, { isUsernameTaken: async () => true }, systems);
  assert.ok(!plan.ok);
  assert.equal(plan.errors[0]?.field, "username");
});

test("an offboarding locks out first, hands the mailbox over before licenses go, and verifies last", async () => {
  const req = validateOffboarding(
    {
      client: "acme",
      user: "tom.williams@acmecorp.com",
      lastDay: "now",
      requester: "t",
      actions: { forwardTo: { address: "mike.chen@acmecorp.com" } },
    },
    client,
    now,
  );
  assert.ok(req.ok, JSON.stringify(!req.ok && req.errors));
  const plan = await planRequest(
    req.value,
    client,
    {
      findUser: async () => ({ id: "u-tom", onPremisesSyncEnabled: false }),
    },
    systems,
  );
  assert.ok(plan.ok);
  const byKey = new Map(plan.value.plan.actions.map((a) => [a.key, a]));
  for (const k of ["revoke-sessions", "reset-password", "disable-sign-in"]) {
    assert.deepEqual(byKey.get(k)?.deps, []);
    assert.ok((byKey.get(k)?.priority ?? 0) > 0);
    assert.equal(byKey.get(k)?.params.userId, "u-tom", "lock-out starts with the write");
  }
  assert.deepEqual(byKey.get("remove-groups")?.params.keep, ["Former staff"]);
  assert.ok(byKey.get("remove-licenses")?.deps.includes("convert-to-shared"));
  assert.ok(byKey.get("remove-licenses")?.deps.includes("remove-groups"));
  const verify = byKey.get("verify-no-access");
  assert.equal(verify?.required, true);
  assert.deepEqual(
    new Set(verify?.deps),
    new Set(plan.value.plan.actions.filter((a) => a.key !== "verify-no-access").map((a) => a.key)),
  );
});

test("an offboarding of a user the directory does not know is refused at submission", async () => {
  const req = validateOffboarding(
    { client: "acme", user: "nobody@acmecorp.com", lastDay: "now", requester: "t" },
    client,
    now,
  );
  assert.ok(req.ok, JSON.stringify(!req.ok && req.errors));
  const plan = await planRequest(req.value, client, { findUser: async () => undefined }, systems);
  assert.ok(!plan.ok);
  assert.equal(plan.errors[0]?.field, "user");
  assert.match(plan.errors[0]?.message ?? "", /not in the client's directory/);
});

test("a plan's hash ignores key order and changes with content", () => {
  const a: Plan = {
    actions: [
      {
        key: "x",
        type: "t",
        title: "x",
        params: { a: 1, b: 2 },
        deps: [],
        required: true,
        tenant: "c",
        api: "g",
      },
    ],
  };
  const b: Plan = {
    actions: [
      {
        api: "g",
        tenant: "c",
        required: true,
        deps: [],
        params: { b: 2, a: 1 },
        title: "x",
        type: "t",
        key: "x",
      },
    ],
  };
  assert.equal(planHash(a), planHash(b));
  assert.notEqual(planHash(a), planHash({ actions: [{ ...a.actions[0]!, params: { a: 1, b: 3 } }] }));
});

test("a graph with an unknown dependency or a cycle is named as such", () => {
  const base = { type: "t", title: "t", params: {}, required: true, tenant: "c", api: "g" };
  assert.match(
    validatePlanGraph({ actions: [{ ...base, key: "a", deps: ["zz"] }] })[0]!.message,
    /unknown action "zz"/,
  );
  assert.match(
    validatePlanGraph({
      actions: [
        { ...base, key: "a", deps: ["c"] },
        { ...base, key: "b", deps: ["a"] },
        { ...base, key: "c", deps: ["b"] },
      ],
    })[0]!.message,
    /cycle/,
  );
  assert.match(
    validatePlanGraph({
      actions: [
        { ...base, key: "a", deps: [] },
        { ...base, key: "a", deps: [] },
      ],
    })[0]!.message,
    /duplicate/,
  );
});

test("a requester outside the client's domains gets no welcome email, and the plan says so", async () => {
  const plan = async (requester: string) => {
    const req = validateOnboarding(
      { client: "acme", requester, start: "now", firstName: "Sam", lastName: "Stranger" },
      client,
      now,
    );
    assert.ok(req.ok, JSON.stringify(!req.ok && req.errors));
    const planned = await planRequest(req.value, client, {}, systems);
    assert.ok(planned.ok, JSON.stringify(!planned.ok && planned.errors));
    return planned.value;
  };
  const outside = await plan("someone@elsewhere.example");
  const welcome = outside.plan.actions.find((a) => a.type === "notify.welcome-email");
  assert.deepEqual(welcome?.params.to, []);
  assert.deepEqual(welcome?.params.domains, ["acmecorp.com"], "the step carries the client's domains");
  assert.ok(
    outside.findings.some(
      (f) => f.field === "requester" && /does not go to someone@elsewhere\.example/.test(f.message),
    ),
    JSON.stringify(outside.findings),
  );
  const inside = await plan("hr@acmecorp.com");
  assert.deepEqual(inside.plan.actions.find((a) => a.type === "notify.welcome-email")?.params.to, [
    "hr@acmecorp.com",
  ]);
  assert.ok(!inside.findings.some((f) => f.field === "requester"));
});

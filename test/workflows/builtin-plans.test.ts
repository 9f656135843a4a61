import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { productionCatalog } from "../../src/actions/catalog.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { longestChainPriority, type Plan, type PlannedAction } from "../../src/domain/plan.ts";
import { portNames, type PortName } from "../../src/ports/index.ts";
import type { Request } from "../../src/requests/index.ts";
import { planWorkflow } from "../../src/planner/interpret.ts";
import { builtinWorkflows, validateWorkflow } from "../../src/workflows/index.ts";
import {
  caseClient,
  caseRequest,
  caseSystems,
  demoLive,
  planCases,
  type PlanCase,
} from "./builtin-plan-cases.ts";

const recorded = JSON.parse(
  readFileSync(new URL("./fixtures/typescript-planner-plans.json", import.meta.url), "utf8"),
) as Record<string, Plan>;

const noticeTypes = new Set(["notify.welcome-email", "notify.supervisor"]);

/**
 * The notices carry the client's domains and HR contacts, the only addresses they may go to (issue 10),
 * wherever they are planned (the verification step lists its steps' params too).
 */
function withoutRecipientRules(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRecipientRules);
  if (!value || typeof value !== "object") return value;
  const o = value as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(o).map(([k, v]) => [k, withoutRecipientRules(v)]));
  if (typeof o.type === "string" && noticeTypes.has(o.type) && out.params && typeof out.params === "object") {
    const { domains: _d, hrContacts: _h, ...params } = out.params as Record<string, unknown>;
    out.params = params;
  }
  return out;
}

// The PSA's steps came after the TypeScript planner (issue 9), and the RMM's and the documentation's
// (issue 12): the rest must be as it planned, without them in its dependencies and its verification.
const later = ["psa.", "rmm.", "docs."];
const isLater = (type: string) => later.some((p) => type.startsWith(p));

function withoutLaterSteps(a: PlannedAction, laterKeys: ReadonlySet<string>): PlannedAction {
  const planned = a.params.planned;
  return {
    ...a,
    deps: a.deps.filter((d) => !laterKeys.has(d)),
    params: Array.isArray(planned)
      ? { ...a.params, planned: planned.filter((s: { type: string }) => !isLater(s.type)) }
      : a.params,
  };
}

/**
 * Dependencies are a set: the engine does not read their order. Priorities are left out: the longest
 * chain's steps were put first after the TypeScript planner (issue 12), and are checked below.
 */
function comparable(a: PlannedAction): Omit<PlannedAction, "priority"> {
  const {
    params,
    priority: _p,
    ...rest
  } = withoutRecipientRules(JSON.parse(JSON.stringify(a))) as PlannedAction;
  // The welcome email went to the requester; it goes to the client's HR contacts now (issue 8).
  const { to: _to, ...kept } = params;
  // The account is created with the client's initial-password choice (issue 12).
  const { passwordMode: _mode, ...created } = params;
  const now = a.type === "notify.welcome-email" ? kept : a.type === "identity.create-user" ? created : params;
  return { ...rest, params: now, deps: [...a.deps].sort() };
}

for (const c of planCases) {
  test(`built-in ${c.kind} plans what the TypeScript planner planned: ${c.name}`, async () => {
    const client = caseClient(c);
    const planned = await planWorkflow(builtinWorkflows[c.kind], {
      request: caseRequest(c, client),
      client,
      live: c.live ? demoLive : {},
      systems: caseSystems(client),
      catalog: productionCatalog(),
    });
    assert.ok(planned.ok, JSON.stringify(!planned.ok && planned.errors));
    const before = recorded[c.name]?.actions ?? [];
    const actions = planned.value.plan.actions;
    const laterKeys = new Set(actions.filter((a) => isLater(a.type)).map((a) => a.key));
    const now = actions.filter((a) => !isLater(a.type)).map((a) => withoutLaterSteps(a, laterKeys));
    assert.deepEqual(
      now.map((a) => a.key),
      before.map((a) => a.key),
      "the same steps in the same order",
    );
    for (const [i, a] of now.entries())
      assert.deepEqual(comparable(a), comparable(before[i] as PlannedAction), a.key);
    assert.deepEqual(planned.value.plan.workflow, { id: `builtin:${c.kind}`, version: 1 });
  });
}

async function readmeOnboarding(live = demoLive) {
  const c = planCases[0] as PlanCase;
  const client = caseClient(c);
  const planned = await planWorkflow(builtinWorkflows.onboard, {
    request: caseRequest(c, client),
    client,
    live,
    systems: caseSystems(client),
    catalog: productionCatalog(),
  });
  assert.ok(planned.ok, JSON.stringify(!planned.ok && planned.errors));
  return planned.value;
}

test("a licence through a group is its own step, after the join, and the mailbox waits for it", async () => {
  const { plan } = await readmeOnboarding({
    ...demoLive,
    findGroup: async (name) =>
      name === "M365-Business-Premium"
        ? { id: "g-bp", displayName: name, managedBy: "directory", assignsLicenses: true }
        : { id: `g-${name}`, displayName: name, managedBy: "directory" },
  });
  const byKey = new Map(plan.actions.map((a) => [a.key, a]));
  const step = byKey.get("group-license:M365-Business-Premium");
  assert.equal(step?.type, "licensing.wait-for-group-license");
  assert.deepEqual(step?.params, {
    upn: "sarah.johnson@acmecorp.com",
    group: "M365-Business-Premium",
    whenNoSeat: "fail",
  });
  assert.ok(step?.deps.includes("group:M365-Business-Premium"));
  assert.ok(byKey.get("mailbox-ready")?.deps.includes("group-license:M365-Business-Premium"));
  // The joins and licences the mailbox waits for go before the run's other ready steps on Graph.
  assert.equal(byKey.get("group:M365-Business-Premium")?.priority, longestChainPriority);
  assert.equal(byKey.get("tap")?.priority ?? 0, 0);
  assert.equal(
    [...byKey.keys()].filter((k) => k.startsWith("group-license:")).length,
    1,
    "only the licensing group",
  );
});

test("the welcome email goes to the client's HR contacts, and the dry run says how the username was made", async () => {
  const { plan, findings } = await readmeOnboarding();
  assert.deepEqual(plan.actions.find((a) => a.key === "welcome-email")?.params.to, ["hr@acmecorp.com"]);
  assert.deepEqual(
    findings.filter((f) => f.field !== "client.systems"),
    [
      {
        field: "username",
        severity: "info",
        message: 'sarah.johnson@acmecorp.com: {first}.{last} from "Sarah Johnson"',
      },
    ],
  );
});

test("the built-in definitions pass their own validation", () => {
  for (const def of Object.values(builtinWorkflows))
    assert.deepEqual(validateWorkflow(def, { catalog: productionCatalog() }), [], def.id);
});

test("Acme's plan has its PSA steps: the ticket before the approval, the plan note, the contact, and a final log that always runs", async () => {
  const c = planCases[0] as PlanCase;
  const client = caseClient(c);
  const planned = await planWorkflow(builtinWorkflows.onboard, {
    request: caseRequest(c, client),
    client,
    live: demoLive,
    systems: caseSystems(client),
    catalog: productionCatalog(),
  });
  assert.ok(planned.ok);
  const byKey = new Map(planned.value.plan.actions.map((a) => [a.key, a]));
  assert.equal(byKey.get("psa-ticket")?.beforeApproval, true);
  assert.equal(byKey.get("psa-ticket")?.api, "halo");
  assert.deepEqual(byKey.get("psa-plan-note")?.params.ticketId, { $step: "psa-ticket", path: "ticketId" });
  assert.deepEqual(byKey.get("psa-contact")?.deps, ["create-user"]);
  const log = byKey.get("psa-log");
  assert.equal(log?.always, true);
  assert.equal(log?.deps.length, planned.value.plan.actions.length - 1, "after every other step");
  assert.ok(!byKey.get("welcome-email")?.deps.includes("psa-ticket"), "nothing Microsoft waits for the PSA");
});

describe("the RMM and documentation steps", () => {
  /** Acme's case with a system serving each port given (and Microsoft 365 for the rest). */
  async function planWith(kind: "onboard" | "offboard", extra: PortName[]) {
    const c = (planCases.find((p) => p.kind === kind) ?? planCases[0]) as PlanCase;
    const base = caseClient(c);
    const client = { ...base, systems: { m365: { connector: "graph" } } } as unknown as ClientConfig;
    const microsoft = portNames.filter((p) => !["psa", "rmm", "docs"].includes(p));
    const served = new Set<PortName>([...microsoft, ...extra]);
    const planned = await planWorkflow(builtinWorkflows[kind], {
      request: { ...caseRequest(c, base), deviceSerial: "ACME-LT-0042" } as Request,
      client,
      live: demoLive,
      systems: {
        servedBy: (port) => (served.has(port) ? (extra.includes(port) ? port : "m365") : undefined),
        portsOf: (system) => (system === "m365" ? microsoft : [system as PortName]),
      },
      catalog: productionCatalog(),
    });
    assert.ok(planned.ok, JSON.stringify(!planned.ok && planned.errors));
    return planned.value;
  }

  test("an onboarding with an RMM and documentation plans the end user, then the device, and the person", async () => {
    const { plan, findings } = await planWith("onboard", ["psa", "rmm", "docs"]);
    const byKey = new Map(plan.actions.map((a) => [a.key, a]));
    assert.deepEqual(byKey.get("rmm-user")?.deps, ["create-user"]);
    assert.deepEqual(byKey.get("rmm-device")?.deps, ["rmm-user"]);
    assert.equal(byKey.get("rmm-device")?.params.serial, "ACME-LT-0042");
    assert.deepEqual(byKey.get("docs-person")?.deps, ["create-user"]);
    assert.equal(byKey.get("rmm-user")?.api, "rmm", "the RMM's own rate bucket");
    assert.ok(
      !byKey.get("welcome-email")?.deps.includes("rmm-user"),
      "the welcome email never waits for the RMM",
    );
    assert.ok(byKey.get("psa-log")?.deps.includes("docs-person"), "the ticket's log records them");
    assert.deepEqual(
      findings.filter((f) => f.field === "client.systems"),
      [],
    );
  });

  test("an offboarding releases the devices before the end user goes, and the verification re-reads the RMM", async () => {
    const { plan } = await planWith("offboard", ["psa", "rmm", "docs"]);
    const byKey = new Map(plan.actions.map((a) => [a.key, a]));
    assert.deepEqual(byKey.get("rmm-user")?.deps, ["rmm-devices"]);
    assert.ok(
      byKey.get("docs-person")?.deps.includes("remove-licenses"),
      "its note names the licences released",
    );
    const planned = byKey.get("verify-no-access")?.params.planned as { type: string }[];
    assert.ok(planned.some((s) => s.type === "rmm.remove-end-user"));
  });

  test("without them, nothing of theirs is planned and the plan says why", async () => {
    const { plan, findings } = await planWith("onboard", ["psa"]);
    assert.deepEqual(
      plan.actions.filter((a) => a.type.startsWith("rmm.") || a.type.startsWith("docs.")),
      [],
    );
    assert.deepEqual(
      findings.filter((f) => f.field === "client.systems").map((f) => [f.severity, f.message]),
      [
        [
          "info",
          `none of ${caseClient(planCases[0] as PlanCase).displayName}'s systems provides an RMM, so these steps are not part of the run: Create RMM user entry for sarah.johnson@acmecorp.com; Assign the device in the RMM`,
        ],
        [
          "info",
          `none of ${caseClient(planCases[0] as PlanCase).displayName}'s systems provides IT documentation, so these steps are not part of the run: Update documentation: add Sarah Johnson; Sign-in entry in the documentation vault`,
        ],
      ],
    );
  });
});

test("with a documentation system, the onboarding stores the sign-in entry and the offboarding archives it by the same name", async () => {
  const withDocs = (c: PlanCase): ClientConfig => {
    const client = caseClient(c);
    return {
      ...client,
      identity: { ...client.identity, initialPassword: "vault" },
      systems: {
        ...client.systems,
        itglue: { connector: "itglue", credential: "acme/itglue", organizationId: 1, contactTypeId: 2 },
      },
    };
  };
  const plan = async (c: PlanCase, body: Record<string, unknown> = {}) => {
    const client = withDocs(c);
    const planned = await planWorkflow(builtinWorkflows[c.kind], {
      request: caseRequest({ ...c, body: { ...c.body, ...body } }, client),
      client,
      live: demoLive,
      systems: caseSystems(client),
      catalog: productionCatalog(),
    });
    assert.ok(planned.ok, JSON.stringify(!planned.ok && planned.errors));
    return new Map(planned.value.plan.actions.map((a) => [a.key, a]));
  };
  const onboard = await plan(planCases[0]!);
  assert.equal(onboard.get("create-user")?.params.passwordMode, "vault");
  const stored = onboard.get("docs-credential");
  assert.equal(stored?.type, "docs.store-credential");
  assert.equal(stored?.params.name, "Microsoft 365 – sarah.johnson@acmecorp.com");
  assert.equal(stored?.params.username, "sarah.johnson@acmecorp.com");
  assert.deepEqual([...(stored?.deps ?? [])].sort(), ["create-user", "docs-person", "tap", "welcome-email"]);
  const leaving = planCases.find((c) => c.name === "acme: the README's offboarding (client defaults)")!;
  const offboard = await plan(leaving);
  const archived = offboard.get("docs-credential");
  assert.equal(archived?.type, "docs.retire-credential");
  assert.equal(archived?.params.name, "Microsoft 365 – tom.williams@acmecorp.com");
  assert.deepEqual(archived?.deps, ["docs-person"]);
  const kept = await plan(leaving, { actions: { updateDocumentation: false } });
  assert.ok(!kept.has("docs-person") && !kept.has("docs-credential"), "not asked: neither planned");
});

import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { actionCatalog, actions } from "../../src/actions/catalog.ts";
import { defineActionOver, type StepInfo } from "../../src/actions/define.ts";
import { parseClient, planSystemsOf } from "../../src/composition/index.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { microsoftSystems } from "../support/engine-helpers.ts";
import type { Plan } from "../../src/domain/plan.ts";
import { planRequest } from "../../src/planner/index.ts";
import { graphCapabilities, TokenSource } from "../../src/connectors/msgraph/index.ts";
import { portNames, type Capabilities } from "../../src/ports/index.ts";
import { validateOffboarding, validateOnboarding } from "../../src/requests/index.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { executeStep } from "../../src/engine/execute-step.ts";
import { defaultTuning, type ClaimedAction } from "../../src/engine/types.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";

const actionsDir = fileURLToPath(new URL("../../src/actions/", import.meta.url));

/** Every file in a category folder (not support/, not the catalogue's own files at the top). */
function actionFiles(): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(actionsDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const rel = relative(actionsDir, join(entry.parentPath, entry.name)).split(sep).join("/");
    if (rel.includes("/") && !rel.startsWith("support/")) files.push(rel);
  }
  return files.sort();
}

const typeOf = (file: string) => file.replace(/\.ts$/, "").replace("/", ".");

const isAction = (v: unknown): v is { type: string } =>
  typeof v === "object" && v !== null && "type" in v && "bind" in v && typeof v.type === "string";

describe("the action catalogue", () => {
  test("every file outside support/ is an action whose type is its path, and the catalogue has it", async () => {
    const files = actionFiles();
    assert.ok(files.length >= 28, files.join(", "));
    for (const file of files) {
      const type = typeOf(file);
      assert.ok(actionCatalog.has(type), `${file}: no catalogue entry "${type}"`);
      const exported = Object.values(await import(pathToFileURL(join(actionsDir, file)).href));
      // The verification is built over the other actions' checks, so its file exports the builder.
      const defined = exported.filter(isAction);
      for (const a of defined) assert.equal(a.type, type, `${file} defines ${a.type}`);
      assert.ok(defined.length || type === "verify.no-access-remains", `${file} defines no action`);
    }
  });

  test("every catalogue entry has its file, a params schema and known ports", () => {
    const types = new Set(actionFiles().map(typeOf));
    assert.equal(actions.length, actionCatalog.size, "no type twice");
    for (const a of actions) {
      assert.ok(types.has(a.type), `${a.type} has no file ${a.type.replace(".", "/")}.ts`);
      assert.equal(typeof a.params.safeParse, "function", a.type);
      for (const p of [...a.ports, ...a.optionalPorts]) assert.ok(portNames.includes(p), `${a.type}: ${p}`);
    }
  });

  test("the offboarding actions the verification re-reads each declare a residual-access check", () => {
    for (const type of [
      "identity.disable-sign-in",
      "identity.revoke-sessions",
      "identity.remove-mfa-methods",
      "groups.remove-all-memberships",
      "licensing.remove-all-licenses",
      "mail.convert-to-shared",
      "mail.hide-from-address-list",
      "mail.set-forwarding",
      "mail.remove-mobile-devices",
      "mail.grant-mailbox-access",
      "devices.retire",
      "devices.wipe",
      "rmm.remove-end-user",
    ])
      assert.ok(actionCatalog.get(type)?.residualAccessOf, type);
  });
});

describe("params the planner emits today", () => {
  const now = new Date("2026-11-27T12:00:00Z");
  const parsed = parseClient({
    id: "acme",
    displayName: "Acme",
    domains: ["acmecorp.com"],
    timeZone: "America/New_York",
    usageLocation: "US",
    licensesByRole: { staff: ["SPB"] },
    groupsByDepartment: { Marketing: ["Marketing", "marketing@acmecorp.com"] },
    systems: microsoftSystems("acmecorp.onmicrosoft.com", "acme/microsoft-app"),
    identity: { mfaRegistrationGroup: "MFA-Registration", groupsKeptAtOffboarding: ["Former staff"] },
    mail: { sendMailFrom: "helpdesk@acmecorp.com", signatureTemplate: "<p>{{ user.displayName }}</p>" },
    variables: { phone: "+1 555 0100" },
  });
  assert.ok(parsed.ok);
  const client: ClientConfig = parsed.value;
  const systems = planSystemsOf(client);

  /** Each planned step's params through its action's schema, as the engine parses them. */
  function assertAccepted(plan: Plan) {
    for (const a of plan.actions) {
      const action = actionCatalog.get(a.type);
      assert.ok(action, `${a.key}: ${a.type} is not in the catalogue`);
      const r = action.params.safeParse(a.params);
      assert.ok(r.success, `${a.key} (${a.type}): ${JSON.stringify(!r.success && r.error.issues)}`);
      // Stored as JSON: what a resumed run reads back must parse the same.
      assert.ok(action.params.safeParse(JSON.parse(JSON.stringify(a.params))).success, a.key);
    }
  }

  test("every onboarding step's params, plain and copy-from, with every option the form has", async () => {
    for (const extra of [
      {},
      { copyFrom: "tom.williams@acmecorp.com" },
      {
        middleName: "Q",
        jobTitle: "Analyst",
        office: "Boston",
        employeeId: "E-1",
        deviceSerial: "SN-123",
        personalEmail: "sarah@example.com",
        sharedMailboxes: ["info@acmecorp.com"],
        extraGroups: ["Project X"],
        extraLicenses: ["EXCHANGESTANDARD"],
      },
    ]) {
      const req = validateOnboarding(
        {
          client: "acme",
          requester: "tech@msp.example",
          start: "now",
          firstName: "Sarah",
          lastName: "Johnson",
          department: "Marketing",
          role: "staff",
          manager: "mike.chen@acmecorp.com",
          ...extra,
        },
        client,
        now,
      );
      assert.ok(req.ok, JSON.stringify(!req.ok && req.errors));
      const plan = await planRequest(req.value, client, { isUsernameTaken: async () => false }, systems);
      assert.ok(plan.ok, JSON.stringify(!plan.ok && plan.errors));
      assertAccepted(plan.value.plan);
    }
  });

  test("every offboarding step's params, with and without what the planner read, and with a name as requester", async () => {
    for (const [actions, found] of [
      [
        {
          forwardTo: { address: "manager" },
          grantAccessTo: "manager",
          outOfOffice: "Gone",
          wipeDevices: "wipe",
        },
        true,
      ],
      [{ wipeDevices: "retire", forwardTo: { address: "mike.chen@acmecorp.com", keepCopy: false } }, false],
      [{ deleteUser: true, convertToShared: false }, true],
    ] as const) {
      const req = validateOffboarding(
        {
          client: "acme",
          user: "tom.williams@acmecorp.com",
          lastDay: "now",
          requester: "Jane at HR",
          actions,
        },
        client,
        now,
      );
      assert.ok(req.ok, JSON.stringify(!req.ok && req.errors));
      const plan = await planRequest(
        req.value,
        client,
        found ? { findUser: async () => ({ id: "u-tom", onPremisesSyncEnabled: false }) } : {},
        systems,
      );
      assert.ok(plan.ok, JSON.stringify(!plan.ok && plan.errors));
      assertAccepted(plan.value.plan);
    }
  });

  test('a stored copy-lists step keeps its `only: "exchange"`', () => {
    const r = actionCatalog.get("groups.copy-memberships")?.params.safeParse({
      upn: "ann.lee@acmecorp.com",
      from: "tom.williams@acmecorp.com",
      only: "exchange",
    });
    assert.ok(r?.success);
  });
});

describe("binding a step", () => {
  const info: StepInfo = {
    idempotencyKey: "run:disable",
    runId: "run",
    actionKey: "disable",
    attempt: 1,
    inDoubt: false,
    firstAttempt: true,
    signal: new AbortController().signal,
    runStartAt: new Date(),
    attemptStartedAt: new Date(),
    output: () => undefined,
  };
  // Built, never called: binding only checks that the ports are there.
  const unreachable: Capabilities = graphCapabilities(
    new TokenSource({ authorityHost: "http://127.0.0.1:9" }),
    {
      tenantId: "t",
      credential: { clientId: "c", clientSecret: "s" },
      graphUrl: "http://127.0.0.1:9",
      exchangeUrl: "http://127.0.0.1:9",
    },
  );

  test("a bad param fails INVALID_PARAMS naming the step and the field, before any port is used", () => {
    const action = actionCatalog.get("identity.disable-sign-in")!;
    const bound = action.bind({ upn: "not an address", synced: "no" }, {}, info);
    assert.ok(!bound.ok);
    assert.equal(bound.failure.code, "INVALID_PARAMS");
    assert.equal(bound.failure.kind, "invalid");
    assert.match(bound.failure.message, /step "disable" \(identity\.disable-sign-in\)/);
    assert.match(bound.failure.message, /upn: /);
    assert.match(bound.failure.message, /synced: /);
  });

  test("a field the action does not know is refused, not ignored", () => {
    const bound = actionCatalog.get("identity.disable-sign-in")!.bind({ upn: "a@b.com", usr: "x" }, {}, info);
    assert.ok(!bound.ok);
    assert.equal(bound.failure.code, "INVALID_PARAMS");
    assert.match(bound.failure.message, /usr/);
  });

  test("a missing declared port fails NOT_CONFIGURED naming it; an optional one is not required", () => {
    const convert = actionCatalog.get("mail.convert-to-shared")!.bind({ upn: "a@b.com" }, {}, info);
    assert.ok(!convert.ok);
    assert.equal(convert.failure.code, "NOT_CONFIGURED");
    assert.equal(convert.missingPort, "directory");
    assert.match(convert.failure.message, /directory/);
    const member = actionCatalog
      .get("groups.add-member")!
      .bind({ upn: "a@b.com", group: "Marketing" }, { directory: unreachable.directory }, info);
    assert.ok(member.ok, "a directory group needs no mailbox admin");
  });

  test("what a plan hands its apply, and an apply its verify, stays in the attempt and out of the results", async () => {
    const seen: unknown[] = [];
    const handing = defineActionOver<{ counter: { n: number } }>()({
      type: "test.handing",
      params: z.strictObject({}),
      ports: ["counter"],
      async plan(_p, ctx) {
        return { kind: "will-change", summary: "count", handOff: { read: ctx.ports.counter.n } };
      },
      async apply(_p, _ctx, planned) {
        seen.push(planned);
        return { kind: "done", detail: "counted", handOff: { wrote: true } };
      },
      async verify(_p, _ctx, applied) {
        seen.push(applied);
        return { kind: "verified" };
      },
    });
    const counter = { n: 7 };
    const first = handing.bind({}, { counter }, info);
    assert.ok(first.ok);
    assert.deepEqual(await first.step.plan(), { kind: "will-change", summary: "count" });
    assert.deepEqual(await first.step.apply(), { kind: "done", detail: "counted" });
    await first.step.verify();
    assert.deepEqual(seen, [{ read: 7 }, { wrote: true }]);
    // The next attempt is bound anew: a verify on its own (after a wait) has nothing handed to it.
    const next = handing.bind({}, { counter }, info);
    assert.ok(next.ok);
    await next.step.verify();
    assert.deepEqual(seen, [{ read: 7 }, { wrote: true }, undefined]);
  });
});

describe("the engine runs a step only through its binding", () => {
  let store: Store;
  before(async () => {
    store = await openStore({});
  });
  after(() => store.close());

  const claimed = (params: Record<string, unknown>): ClaimedAction => ({
    id: 1,
    runId: "run-1",
    clientId: "acme",
    key: "remove-groups",
    type: "groups.remove-all-memberships",
    title: "Remove from all groups",
    params,
    deps: [],
    required: true,
    tenant: "acme",
    api: "graph",
    queue: "default",
    bind: null,
    phase: "plan",
    attempts: 1,
    maxAttempts: 5,
    priority: 0,
    fence: 1,
    previousState: "ready",
    firstAttempt: true,
    deadlineAt: null,
    claimedAt: new Date(),
    applied: null,
    outputs: {},
    runStatus: "running",
    planHash: "h",
    runStartAt: new Date(),
    worker: "w",
  });
  const run = (params: Record<string, unknown>, caps: Capabilities) =>
    executeStep(claimed(params), {
      queue: sqlStepQueue(store),
      catalog: actionCatalog,
      caps,
      tuning: defaultTuning,
      signal: new AbortController().signal,
    });

  test("a bad param fails the step, not retried, with INVALID_PARAMS naming the step and the field", async () => {
    const t = await run({ upn: "tom.williams@acmecorp.com", keep: "Former staff" }, {});
    assert.equal(t.kind, "final");
    assert.ok(t.outcome.kind === "failed");
    assert.equal(t.outcome.error.code, "INVALID_PARAMS");
    assert.match(t.outcome.error.message, /step "remove-groups" \(groups\.remove-all-memberships\).*keep: /);
  });

  test("a missing port fails the step with NOT_CONFIGURED naming the port", async () => {
    const t = await run({ upn: "tom.williams@acmecorp.com" }, {});
    assert.equal(t.kind, "final");
    assert.ok(t.outcome.kind === "failed");
    assert.equal(t.outcome.error.code, "NOT_CONFIGURED");
    assert.match(t.outcome.error.message, /the directory port/);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Capabilities } from "../../src/actions/capabilities.ts";
import { productionCatalog } from "../../src/actions/catalog.ts";
import type { StepContext } from "../../src/actions/define.ts";
import { createUser } from "../../src/actions/identity/create-user.ts";
import { disableSignIn } from "../../src/actions/identity/disable-sign-in.ts";
import { resetPassword } from "../../src/actions/identity/reset-password.ts";
import { revokeSessions } from "../../src/actions/identity/revoke-sessions.ts";
import { addGroupMember } from "../../src/actions/groups/add-member.ts";
import { assignLicense } from "../../src/actions/licensing/assign-license.ts";
import { noAccessRemains } from "../../src/actions/verify/no-access-remains.ts";
import { graphCapabilities, TokenSource } from "../../src/connectors/msgraph/index.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import { getRun } from "../../src/engine/read.ts";
import { createWorker } from "../../src/engine/worker.ts";
import { submitRequest } from "../../src/requests/submit.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { acmeClient, waitForStatus } from "../support/engine-helpers.ts";

describe("Microsoft actions against the Microsoft 365 emulator", () => {
  let m365: Microsoft365Emulator;
  let caps: Capabilities;
  const tenant = acme.tenantId;

  const ctx = (key = "k"): StepContext<Capabilities> => ({
    caps,
    idempotencyKey: `run:${key}`,
    runId: "run",
    actionKey: key,
    attempt: 1,
    inDoubt: false,
    signal: new AbortController().signal,
    attemptStartedAt: new Date(),
    runStartAt: new Date(Date.now() - 1000),
    output: () => undefined,
  });

  before(async () => {
    m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
    m365.admin.setReplicationLag(0);
    const tokens = new TokenSource({ authorityHost: m365.url });
    caps = graphCapabilities(tokens, {
      tenantId: tenant,
      credential: { clientId: acme.clientId, clientSecret: acme.clientSecret },
      graphUrl: m365.url,
      exchangeUrl: m365.url,
    });
  });
  after(() => m365.close());

  const sarah = {
    upn: "sarah.johnson@acmecorp.com",
    firstName: "Sarah",
    lastName: "Johnson",
    displayName: "Sarah Johnson",
    usageLocation: "US",
    department: "Marketing",
  };

  test("create-user plans a change, creates the user, verifies it, and a second plan finds it done", async () => {
    assert.equal((await createUser.plan(sarah, ctx())).kind, "will-change");
    const applied = await createUser.apply(sarah, ctx());
    assert.equal(applied.kind, "done");
    assert.equal((await createUser.verify(sarah, ctx())).kind, "verified");
    assert.equal((await createUser.plan(sarah, ctx())).kind, "already-done");
    const user = m365.admin.user(tenant, sarah.upn);
    assert.equal(user.displayName, "Sarah Johnson");
    assert.equal(user.props.usageLocation, "US");
  });

  test("create-user refuses a UPN that belongs to someone else", async () => {
    await assert.rejects(
      createUser.plan({ ...sarah, upn: "tom.williams@acmecorp.com", displayName: "Tom W. Impostor" }, ctx()),
      (e: LifecycleError) => e.failure.kind === "conflict" && e.failure.code === "UpnTaken",
    );
  });

  test("add-member adds once and then reads as already done", async () => {
    const p = { upn: sarah.upn, group: "Marketing" };
    assert.equal((await addGroupMember.plan(p, ctx())).kind, "will-change");
    await addGroupMember.apply(p, ctx());
    assert.equal((await addGroupMember.verify(p, ctx())).kind, "verified");
    assert.equal((await addGroupMember.plan(p, ctx())).kind, "already-done");
    // Applying again (an interrupted attempt replayed) changes nothing and does not fail.
    assert.equal((await addGroupMember.apply(p, ctx())).kind, "done");
    assert.ok(m365.admin.user(tenant, sarah.upn).groups.some((g) => g.displayName === "Marketing"));
  });

  test("add-member waits for the mailbox before joining a mail-enabled list, and fails on an unknown group", async () => {
    // Sarah has no license yet, so no mailbox: Exchange does not know her as a recipient.
    const plan = await addGroupMember.plan({ upn: sarah.upn, group: "marketing@acmecorp.com" }, ctx());
    assert.equal(plan.kind, "wait");
    await assert.rejects(
      addGroupMember.plan({ upn: sarah.upn, group: "No Such Group" }, ctx()),
      (e: LifecycleError) => e.failure.code === "GroupNotFound",
    );
  });

  test("assign-license checks free seats before changing anything", async () => {
    const p = { upn: sarah.upn, sku: "SPB" };
    const used = m365.admin.skus(tenant).find((s) => s.skuPartNumber === "SPB")!;
    m365.admin.setSeats(tenant, "SPB", Number(used.consumedUnits));
    await assert.rejects(
      assignLicense.plan(p, ctx()),
      (e: LifecycleError) => e.failure.code === "NoFreeSeats" && /SPB/.test(e.message),
    );
    m365.admin.setSeats(tenant, "SPB", 25);
    assert.equal((await assignLicense.plan(p, ctx())).kind, "will-change");
    await assignLicense.apply(p, ctx());
    assert.equal((await assignLicense.verify(p, ctx())).kind, "verified");
    assert.equal((await assignLicense.plan(p, ctx())).kind, "already-done");
  });

  test("lock-out: sessions revoked after the step began, password reset, sign-in blocked and then already blocked", async () => {
    const tom = { upn: "tom.williams@acmecorp.com" };
    const before = m365.admin.user(tenant, tom.upn).password;
    const c = ctx();
    await revokeSessions.apply(tom, c);
    assert.equal((await revokeSessions.verify(tom, c)).kind, "verified");
    await resetPassword.apply(tom, c);
    assert.notEqual(m365.admin.user(tenant, tom.upn).password, before);
    assert.equal((await disableSignIn.plan(tom, c)).kind, "will-change");
    await disableSignIn.apply(tom, c);
    assert.equal((await disableSignIn.verify(tom, c)).kind, "verified");
    assert.equal((await disableSignIn.plan(tom, c)).kind, "already-done");
    assert.equal(m365.admin.user(tenant, tom.upn).accountEnabled, false);
  });

  test("verification names what lingers: a leaver still in a group fails it", async () => {
    const upn = "ivy.lingers@acmecorp.com";
    m365.admin.createUser(tenant, {
      userPrincipalName: upn,
      displayName: "Ivy Lingers",
      usageLocation: "US",
      accountEnabled: false,
    });
    m365.admin.addGroupMember(tenant, "Marketing", upn);
    // The run "started" after the account's sessions became valid: nobody revoked them since.
    const later = { ...ctx(), runStartAt: new Date(Date.now() + 5_000) };
    const v = await noAccessRemains.verify(
      { upn, expect: { removeGroups: true, disableAccount: true } },
      later,
    );
    assert.equal(v.kind, "not-verified");
    assert.match(v.kind === "not-verified" ? v.observed : "", /still in Marketing/);
    assert.match(v.kind === "not-verified" ? v.observed : "", /sessions valid from/);
  });

  describe("an onboarding run end to end", () => {
    let store: Store;
    before(async () => {
      store = await openStore({});
      await upsertClient(store, acmeClient());
    });
    after(() => store.close());

    test("offboarding Tom Williams locks him out, takes his groups and licenses, records them, and verifies no access remains", async () => {
      const worker = createWorker({
        store,
        catalog: productionCatalog(),
        capabilities: () => caps,
        tuning: { idleMs: 50, pollMs: 50 },
      });
      await worker.start();
      try {
        const tomBefore = m365.admin.user(tenant, "tom.williams@acmecorp.com");
        assert.ok(
          tomBefore.groups.length > 0 && tomBefore.licenses.length > 0,
          "the seed gives Tom groups and a license",
        );
        const actions = Object.fromEntries(
          ["disableAccount", "removeGroups", "removeLicenses"]
            .map((k) => [k, true])
            .concat(
              [
                "removeMfa",
                "convertToShared",
                "hideFromAddressList",
                "removeMobileDevices",
                "moveToDisabledOu",
                "deactivatePsaContact",
                "updateDocumentation",
                "notifySupervisor",
              ].map((k) => [k, false]),
            ),
        );
        const res = await submitRequest(
          store,
          "offboard",
          {
            client: "acme",
            user: "tom.williams@acmecorp.com",
            lastDay: "now",
            requester: "tech@msp.example",
            actions,
          },
          { actor: "test" },
        );
        assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
        const status = await waitForStatus(
          store,
          res.value.runId!,
          ["completed", "completed-with-warnings", "failed"],
          30_000,
        );
        const run = await getRun(store, res.value.runId!);
        assert.equal(
          status,
          "completed",
          JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome])),
        );
        const tom = m365.admin.user(tenant, "tom.williams@acmecorp.com");
        assert.equal(tom.accountEnabled, false);
        assert.deepEqual(tom.licenses, []);
        const groups = run.actions.find((a) => a.key === "remove-groups")!;
        const removed =
          groups.outcome?.kind === "succeeded"
            ? (groups.outcome.data?.removedGroups as { displayName: string }[])
            : [];
        assert.ok(
          removed.some((g) => g.displayName === "Marketing"),
          JSON.stringify(groups.outcome),
        );
        const lic = run.actions.find((a) => a.key === "remove-licenses")!;
        assert.deepEqual(lic.outcome?.kind === "succeeded" ? lic.outcome.data?.removedSkus : undefined, [
          { skuId: acme.spbSkuId, skuPartNumber: "SPB" },
        ]);
        assert.equal(run.actions.find((a) => a.key === "verify-no-access")!.state, "succeeded");
      } finally {
        await worker.stop();
      }
    });

    test("onboarding Jane Doe runs every Microsoft step to verified, and reports the steps not built yet as warnings", async () => {
      m365.admin.setMailboxProvisioningDelay(300);
      const worker = createWorker({
        store,
        catalog: productionCatalog(),
        capabilities: () => caps,
        tuning: { idleMs: 50, pollMs: 50 },
      });
      await worker.start();
      try {
        const res = await submitRequest(
          store,
          "onboard",
          {
            client: "acme",
            firstName: "Jane",
            lastName: "Doe",
            department: "Marketing",
            role: "staff",
            manager: "mike.chen@acmecorp.com",
            start: "now",
            requester: "tech@msp.example",
          },
          {
            actor: "test",
            live: () => ({
              isUsernameTaken: async (upn) => (await caps.directory!.findUser(upn)) !== undefined,
            }),
          },
        );
        assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
        const runId = res.value.runId!;
        const status = await waitForStatus(
          store,
          runId,
          ["completed", "completed-with-warnings", "failed"],
          30_000,
        );
        const run = await getRun(store, runId);
        const state = Object.fromEntries(run.actions.map((a) => [a.key, a.state]));
        assert.equal(status, "completed-with-warnings", JSON.stringify(state));
        for (const k of [
          "create-user",
          "set-manager",
          "group:Marketing",
          "group:All-Staff",
          "license:SPB",
          "mailbox-ready",
        ])
          assert.equal(state[k], "succeeded", k);
        // The welcome email (optional; this client names no sender) fails on its own: a warning, not a failed run.
        assert.equal(run.actions.find((x) => x.key === "welcome-email")!.state, "failed");
        const jane = m365.admin.user(tenant, "jane.doe@acmecorp.com");
        assert.equal(jane.manager, "mike.chen@acmecorp.com");
        assert.ok(jane.licenses.some((l) => l.skuPartNumber === "SPB"));
        assert.ok(jane.mailbox);
        // No secret reaches the record: the generated password appears in no event.
        const events = JSON.stringify(run.events);
        assert.ok(jane.password && !events.includes(jane.password));
      } finally {
        await worker.stop();
      }
    });
  });
});

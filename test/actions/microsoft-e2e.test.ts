import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { Capabilities } from "../../src/ports/index.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { residualChecksIn } from "../../src/domain/residual-access.ts";
import { getRun, type RunDetail } from "../../src/engine/read.ts";
import { signalRun } from "../../src/engine/runs.ts";
import { asStaff } from "../support/staff.ts";
import { type Worker } from "../../src/engine/worker.ts";
import { submitRequest } from "../../src/composition/submit.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { acme, type Microsoft365Emulator } from "../../emulators/microsoft365/index.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import {
  acmeCapabilities,
  demoAcme,
  memoryLinks,
  startAcmeTenant,
  startProductWorker,
} from "../support/microsoft.ts";
import { liveStateOf } from "../../src/composition/live-state.ts";

const tenant = acme.tenantId;
const done = ["completed", "completed-with-warnings", "failed", "cancelled"] as const;

/**
 * The demo's Acme, end to end through planner, engine, connectors and the emulator: every Microsoft step
 * of an onboarding and an offboarding, and the ways real tenants make them hard.
 */
describe("Microsoft 365 end to end against the emulator", () => {
  let m365: Microsoft365Emulator;
  let caps: Capabilities;
  let links: ReturnType<typeof memoryLinks>;
  let store: Store;
  let worker: Worker;
  let client: ClientConfig;

  before(async () => {
    store = await openStore({});
  });

  beforeEach(async () => {
    await worker?.stop();
    await m365?.close();
    m365 = await startAcmeTenant();
    links = memoryLinks();
    caps = acmeCapabilities(m365, links);
    client = demoAcme();
    await upsertClient(store, client);
    worker = await startProductWorker(store, () => caps);
  });
  after(async () => {
    await worker?.stop();
    await m365?.close();
    await store.close();
  });

  async function submitOnboarding(body: Record<string, unknown>): Promise<string> {
    const res = await submitRequest(
      store,
      "onboard",
      { client: "acme", start: "now", requester: "hr@acmecorp.com", ...body },
      { actor: "test", live: () => liveStateOf(caps) },
    );
    assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
    return res.value.runId!;
  }

  async function finished(runId: string): Promise<RunDetail> {
    await waitForStatus(store, runId, [...done], 60_000);
    return getRun(store, runId);
  }

  const onboard = async (body: Record<string, unknown>) => finished(await submitOnboarding(body));

  /** Mike Chen approves the plan the run shows now (Acme's offboardings need the manager). */
  async function approve(runId: string): Promise<void> {
    await waitForStatus(store, runId, ["awaiting-approval"]);
    const pending = await getRun(store, runId);
    await signalRun(store, runId, {
      kind: "approve",
      by: asStaff("mike.chen@acmecorp.com"),
      planHash: pending.planHash,
    });
  }

  const states = (run: RunDetail) => Object.fromEntries(run.actions.map((a) => [a.key, a.state]));
  const sarah = {
    firstName: "Sarah",
    lastName: "Johnson",
    department: "Marketing",
    manager: "mike.chen@acmecorp.com",
  };

  test("onboarding Sarah Johnson runs every Microsoft step and ends verified, with no secret in the record", async () => {
    const run = await onboard({ ...sarah, personalEmail: "sarah@example.org" });
    assert.equal(
      run.status,
      "completed",
      JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome])),
    );
    for (const a of run.actions) assert.equal(a.state, "succeeded", a.key);
    // Every step keeps the vendor calls it made, and its change's request id for the vendor's support.
    const create = run.actions.find((a) => a.key === "create-user")!.outcome;
    assert.ok(create?.kind === "succeeded" && create.calls?.some((c) => c.call === "POST /users"));
    const createCall = create.calls!.find((c) => c.call === "POST /users")!;
    assert.ok(createCall.requestId && create.requestId === createCall.requestId);
    const lists = run.actions.find((a) => a.key === "list:marketing@acmecorp.com")!.outcome;
    assert.ok(
      lists?.kind === "succeeded" && lists.calls?.some((c) => c.call === "Add-DistributionGroupMember"),
    );
    const succeededEvent = run.events.find(
      (e) => e.actionKey === "create-user" && e.type === "action.succeeded",
    );
    assert.equal(succeededEvent?.requestId, createCall.requestId);

    const user = m365.admin.user(tenant, "sarah.johnson@acmecorp.com");
    assert.equal(user.manager, "mike.chen@acmecorp.com");
    const groups = user.groups.map((g) => g.displayName).sort();
    assert.deepEqual(groups, [
      "All-Staff",
      "Announcements",
      "CA-Staff-Baseline",
      "M365-Business-Premium",
      "MFA-Registration",
      "Marketing",
      "Marketing Team",
    ]);
    assert.ok(user.licenses.some((l) => l.skuPartNumber === "SPB"));
    assert.ok(user.mailbox?.ready);
    assert.match(String(user.mailbox?.messageConfiguration.SignatureHtml), /Sarah Johnson/);
    assert.ok(user.authMethods.some((m) => m.type.includes("temporaryAccessPass")));

    const tap = [...links.secrets.values()][0];
    assert.ok(tap, "the TAP went to a one-time link");
    const mail = m365.admin.sentMail(tenant);
    assert.equal(mail.length, 1, "one welcome email");
    assert.deepEqual(mail[0]!.toRecipients.sort(), ["hr@acmecorp.com", "sarah@example.org"]);
    assert.match(mail[0]!.content, /https:\/\/lifecycle\.test\/credentials\//);
    assert.ok(!mail[0]!.content.includes(tap), "the email carries the link, never the pass");
    const record = JSON.stringify(run);
    assert.ok(!record.includes(tap), "the TAP is in no event, outcome or step data");
    assert.equal(links.addresses.size, 1, "the email asked for the link's address once");
    for (const url of links.addresses) {
      assert.ok(mail[0]!.content.includes(url), "the email carries the link");
      assert.ok(!record.includes(url), "the link's address is in no event, outcome or step data");
    }
    assert.ok(user.password && !record.includes(user.password), "the password is nowhere in the record");
  });

  test("a second Sarah Johnson gets the collision rule's name, and the first is untouched", async () => {
    m365.admin.createUser(tenant, {
      userPrincipalName: "sarah.johnson@acmecorp.com",
      displayName: "Sarah Johnson",
      usageLocation: "US",
    });
    // Another starter of the same name, the day the first started: submitted knowing it.
    const run = await onboard({ ...sarah, allowDuplicate: true });
    assert.equal(run.status, "completed", JSON.stringify(states(run)));
    assert.equal(
      run.actions.find((a) => a.key === "create-user")?.title,
      "Create sarah.johnson2@acmecorp.com",
    );
    assert.equal(m365.admin.user(tenant, "sarah.johnson@acmecorp.com").groups.length, 0);
    assert.ok(m365.admin.user(tenant, "sarah.johnson2@acmecorp.com").groups.length > 0);
  });

  test("a seat taken after submission fails the license step naming the SKU, and changes nothing else it should not", async () => {
    // With no seat at submission the pre-flight refuses the request; here the last seats go between the
    // submission and the start.
    const start = new Date(Date.now() + 2000).toISOString();
    const runId = await submitOnboarding({ firstName: "Nora", lastName: "Seat", role: "staff", start });
    m365.admin.setSeats(tenant, "SPB", 2); // Mike and Tom hold both
    const run = await finished(runId);
    assert.equal(run.status, "failed", JSON.stringify(states(run)));
    const step = run.actions.find((a) => a.key === "license:SPB")!;
    assert.ok(step.outcome?.kind === "failed");
    assert.equal(step.outcome.error.code, "NO_FREE_SEATS");
    assert.match(step.outcome.error.message, /SPB/);
    assert.ok(m365.admin.user(tenant, "nora.seat@acmecorp.com").licenses.length === 0);
  });

  test("a throttling storm on the tenant slows three onboardings down but fails none of them", async () => {
    const ids = [];
    for (const firstName of ["Ann", "Ben", "Cy"])
      ids.push(await submitOnboarding({ ...sarah, firstName, lastName: "Storm" }));
    m365.admin.exhaustThrottleBudget(tenant);
    m365.admin.startThrottleStorm(tenant, { durationMs: 1500, retryAfterSeconds: 0.2 });
    const runs = await Promise.all(ids.map(finished));
    for (const run of runs) assert.equal(run.status, "completed", JSON.stringify(states(run)));
    const refused = m365.admin.calls({ tenantId: tenant }).filter((c) => c.status === 429).length;
    assert.ok(refused > 0, "the storm did refuse calls");
  });

  test("a user synced from on-prem AD gets the cloud-side steps, 'do this in AD' for the rest, and fails verification honestly", async () => {
    m365.admin.createUser(tenant, {
      userPrincipalName: "olga.onprem@acmecorp.com",
      displayName: "Olga Onprem",
      usageLocation: "US",
      onPremisesSyncEnabled: true,
      licenses: ["SPB"],
      mailbox: "user",
      manager: "mike.chen@acmecorp.com",
    });
    const res = await submitRequest(
      store,
      "offboard",
      {
        client: "acme",
        user: "olga.onprem@acmecorp.com",
        lastDay: "now",
        requester: "hr@acmecorp.com",
      },
      { actor: "test", live: () => liveStateOf(caps) },
    );
    assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
    await approve(res.value.runId!);
    const run = await finished(res.value.runId!);
    const by = Object.fromEntries(run.actions.map((a) => [a.key, a]));
    assert.equal(by["revoke-sessions"]!.state, "succeeded", "revoking sessions works for synced users too");
    for (const k of ["disable-sign-in", "reset-password", "hide-from-gal", "convert-to-shared"]) {
      const o = by[k]!.outcome;
      assert.ok(o?.kind === "skipped" && /on-premises AD/.test(o.reason), `${k}: ${JSON.stringify(o)}`);
    }
    assert.equal(run.status, "failed", "sign-in still works in AD: the run must not read as done");
    const v = by["verify-no-access"]!.outcome;
    assert.ok(
      v?.kind === "failed" && /sign-in is still enabled \(synced/.test(v.error.message),
      JSON.stringify(v),
    );
    // What it found is data on the failed outcome too, under the step that was to take it away.
    const checks = residualChecksIn(v.data);
    assert.ok(checks, JSON.stringify(v.data));
    const signIn = checks.find((c) => c.step === "disable-sign-in");
    assert.equal(signIn?.result, "found");
    assert.match(signIn.result === "found" ? signIn.findings[0]!.found : "", /synced from on-premises AD/);
    assert.equal(checks.find((c) => c.step === "remove-licenses")?.result, "clean");
    assert.equal(
      m365.admin.user(tenant, "olga.onprem@acmecorp.com").accountEnabled,
      true,
      "nothing written in the cloud that AD owns",
    );
  });

  test("offboarding Tom Williams with manager approval hands everything over and verifies no access remains", async () => {
    const res = await submitRequest(
      store,
      "offboard",
      {
        client: "acme",
        user: "tom.williams@acmecorp.com",
        lastDay: "now",
        requester: "hr@acmecorp.com",
        actions: {
          forwardTo: { address: "manager", keepCopy: true },
          grantAccessTo: "manager",
          outOfOffice: "{{ user.displayName }} has left Acme. Please write to {{ manager.displayName }}.",
        },
      },
      { actor: "test", live: () => liveStateOf(caps) },
    );
    assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
    const runId = res.value.runId!;
    await waitForStatus(store, runId, ["awaiting-approval"]);
    assert.equal(
      m365.admin.user(tenant, "tom.williams@acmecorp.com").accountEnabled,
      true,
      "nothing before approval",
    );
    await approve(runId);
    await waitForStatus(store, runId, [...done], 60_000);
    const run = await getRun(store, runId);
    assert.equal(
      run.status,
      "completed",
      JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome])),
    );

    const tom = m365.admin.user(tenant, "tom.williams@acmecorp.com");
    assert.equal(tom.accountEnabled, false);
    assert.deepEqual(tom.licenses, []);
    assert.deepEqual(tom.groups, []);
    assert.deepEqual(
      tom.authMethods.filter((m) => !m.type.includes("password")),
      [],
    );
    assert.equal(tom.mailbox?.recipientTypeDetails, "SharedMailbox");
    assert.equal(tom.mailbox?.hiddenFromAddressListsEnabled, true);
    assert.equal(tom.mailbox?.forwardingAddress?.toLowerCase().includes("mike"), true);
    assert.equal(tom.mailbox?.deliverToMailboxAndForward, true);
    assert.deepEqual(tom.mailbox?.mobileDevices, []);
    assert.ok(tom.mailbox?.fullAccess.some((p) => p.user.toLowerCase().includes("mike")));
    assert.match(JSON.stringify(tom.mailbox?.autoReply), /Tom Williams has left Acme/);

    const step = (key: string) => run.actions.find((a) => a.key === key)!;
    const removed = step("remove-groups").outcome;
    assert.ok(removed?.kind === "succeeded");
    const names = (removed.data?.removedGroups as { displayName: string }[]).map((g) => g.displayName);
    assert.ok(names.includes("Marketing") && names.includes("All-Staff"), names.join(","));
    const lic = step("remove-licenses").outcome;
    assert.ok(lic?.kind === "succeeded");
    assert.deepEqual(lic.data?.removedSkus, [{ skuId: acme.spbSkuId, skuPartNumber: "SPB" }]);
    // The license went only after the mailbox was shared (the CIPP#1494 race).
    assert.ok(step("remove-licenses").startedAt! >= step("convert-to-shared").finishedAt!);
    assert.equal(step("verify-no-access").state, "succeeded");
    const verified = step("verify-no-access").outcome;
    const checks = residualChecksIn(verified?.kind === "succeeded" ? verified.data : undefined);
    assert.ok(checks && checks.length >= 8, JSON.stringify(verified));
    assert.ok(
      checks.every((c) => c.result === "clean"),
      JSON.stringify(checks),
    );
    for (const key of ["disable-sign-in", "remove-groups", "remove-licenses", "convert-to-shared"])
      assert.ok(
        checks.some((c) => c.step === key),
        `${key} was re-read`,
      );
    const notice = m365.admin.sentMail(tenant).find((m) => m.toRecipients.includes("mike.chen@acmecorp.com"));
    assert.ok(notice, "the supervisor was told");
  });
});

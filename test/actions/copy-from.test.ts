import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { productionCatalog } from "../../src/actions/catalog.ts";
import { copyMemberships, licenseGroupReason } from "../../src/actions/groups/copy-memberships.ts";
import { createUser } from "../../src/actions/identity/create-user.ts";
import { assignLicense } from "../../src/actions/licensing/assign-license.ts";
import { copyLicenses } from "../../src/actions/licensing/copy-licenses.ts";
import { GraphTransport, TokenSource } from "../../src/connectors/msgraph/index.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import type { PlanResult } from "../../src/domain/outcome.ts";
import { getRun } from "../../src/engine/read.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker } from "../../src/engine/worker.ts";
import { submitRequest } from "../../src/composition/submit.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { acmeClient, waitForStatus } from "../support/engine-helpers.ts";
import { acmeCapabilities, stepContext } from "../support/microsoft.ts";
import { allPorts, type MicrosoftPorts } from "./ports.ts";

/** "Copy from" onboarding against the emulator: attributes, groups on both sides, direct licenses, no-seat policy. */
describe("copy from a template user", () => {
  let m365: Microsoft365Emulator;
  let caps: MicrosoftPorts;
  const tenant = acme.tenantId;
  const template = "sales.template@acmecorp.com";

  const ctx = (key = "k") => stepContext(caps, key);

  const newcomer = (upn: string) =>
    m365.admin.createUser(tenant, { userPrincipalName: upn, displayName: upn, usageLocation: "US" });
  const rejectsWith = (code: string, message?: RegExp) => (e: LifecycleError) =>
    e instanceof LifecycleError && e.failure.code === code && (!message || message.test(e.message));

  before(async () => {
    m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
    m365.admin.setReplicationLag(0);
    m365.admin.setMailboxProvisioningDelay(0);
    caps = allPorts(acmeCapabilities(m365));
    m365.admin.createSku(tenant, { skuPartNumber: "VISIOCLIENT", seats: 3 });
    m365.admin.createGroup(tenant, { displayName: "Sales", kind: "security" });
    m365.admin.createGroup(tenant, {
      displayName: "Sales-OnPrem",
      kind: "security",
      onPremisesSyncEnabled: true,
    });
    m365.admin.createGroup(tenant, {
      displayName: "Sales (dynamic)",
      kind: "dynamic",
      membershipRule: '(user.department -eq "Sales")',
    });
    m365.admin.createGroup(tenant, {
      displayName: "Sales Team",
      kind: "distribution",
      mail: "sales@acmecorp.com",
    });
    m365.admin.createUser(tenant, {
      userPrincipalName: template,
      displayName: "Sales Template",
      department: "Sales",
      jobTitle: "Account Executive",
      companyName: "Acme Corp",
      officeLocation: "Boston HQ",
      city: "Boston",
      country: "United States",
      usageLocation: "CA",
      licenses: ["VISIOCLIENT"],
      groups: ["Sales", "Sales-OnPrem", "M365-Business-Premium", "All-Staff", "Sales Team", "Marketing Team"],
    });
    // The seed has no address fields: written the way an admin would, through Graph.
    const graph = new GraphTransport({
      baseUrl: m365.url,
      token: () =>
        new TokenSource({ authorityHost: m365.url }).token(
          tenant,
          { clientId: acme.clientId, clientSecret: acme.clientSecret },
          "https://graph.microsoft.com",
        ),
    });
    await graph.request("PATCH", `/users/${template}`, {
      body: { streetAddress: "1 Federal St", postalCode: "02110", state: "MA" },
    });
  });
  after(() => m365.close());

  describe("identity.create-user", () => {
    const ana = {
      upn: "ana.lopez@acmecorp.com",
      firstName: "Ana",
      lastName: "Lopez",
      displayName: "Ana Lopez",
      department: "Inside Sales",
      copyFrom: template,
    };

    test("fills what the form left out from the template, the form's own values winning", async () => {
      const plan = await createUser.plan(ana, ctx());
      assert.equal(plan.kind, "will-change");
      assert.deepEqual(plan.kind === "will-change" ? plan.to : undefined, {
        department: "Inside Sales",
        jobTitle: "Account Executive",
        companyName: "Acme Corp",
        officeLocation: "Boston HQ",
        city: "Boston",
        state: "MA",
        country: "United States",
        streetAddress: "1 Federal St",
        postalCode: "02110",
        usageLocation: "CA",
      });
      assert.equal((await createUser.apply(ana, ctx())).kind, "done");
      assert.equal((await createUser.verify(ana, ctx())).kind, "verified");
      assert.equal((await createUser.plan(ana, ctx())).kind, "already-done");
      const props = m365.admin.user(tenant, ana.upn).props;
      assert.deepEqual(
        [props.department, props.jobTitle, props.companyName, props.officeLocation, props.usageLocation],
        ["Inside Sales", "Account Executive", "Acme Corp", "Boston HQ", "CA"],
      );
      assert.deepEqual(
        [props.city, props.state, props.country, props.streetAddress, props.postalCode],
        ["Boston", "MA", "United States", "1 Federal St", "02110"],
      );
    });

    test("a usage location the request gives wins over the template's", async () => {
      const p = { ...ana, upn: "ana.us@acmecorp.com", displayName: "Ana US", usageLocation: "US" };
      const plan = await createUser.plan(p, ctx());
      assert.equal(
        plan.kind === "will-change" ? (plan.to as { usageLocation: string }).usageLocation : "",
        "US",
      );
    });

    test("a template that does not exist fails the plan as invalid and creates nobody", async () => {
      const p = {
        ...ana,
        upn: "nobody.new@acmecorp.com",
        displayName: "Nobody New",
        copyFrom: "ghost@acmecorp.com",
      };
      await assert.rejects(
        createUser.plan(p, ctx()),
        (e: LifecycleError) =>
          e.failure.kind === "invalid" && e.message === "copy-from user ghost@acmecorp.com not found",
      );
      assert.equal(await caps.directory!.findUser(p.upn), undefined);
    });

    test("verify tells a user whose copied attributes differ from the template's", async () => {
      const p = { ...ana, upn: "ana.lopez2@acmecorp.com", displayName: "Ana Lopez 2" };
      m365.admin.createUser(tenant, {
        userPrincipalName: p.upn,
        displayName: p.displayName,
        department: "Inside Sales",
        usageLocation: "CA",
      });
      const v = await createUser.verify(p, ctx());
      assert.equal(v.kind, "not-verified");
      assert.match(v.kind === "not-verified" ? v.observed : "", /jobTitle is empty, not Account Executive/);
    });
  });

  describe("groups.copy-memberships", () => {
    const upn = "ben.groups@acmecorp.com";
    const directory = { upn, from: template, only: "directory" as const };
    const exchange = { upn, from: template, only: "exchange" as const };
    before(() => {
      newcomer(upn);
      // Already in one of them: left alone, and said so.
      m365.admin.addGroupMember(tenant, "All-Staff", upn);
    });

    test("directory: joins the Graph groups and leaves out synced, dynamic and license groups with their reasons", async () => {
      const plan = await copyMemberships.plan(directory, ctx());
      assert.equal(plan.kind, "will-change");
      assert.match(plan.kind === "will-change" ? plan.summary : "", /^add to Sales; left out: /);
      const applied = await copyMemberships.apply(directory, ctx());
      assert.equal(applied.kind, "done");
      const data = applied.kind === "done" ? applied.data : undefined;
      const sales = m365.admin.group(tenant, "Sales");
      assert.deepEqual(data?.added, [{ id: sales.id, displayName: "Sales" }]);
      assert.deepEqual(
        new Map(
          (data?.skipped as { displayName: string; reason: string }[]).map((s) => [s.displayName, s.reason]),
        ),
        new Map([
          ["Sales-OnPrem", "synced from on-premises AD: change it there"],
          ["Sales (dynamic)", "membership is dynamic (set by a rule)"],
          ["M365-Business-Premium", licenseGroupReason],
          ["All-Staff", "already a member"],
        ]),
      );
      assert.equal((await copyMemberships.verify(directory, ctx())).kind, "verified");
      const groups = m365.admin.user(tenant, upn).groups.map((g) => g.displayName);
      assert.ok(groups.includes("Sales") && !groups.includes("M365-Business-Premium"), groups.join(", "));
      assert.deepEqual(m365.admin.user(tenant, upn).licenses, [], "no seat taken through the license group");
    });

    test("directory: a second plan finds it done, and a replayed apply adds nothing", async () => {
      const plan = await copyMemberships.plan(directory, ctx());
      assert.equal(plan.kind, "already-done");
      assert.match(
        plan.kind === "already-done" ? (plan.detail ?? "") : "",
        /^already in All-Staff, Sales; left out: M365-Business-Premium: assigns licenses/,
      );
      const again = await copyMemberships.apply(directory, ctx());
      assert.deepEqual(again.kind === "done" ? again.data?.added : undefined, []);
    });

    test("exchange: waits for the mailbox, then joins the lists through Exchange", async () => {
      const waiting = await copyMemberships.plan(exchange, ctx());
      assert.deepEqual(
        { kind: waiting.kind, for: waiting.kind === "wait" ? waiting.for : "" },
        { kind: "wait", for: `the mailbox of ${upn}` },
      );
      m365.admin.createMailbox(tenant, { user: upn });
      const plan = await copyMemberships.plan(exchange, ctx());
      assert.equal(plan.kind, "will-change");
      const applied = await copyMemberships.apply(exchange, ctx());
      const added = applied.kind === "done" ? (applied.data?.added as { displayName: string }[]) : [];
      assert.deepEqual(added.map((g) => g.displayName).sort(), ["Marketing Team", "Sales Team"]);
      assert.equal((await copyMemberships.verify(exchange, ctx())).kind, "verified");
      assert.ok(
        m365.admin
          .group(tenant, "sales@acmecorp.com")
          .members.some((m) => m.id === m365.admin.user(tenant, upn).id),
      );
      assert.equal((await copyMemberships.plan(exchange, ctx())).kind, "already-done");
    });

    test("verify names a planned group the user is not in", async () => {
      m365.admin.removeGroupMember(tenant, "Sales", upn);
      const v = await copyMemberships.verify(directory, ctx());
      assert.deepEqual(v, { kind: "not-verified", observed: "not in Sales" });
    });

    test("skips with the reasons when nothing on that side can be copied, and fails on a missing template", async () => {
      const onlyReadOnly = "ro.template@acmecorp.com";
      m365.admin.createUser(tenant, {
        userPrincipalName: onlyReadOnly,
        displayName: "Read-only Template",
        groups: ["Sales-OnPrem"],
      });
      const plan = await copyMemberships.plan({ ...directory, from: onlyReadOnly }, ctx());
      assert.deepEqual(plan, {
        kind: "skip",
        reason: "Sales-OnPrem: synced from on-premises AD: change it there",
      });
      assert.deepEqual(await copyMemberships.plan({ ...exchange, from: onlyReadOnly }, ctx()), {
        kind: "skip",
        reason: `${onlyReadOnly} is in no distribution list or mail-enabled security group`,
      });
      await assert.rejects(
        copyMemberships.plan({ ...directory, from: "ghost@acmecorp.com" }, ctx()),
        rejectsWith("COPY_FROM_NOT_FOUND", /copy-from user ghost@acmecorp.com not found/),
      );
    });
  });

  describe("licensing.copy-licenses and the no-seat policy", () => {
    const upn = "cara.licenses@acmecorp.com";
    const p = { upn, from: template, whenNoSeat: "fail" as const };
    const visio = () => m365.admin.skus(tenant).find((s) => s.skuPartNumber === "VISIOCLIENT")!;
    before(() => newcomer(upn));

    test("assigns the template's direct licenses only, not the ones it has through a group", async () => {
      const plan = await copyLicenses.plan(p, ctx());
      assert.deepEqual(plan, { kind: "will-change", summary: "assign VISIOCLIENT" });
      const applied = await copyLicenses.apply(p, ctx());
      assert.deepEqual(applied.kind === "done" ? applied.data : undefined, {
        assigned: [{ skuId: visio().skuId, skuPartNumber: "VISIOCLIENT" }],
      });
      assert.equal((await copyLicenses.verify(p, ctx())).kind, "verified");
      assert.deepEqual(
        m365.admin.user(tenant, upn).licenses.map((l) => l.skuPartNumber),
        ["VISIOCLIENT"],
      );
      assert.deepEqual(await copyLicenses.plan(p, ctx()), {
        kind: "already-done",
        detail: "VISIOCLIENT already assigned",
      });
    });

    test("a template without direct licenses is skipped, a missing one fails", async () => {
      assert.deepEqual(await copyLicenses.plan({ ...p, from: "helpdesk@acmecorp.com" }, ctx()), {
        kind: "skip",
        reason: "helpdesk@acmecorp.com holds no directly assigned license",
      });
      await assert.rejects(
        copyLicenses.plan({ ...p, from: "ghost@acmecorp.com" }, ctx()),
        rejectsWith("COPY_FROM_NOT_FOUND"),
      );
    });

    test("no free seat: 'fail' refuses naming the SKU, 'wait' waits for one, before anything changes", async () => {
      const other = "dan.noseat@acmecorp.com";
      newcomer(other);
      m365.admin.setSeats(tenant, "VISIOCLIENT", Number(visio().consumedUnits));
      const used = `${visio().consumedUnits} of ${visio().consumedUnits} in use`;
      try {
        await assert.rejects(
          copyLicenses.plan({ ...p, upn: other }, ctx()),
          (e: LifecycleError) =>
            e.failure.kind === "conflict" &&
            e.failure.code === "NO_FREE_SEATS" &&
            /VISIOCLIENT/.test(e.message),
        );
        const wait: PlanResult = await copyLicenses.plan({ ...p, upn: other, whenNoSeat: "wait" }, ctx());
        assert.deepEqual(wait, {
          kind: "wait",
          for: `a free VISIOCLIENT seat (${used})`,
          retryInMs: 15 * 60_000,
          deadlineMs: 24 * 3_600_000,
          needs: "person",
        });
        assert.deepEqual(m365.admin.user(tenant, other).licenses, []);
      } finally {
        m365.admin.setSeats(tenant, "VISIOCLIENT", 3);
      }
    });

    test("assign-license follows the same policy, failing by default", async () => {
      const other = "eve.noseat@acmecorp.com";
      newcomer(other);
      const spb = () => m365.admin.skus(tenant).find((s) => s.skuPartNumber === "SPB")!;
      m365.admin.setSeats(tenant, "SPB", Number(spb().consumedUnits));
      try {
        await assert.rejects(
          assignLicense.plan({ upn: other, sku: "SPB" }, ctx()),
          rejectsWith("NO_FREE_SEATS", /SPB/),
        );
        await assert.rejects(
          assignLicense.plan({ upn: other, sku: "SPB", whenNoSeat: "fail" }, ctx()),
          rejectsWith("NO_FREE_SEATS", /SPB/),
        );
        const wait = await assignLicense.plan({ upn: other, sku: "SPB", whenNoSeat: "wait" }, ctx());
        assert.equal(wait.kind, "wait");
        assert.match(wait.kind === "wait" ? wait.for : "", /^a free SPB seat \(\d+ of \d+ in use\)$/);
      } finally {
        m365.admin.setSeats(tenant, "SPB", 25);
      }
      assert.equal(
        (await assignLicense.plan({ upn: other, sku: "SPB", whenNoSeat: "wait" }, ctx())).kind,
        "will-change",
        "a freed seat ends the wait",
      );
    });
  });

  describe("an onboarding copied from the template, through the planner and the engine", () => {
    let store: Store;
    before(async () => {
      store = await openStore({});
      await upsertClient(store, acmeClient());
    });
    after(() => store.close());

    test("the new user gets the template's attributes, groups, lists and direct license, and every copy step verifies", async () => {
      const worker = createWorker({
        queue: sqlStepQueue(store),
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
            firstName: "Finn",
            lastName: "Copy",
            role: "staff",
            start: "now",
            requester: "tech@msp.example",
            copyFrom: template,
          },
          { actor: "test" },
        );
        assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
        const runId = res.value.runId!;
        await waitForStatus(store, runId, ["completed", "completed-with-warnings", "failed"], 30_000);
        const run = await getRun(store, runId);
        const state = Object.fromEntries(run.actions.map((a) => [a.key, a.state]));
        for (const k of ["create-user", "copy-groups", "copy-licenses", "mailbox-ready", "copy-lists"])
          assert.equal(
            state[k],
            "succeeded",
            `${k}: ${JSON.stringify(run.actions.map((a) => [a.key, a.outcome]))}`,
          );
        const finn = m365.admin.user(tenant, "finn.copy@acmecorp.com");
        assert.deepEqual([finn.props.jobTitle, finn.props.city], ["Account Executive", "Boston"]);
        const groups = finn.groups.map((g) => g.displayName);
        for (const g of ["Sales", "All-Staff", "Sales Team", "Marketing Team"])
          assert.ok(groups.includes(g), g);
        assert.ok(!groups.includes("M365-Business-Premium") && !groups.includes("Sales-OnPrem"));
        assert.deepEqual(finn.licenses.map((l) => l.skuPartNumber).sort(), ["SPB", "VISIOCLIENT"]);
        const copied = run.actions.find((a) => a.key === "copy-groups")!;
        const skipped = copied.outcome?.kind === "succeeded" ? copied.outcome.data?.skipped : undefined;
        assert.ok(
          (skipped as { reason: string }[]).some((s) => s.reason === licenseGroupReason),
          JSON.stringify(copied.outcome),
        );
      } finally {
        await worker.stop();
      }
    });
  });
});

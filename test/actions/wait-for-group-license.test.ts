import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { waitForGroupLicense } from "../../src/actions/licensing/wait-for-group-license.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import type { LicenseAssignmentState, Ports } from "../../src/ports/index.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { acmeCapabilities, stepContext } from "../support/microsoft.ts";
import { allPorts, type MicrosoftPorts } from "./ports.ts";

const tenant = acme.tenantId;
const group = "M365-Business-Premium";

/**
 * Acme gives Microsoft 365 Business Premium (SPB) through M365-Business-Premium. The step watches what
 * Graph records on the user after the join: the licence through that group, or the error in its place.
 */
describe("licensing.wait-for-group-license against the Microsoft 365 emulator", () => {
  let m365: Microsoft365Emulator;
  let caps: MicrosoftPorts;
  const ctx = () => stepContext(caps);

  before(async () => {
    m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
    m365.admin.setReplicationLag(0);
    caps = allPorts(acmeCapabilities(m365));
  });
  after(() => m365.close());

  const newcomer = (upn: string) =>
    m365.admin.createUser(tenant, { userPrincipalName: upn, displayName: upn, usageLocation: "US" });
  const join = (upn: string) => m365.admin.addGroupMember(tenant, group, upn);
  const spb = () => m365.admin.skus(tenant).find((s) => s.skuPartNumber === "SPB")!;
  /** Every seat taken, as "n of n in use" reads; restored afterwards by the test. */
  const fillSeats = () => {
    const used = Number(spb().consumedUnits);
    m365.admin.setSeats(tenant, "SPB", used);
    return used;
  };
  const graphCalls = (path: RegExp) =>
    m365.admin.calls({ tenantId: tenant }).filter((c) => path.test(`${c.method} ${c.url}`)).length;
  const rejectsWith =
    (code: string, ...patterns: RegExp[]) =>
    (e: unknown) => {
      assert.ok(e instanceof LifecycleError, String(e));
      assert.equal(e.failure.code, code, e.message);
      for (const p of patterns) assert.match(e.message, p);
      return true;
    };

  test("before the user joins, it waits for the licence through the group and says the user is not in it", async () => {
    const upn = "ada.early@acmecorp.com";
    newcomer(upn);
    const plan = await waitForGroupLicense.plan({ upn, group }, ctx());
    assert.deepEqual(plan, {
      kind: "wait",
      for: `licence SPB through ${group} (${upn} is not a member yet)`,
      retryInMs: 30_000,
      deadlineMs: 6 * 3_600_000,
    });
  });

  test("joined with a seat free, it succeeds naming the SKU and the group that gave it", async () => {
    const upn = "bea.licensed@acmecorp.com";
    newcomer(upn);
    join(upn);
    const p = { upn, group };
    const plan = await waitForGroupLicense.plan(p, ctx());
    assert.equal(plan.kind, "will-change");
    const applied = await waitForGroupLicense.apply(p, ctx());
    const groupId = m365.admin.group(tenant, group).id;
    assert.deepEqual(applied, {
      kind: "done",
      detail: `Assigned licenses: SPB (through ${group})`,
      data: { group, groupId, skus: ["SPB"] },
    });
    assert.deepEqual(await waitForGroupLicense.verify(p, ctx()), { kind: "verified" });
  });

  test("no free seat fails NO_FREE_SEATS at the first look, naming the SKU, the group and the seats in use", async () => {
    const upn = "cy.noseat@acmecorp.com";
    newcomer(upn);
    const used = fillSeats();
    try {
      join(upn);
      for (const whenNoSeat of [undefined, "fail"] as const)
        await assert.rejects(
          waitForGroupLicense.plan({ upn, group, ...(whenNoSeat ? { whenNoSeat } : {}) }, ctx()),
          rejectsWith(
            "NO_FREE_SEATS",
            /no free SPB seats/,
            new RegExp(`\\(${used} of ${used} in use\\)`),
            new RegExp(`through ${group}`),
          ),
        );
      assert.equal(graphCalls(/reprocessLicenseAssignment/), 0, "no seat: nothing to ask again");
    } finally {
      m365.admin.setSeats(tenant, "SPB", 25);
    }
  });

  test("with whenNoSeat wait it waits for a seat of that SKU; a freed seat is asked for again, then it succeeds", async () => {
    const upn = "dee.waits@acmecorp.com";
    const p = { upn, group, whenNoSeat: "wait" as const };
    newcomer(upn);
    const used = fillSeats();
    try {
      join(upn);
      assert.deepEqual(await waitForGroupLicense.plan(p, ctx()), {
        kind: "wait",
        for: `a free SPB seat (${used} of ${used} in use), licence through ${group}`,
        retryInMs: 15 * 60_000,
        deadlineMs: 24 * 3_600_000,
        needs: "person",
      });

      m365.admin.setSeats(tenant, "SPB", used + 1);
      // Graph leaves the assignment in error when a seat frees: only a reprocess (or a rejoin) takes it.
      assert.equal(m365.admin.user(tenant, upn).licenses[0]?.error, "CountViolation");
      const plan = await waitForGroupLicense.plan(p, ctx());
      assert.equal(plan.kind, "will-change");
      assert.match(plan.kind === "will-change" ? plan.summary : "", /SPB through .* again: a seat is free/);
      const asked = await waitForGroupLicense.apply(p, ctx());
      assert.equal(asked.kind, "wait");
      assert.equal(graphCalls(/^POST .*\/reprocessLicenseAssignment/), 1);
      assert.equal(m365.admin.user(tenant, upn).licenses[0]?.state, "Active");

      assert.equal((await waitForGroupLicense.plan(p, ctx())).kind, "will-change");
      const done = await waitForGroupLicense.apply(p, ctx());
      assert.equal(
        done.kind === "done" ? done.detail : done.kind,
        `Assigned licenses: SPB (through ${group})`,
      );
      assert.deepEqual(await waitForGroupLicense.verify(p, ctx()), { kind: "verified" });
    } finally {
      m365.admin.setSeats(tenant, "SPB", 25);
    }
  });

  test("another licensing error fails at once naming the SKU, the group and Graph's code, whatever the seat policy", async () => {
    const upn = "eli.conflict@acmecorp.com";
    newcomer(upn);
    join(upn);
    m365.admin.failGroupLicense(tenant, upn, group, "MutuallyExclusiveViolation");
    for (const whenNoSeat of ["fail", "wait"] as const)
      await assert.rejects(
        waitForGroupLicense.plan({ upn, group, whenNoSeat }, ctx()),
        rejectsWith("GROUP_LICENSE_ERROR", /SPB/, new RegExp(group), /MutuallyExclusiveViolation/),
      );
    await assert.rejects(
      waitForGroupLicense.verify({ upn, group }, ctx()),
      rejectsWith("GROUP_LICENSE_ERROR"),
    );
  });

  test("a group that gives no licence is skipped, and an unknown one fails naming it", async () => {
    const upn = "fay.plain@acmecorp.com";
    newcomer(upn);
    assert.deepEqual(await waitForGroupLicense.plan({ upn, group: "Marketing" }, ctx()), {
      kind: "skip",
      reason: "Marketing assigns no licences",
    });
    await assert.rejects(
      waitForGroupLicense.plan({ upn, group: "No Such Group" }, ctx()),
      rejectsWith("GROUP_NOT_FOUND", /No Such Group/),
    );
  });
});

/**
 * States the emulator does not produce, read through the ports as a connector would hand them over:
 * the step must not mistake a licence that is on for one that is not, nor the reverse.
 */
describe("licensing.wait-for-group-license over states Graph sends besides Active and Error", () => {
  const groupId = "0f0f0f0f-0000-4000-8000-000000000001";
  const skuId = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46";
  const portsWith = (states: LicenseAssignmentState[]) =>
    ({
      directory: {
        findUser: async (upn: string) => ({
          id: "u-1",
          userPrincipalName: upn,
          displayName: upn,
          accountEnabled: true,
          onPremisesSyncEnabled: false,
        }),
        findGroup: async (name: string) => ({
          id: groupId,
          displayName: name,
          managedBy: "directory" as const,
          licenseSkuIds: [skuId.toUpperCase()],
        }),
        groupsOf: async () => [{ id: groupId, displayName: group, managedBy: "directory" as const }],
      },
      licensing: {
        skus: async () => [{ skuId, skuPartNumber: "SPB", enabled: 25, consumed: 3 }],
        assignmentStates: async () => states,
      },
    }) as unknown as Ports;
  const p = { upn: "jo@acmecorp.com", group };

  for (const state of ["Active", "ActiveWithSolvedError", "ActiveWithError"])
    test(`${state} counts as assigned (ids compared without case)`, async () => {
      const ports = portsWith([{ skuId, assignedByGroup: groupId.toUpperCase(), state }]);
      assert.equal((await waitForGroupLicense.plan(p, stepContext(ports))).kind, "will-change");
      assert.deepEqual(await waitForGroupLicense.verify(p, stepContext(ports)), { kind: "verified" });
    });

  test("a state it does not know, or the same SKU assigned directly, is waited on and named", async () => {
    const disabled = portsWith([{ skuId, assignedByGroup: groupId, state: "Disabled" }]);
    const plan = await waitForGroupLicense.plan(p, stepContext(disabled));
    assert.equal(plan.kind === "wait" ? plan.for : plan.kind, `licence SPB (Disabled) through ${group}`);
    const direct = portsWith([{ skuId, state: "Active" }]);
    const waiting = await waitForGroupLicense.plan(p, stepContext(direct));
    assert.equal(waiting.kind === "wait" ? waiting.for : waiting.kind, `licence SPB through ${group}`);
  });

  test("an error without a code fails naming Other", async () => {
    const ports = portsWith([{ skuId, assignedByGroup: groupId, state: "Error" }]);
    await assert.rejects(waitForGroupLicense.plan(p, stepContext(ports)), /SPB through .* reports Other/);
  });
});

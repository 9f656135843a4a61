import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createUser } from "../../src/actions/identity/create-user.ts";
import { disableSignIn } from "../../src/actions/identity/disable-sign-in.ts";
import { resetPassword } from "../../src/actions/identity/reset-password.ts";
import { revokeSessions } from "../../src/actions/identity/revoke-sessions.ts";
import { addGroupMember } from "../../src/actions/groups/add-member.ts";
import { removeAllMemberships } from "../../src/actions/groups/remove-all-memberships.ts";
import { mailboxPollMs } from "../../src/actions/mail/wait-for-mailbox.ts";
import { assignLicense } from "../../src/actions/licensing/assign-license.ts";
import { noAccessRemains } from "../../src/actions/catalog.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { acmeCapabilities, stepContext } from "../support/microsoft.ts";
import { allPorts, type MicrosoftPorts } from "./ports.ts";

describe("Microsoft actions against the Microsoft 365 emulator", () => {
  let m365: Microsoft365Emulator;
  let caps: MicrosoftPorts;
  const tenant = acme.tenantId;

  const ctx = (key = "k") => stepContext(caps, key);

  before(async () => {
    m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
    m365.admin.setReplicationLag(0);
    caps = allPorts(acmeCapabilities(m365));
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
      (e: LifecycleError) => e.failure.kind === "conflict" && e.failure.code === "UPN_TAKEN",
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
      (e: LifecycleError) => e.failure.code === "GROUP_NOT_FOUND",
    );
  });

  test("assign-license checks free seats before changing anything", async () => {
    const p = { upn: sarah.upn, sku: "SPB" };
    const used = m365.admin.skus(tenant).find((s) => s.skuPartNumber === "SPB")!;
    m365.admin.setSeats(tenant, "SPB", Number(used.consumedUnits));
    await assert.rejects(
      assignLicense.plan(p, ctx()),
      (e: LifecycleError) => e.failure.code === "NO_FREE_SEATS" && /SPB/.test(e.message),
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

  test("leaving a licensing group records the seat it frees, unless the seat is also held directly", async () => {
    const viaGroupOnly = "gil.group@acmecorp.com";
    const alsoDirect = "dora.direct@acmecorp.com";
    m365.admin.createUser(tenant, {
      userPrincipalName: viaGroupOnly,
      displayName: "Gil Group",
      usageLocation: "US",
    });
    m365.admin.createUser(tenant, {
      userPrincipalName: alsoDirect,
      displayName: "Dora Direct",
      usageLocation: "US",
      licenses: ["SPB"],
    });
    for (const upn of [viaGroupOnly, alsoDirect])
      m365.admin.addGroupMember(tenant, "M365-Business-Premium", upn);
    const freed = async (upn: string) => {
      const done = await removeAllMemberships.apply({ upn }, ctx(upn));
      assert.equal(done.kind, "done");
      return (done.kind === "done" ? done.data?.releasedSkus : undefined) as { via: string }[] | undefined;
    };
    const spb = (await caps.licensing.skus()).find((k) => k.skuPartNumber === "SPB")!;
    assert.deepEqual(await freed(viaGroupOnly), [
      { skuId: spb.skuId, skuPartNumber: "SPB", via: "M365-Business-Premium" },
    ]);
    assert.equal(await freed(alsoDirect), undefined, "the direct seat stays for the licence step to release");
  });

  test("verification re-reads the planned steps, each by its own check, and names a port it lacks as not checked", async () => {
    const upn = "una.planned@acmecorp.com";
    m365.admin.createUser(tenant, {
      userPrincipalName: upn,
      displayName: "Una Planned",
      usageLocation: "US",
      accountEnabled: false,
      licenses: ["SPB"],
    });
    m365.admin.addGroupMember(tenant, "Marketing", upn);
    const later = { ...ctx(), runStartAt: new Date(Date.now() + 5_000) };
    // `expect` asks for more; the planned steps are what is re-read.
    const p = {
      upn,
      expect: { removeGroups: true, disableAccount: true, removeLicenses: true },
      planned: [
        { key: "remove-groups", type: "groups.remove-all-memberships", params: { upn, keep: ["Marketing"] } },
        { key: "remove-licenses", type: "licensing.remove-all-licenses", params: { upn } },
        { key: "psa-contact", type: "psa.deactivate-contact", params: { upn } },
      ],
    };
    const v = await noAccessRemains.verify(p, later);
    const groups = { step: "remove-groups", type: "groups.remove-all-memberships", what: "groups" };
    const licenses = { step: "remove-licenses", type: "licensing.remove-all-licenses", what: "licenses" };
    // What each step's check saw is data, beside the words the failure is told in.
    assert.deepEqual(v, {
      kind: "not-verified",
      observed: "still holds licenses",
      settled: false,
      data: {
        checks: [
          { ...groups, result: "clean" },
          { ...licenses, result: "found", findings: [{ found: "still holds licenses", settled: false }] },
        ],
      },
    });
    const unlicensed = await noAccessRemains.verify(p, {
      ...later,
      ports: { ...later.ports, licensing: undefined },
    });
    assert.deepEqual(unlicensed, {
      kind: "not-verified",
      observed: "licenses not checked (no licensing connector)",
      settled: false,
      data: {
        checks: [
          { ...groups, result: "clean" },
          { ...licenses, result: "not-checked", port: "licensing", why: "no licensing connector" },
        ],
      },
    });
    const leftClean = "una.gone@acmecorp.com";
    m365.admin.createUser(tenant, {
      userPrincipalName: leftClean,
      displayName: "Una Gone",
      usageLocation: "US",
      accountEnabled: false,
    });
    const clean = await noAccessRemains.verify(
      { ...p, upn: leftClean, planned: p.planned.map((s) => ({ ...s, params: { upn: leftClean } })) },
      later,
    );
    assert.deepEqual(clean, {
      kind: "verified",
      detail: "re-read groups, licenses: no access remains",
      data: {
        checks: [
          { ...groups, result: "clean" },
          { ...licenses, result: "clean" },
        ],
      },
    });
    assert.deepEqual(await noAccessRemains.plan(p, later), {
      kind: "will-change",
      summary: `re-read ${upn}: groups, licenses`,
    });
  });

  test("verification of a run planned before the steps were listed re-reads what `expect` asked", async () => {
    const upn = "vic.stored@acmecorp.com";
    m365.admin.createUser(tenant, {
      userPrincipalName: upn,
      displayName: "Vic Stored",
      usageLocation: "US",
      accountEnabled: true,
    });
    const v = await noAccessRemains.verify({ upn, expect: { disableAccount: true, removeMfa: true } }, ctx());
    assert.equal(v.kind, "not-verified");
    const observed = v.kind === "not-verified" ? v.observed : "";
    assert.match(observed, /^sign-in is still enabled/);
    assert.doesNotMatch(observed, /MFA methods remain/);
    const bad = noAccessRemains.verify(
      { upn, expect: {}, planned: [{ key: "x", type: "mail.set-forwarding", params: { upn } }] },
      ctx(),
    );
    await assert.rejects(
      bad,
      (e: LifecycleError) => e.failure.code === "INVALID_PARAMS" && /step "x"/.test(e.message),
    );
  });
});

test("the mailbox is looked for every 2 s at first, then every 15 s, then every minute", () => {
  assert.deepEqual(
    [0, 119_000, 120_000, 14 * 60_000, 15 * 60_000, 6 * 3600_000].map(mailboxPollMs),
    [2_000, 2_000, 15_000, 15_000, 60_000, 60_000],
  );
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { addGroupMember } from "../../src/actions/groups/add-member.ts";
import { removeAllMemberships } from "../../src/actions/groups/remove-all-memberships.ts";
import { onPremReason } from "../../src/actions/identity/disable-sign-in.ts";
import { convertToShared } from "../../src/actions/mail/convert-to-shared.ts";
import { grantMailboxAccess } from "../../src/actions/mail/grant-mailbox-access.ts";
import { hideFromAddressList } from "../../src/actions/mail/hide-from-address-list.ts";
import { removeMobileDevices } from "../../src/actions/mail/remove-mobile-devices.ts";
import { setForwarding } from "../../src/actions/mail/set-forwarding.ts";
import { setOutOfOffice } from "../../src/actions/mail/set-out-of-office.ts";
import { setSignature } from "../../src/actions/mail/set-signature.ts";
import type { LifecycleError } from "../../src/domain/errors.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { acmeCapabilities, stepContext } from "../support/microsoft.ts";
import { allPorts, type MicrosoftPorts } from "./ports.ts";

describe("Exchange Online actions against the Microsoft 365 emulator", () => {
  let m365: Microsoft365Emulator;
  let caps: MicrosoftPorts;
  const tenant = acme.tenantId;

  const ctx = () => stepContext(caps);

  let n = 0;
  /** A fresh mailbox user reporting to Mike Chen, so tests do not see each other's changes. */
  const person = (extra: Record<string, unknown> = {}): string => {
    const upn = `person${++n}@acmecorp.com`;
    m365.admin.createUser(tenant, {
      userPrincipalName: upn,
      displayName: `Person ${n}`,
      usageLocation: "US",
      manager: "mike.chen@acmecorp.com",
      mailbox: true,
      ...extra,
    });
    return upn;
  };
  const mailbox = (upn: string) => m365.admin.mailbox(tenant, upn)!;
  const failsWith = (code: string, kind?: string) => (e: LifecycleError) =>
    e.failure.code === code && (kind === undefined || e.failure.kind === kind);

  before(async () => {
    m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
    m365.admin.setReplicationLag(0);
    caps = allPorts(acmeCapabilities(m365));
  });
  after(() => m365.close());

  test("hide-from-address-list hides once, verifies, and then reads as already done", async () => {
    const p = { upn: person() };
    assert.equal((await hideFromAddressList.plan(p, ctx())).kind, "will-change");
    await hideFromAddressList.apply(p, ctx());
    assert.equal((await hideFromAddressList.verify(p, ctx())).kind, "verified");
    assert.equal((await hideFromAddressList.plan(p, ctx())).kind, "already-done");
    assert.equal(mailbox(p.upn).hiddenFromAddressListsEnabled, true);
  });

  test("a user without a mailbox fails the mailbox steps as not-found, naming it", async () => {
    const p = { upn: person({ mailbox: false }) };
    for (const action of [hideFromAddressList, convertToShared, removeMobileDevices])
      await assert.rejects(
        action.plan(p, ctx()),
        (e: LifecycleError) => failsWith("MAILBOX_NOT_FOUND", "not-found")(e) && e.message.includes(p.upn),
      );
  });

  test("on-prem synced users: mailbox attributes skip with the on-prem reason, Exchange-side steps go ahead", async () => {
    const upn = person({ onPremisesSyncEnabled: true });
    for (const plan of [
      hideFromAddressList.plan({ upn }, ctx()),
      convertToShared.plan({ upn }, ctx()),
      setForwarding.plan({ upn, address: "manager", keepCopy: true }, ctx()),
    ])
      assert.deepEqual(await plan, { kind: "skip", reason: onPremReason });
    assert.equal((await setOutOfOffice.plan({ upn, message: "Gone" }, ctx())).kind, "will-change");
    assert.equal(
      (await grantMailboxAccess.plan({ mailbox: upn, grantee: "manager" }, ctx())).kind,
      "will-change",
    );
  });

  test("convert-to-shared is not verified while Exchange converts, and verified once it reports SharedMailbox", async () => {
    const p = { upn: person() };
    m365.admin.setMailboxConversionDelay(60_000);
    try {
      assert.equal((await convertToShared.plan(p, ctx())).kind, "will-change");
      const applied = await convertToShared.apply(p, ctx());
      assert.deepEqual(applied.kind === "done" && applied.data, { previousType: "user" });
      const early = await convertToShared.verify(p, ctx());
      assert.equal(early.kind, "not-verified");
      assert.match(early.kind === "not-verified" ? early.observed : "", /still a user mailbox/);
      // A retried apply while the conversion is pending changes nothing.
      await convertToShared.apply(p, ctx());
      m365.admin.advanceClock(61_000);
      assert.equal((await convertToShared.verify(p, ctx())).kind, "verified");
      assert.equal((await convertToShared.plan(p, ctx())).kind, "already-done");
      assert.equal(mailbox(p.upn).recipientTypeDetails, "SharedMailbox");
      assert.ok((convertToShared.verifyDeadlineMs ?? 0) >= 10 * 60_000);
    } finally {
      m365.admin.setMailboxConversionDelay(0);
    }
  });

  test("set-forwarding to the manager forwards internally and to an outside address externally", async () => {
    const upn = person();
    const internal = { upn, address: "manager", keepCopy: true };
    const plan = await setForwarding.plan(internal, ctx());
    assert.equal(plan.kind, "will-change");
    assert.equal(plan.kind === "will-change" && plan.to, "mike.chen@acmecorp.com");
    await setForwarding.apply(internal, ctx());
    assert.equal((await setForwarding.verify(internal, ctx())).kind, "verified");
    assert.equal((await setForwarding.plan(internal, ctx())).kind, "already-done");
    let mb = mailbox(upn);
    assert.ok(mb.forwardingAddress, "internal forwarding uses ForwardingAddress");
    assert.equal(mb.forwardingSmtpAddress, null);
    assert.equal(mb.deliverToMailboxAndForward, true);

    const external = { upn, address: "Tom.Personal@Example.org", keepCopy: false };
    assert.equal((await setForwarding.plan(external, ctx())).kind, "will-change");
    await setForwarding.apply(external, ctx());
    assert.equal((await setForwarding.verify(external, ctx())).kind, "verified");
    mb = mailbox(upn);
    assert.equal(mb.forwardingAddress, null);
    assert.equal(mb.forwardingSmtpAddress, "tom.personal@example.org");
    assert.equal(mb.deliverToMailboxAndForward, false);
  });

  test("set-forwarding to the manager of someone without one fails as invalid, saying so", async () => {
    const upn = person({ manager: undefined });
    await assert.rejects(
      setForwarding.plan({ upn, address: "manager", keepCopy: true }, ctx()),
      (e: LifecycleError) => failsWith("NO_MANAGER", "invalid")(e) && /no manager/.test(e.message),
    );
    await assert.rejects(
      setForwarding.plan({ upn, address: upn, keepCopy: true }, ctx()),
      failsWith("FORWARD_TO_SELF", "invalid"),
    );
  });

  test("set-out-of-office renders the Liquid message for everyone, inside and out, and reads as done after", async () => {
    const upn = person();
    const p = {
      upn,
      message:
        "{{ user.displayName }} has left.\nPlease write to {{ manager.displayName }} <{{ manager.mail }}>.",
    };
    assert.equal((await setOutOfOffice.plan(p, ctx())).kind, "will-change");
    await setOutOfOffice.apply(p, ctx());
    assert.equal((await setOutOfOffice.verify(p, ctx())).kind, "verified");
    assert.equal((await setOutOfOffice.plan(p, ctx())).kind, "already-done");
    const reply = mailbox(upn).autoReply;
    assert.equal(reply.state, "Enabled");
    assert.equal(reply.externalAudience, "All");
    assert.equal(
      reply.internalMessage,
      `Person ${n} has left.<br>Please write to Mike Chen &lt;mike.chen@acmecorp.com&gt;.`,
    );
    assert.equal(reply.externalMessage, reply.internalMessage);
  });

  test("set-out-of-office refuses an unknown variable by name, and a manager the leaver does not have", async () => {
    const upn = person({ manager: undefined });
    await assert.rejects(
      setOutOfOffice.plan({ upn, message: "Bye from {{ user.nickname }}" }, ctx()),
      (e: LifecycleError) =>
        failsWith("TEMPLATE_VARIABLE_UNKNOWN", "invalid")(e) && /user\.nickname/.test(e.message),
    );
    await assert.rejects(
      setOutOfOffice.plan({ upn, message: "Ask {{ manager.displayName }}" }, ctx()),
      failsWith("NO_MANAGER", "invalid"),
    );
    assert.equal(mailbox(upn).autoReply.state, "Disabled");
  });

  test("remove-mobile-devices removes every partnership, names them in its data, and then finds none", async () => {
    const upn = person();
    m365.admin.createMobileDevice(tenant, {
      mailbox: upn,
      deviceType: "iPhone",
      friendlyName: "Work iPhone",
    });
    m365.admin.createMobileDevice(tenant, { mailbox: upn, deviceType: "Android", friendlyName: "Pixel" });
    const plan = await removeMobileDevices.plan({ upn }, ctx());
    assert.equal(plan.kind, "will-change");
    assert.match(plan.kind === "will-change" ? plan.summary : "", /Work iPhone, Pixel/);
    const applied = await removeMobileDevices.apply({ upn }, ctx());
    assert.deepEqual(applied.kind === "done" && applied.data, { removedDevices: ["Work iPhone", "Pixel"] });
    assert.equal((await removeMobileDevices.verify({ upn }, ctx())).kind, "verified");
    assert.equal((await removeMobileDevices.plan({ upn }, ctx())).kind, "already-done");
    assert.deepEqual(mailbox(upn).mobileDevices, []);
  });

  test("grant-mailbox-access gives a new hire Full Access without automapping and Send As on a shared mailbox", async () => {
    const grantee = person();
    const p = { mailbox: "helpdesk@acmecorp.com", grantee, sendAs: true };
    const plan = await grantMailboxAccess.plan(p, ctx());
    assert.equal(plan.kind, "will-change");
    assert.match(plan.kind === "will-change" ? plan.summary : "", /FullAccess and SendAs/);
    await grantMailboxAccess.apply(p, ctx());
    assert.equal((await grantMailboxAccess.verify(p, ctx())).kind, "verified");
    assert.equal((await grantMailboxAccess.plan(p, ctx())).kind, "already-done");
    // An interrupted attempt replayed: nothing is granted twice.
    const again = await grantMailboxAccess.apply(p, ctx());
    assert.deepEqual(again.kind === "done" && again.data, { grantee, granted: [] });
    const mb = mailbox("helpdesk@acmecorp.com");
    const entries = mb.fullAccess.filter((f) => f.user === grantee);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.automapping, false);
    assert.ok(mb.sendAs.includes(grantee));
  });

  test("grant-mailbox-access to 'manager' gives the leaver's manager Full Access only, when Send As is off", async () => {
    const leaver = person();
    const p = { mailbox: leaver, grantee: "manager", sendAs: false };
    await grantMailboxAccess.apply(p, ctx());
    assert.equal((await grantMailboxAccess.verify(p, ctx())).kind, "verified");
    const mb = mailbox(leaver);
    assert.deepEqual(
      mb.fullAccess.map((f) => f.user),
      ["mike.chen@acmecorp.com"],
    );
    assert.deepEqual(mb.sendAs, []);
    await assert.rejects(
      grantMailboxAccess.plan({ mailbox: "nobody@acmecorp.com", grantee: "manager" }, ctx()),
      failsWith("MAILBOX_NOT_FOUND", "not-found"),
    );
  });

  const signature = (upn: string, template: string) => ({
    upn,
    template,
    variables: { companyPhone: "+1 555 0100", tagline: "Bits & Bolts" },
    user: {
      displayName: "Jane Doe",
      firstName: "Jane",
      lastName: "Doe",
      department: "Marketing",
      email: upn,
    },
  });

  test("set-signature renders the Liquid template with escaped values and sets it for Outlook on the web", async () => {
    const upn = person();
    const p = signature(
      upn,
      "<p><b>{{ user.displayName }}</b><br>{{ user.jobTitle | default: user.department }}<br>{{ companyPhone }} · {{ tagline }}</p>",
    );
    assert.equal((await setSignature.plan(p, ctx())).kind, "will-change");
    const applied = await setSignature.apply(p, ctx());
    assert.match(applied.kind === "done" ? (applied.detail ?? "") : "", /roaming signatures/);
    assert.equal((await setSignature.verify(p, ctx())).kind, "verified");
    assert.equal((await setSignature.plan(p, ctx())).kind, "already-done");
    const config = mailbox(upn).messageConfiguration;
    assert.equal(
      config.SignatureHtml,
      "<p><b>Jane Doe</b><br>Marketing<br>+1 555 0100 · Bits &amp; Bolts</p>",
    );
    assert.equal(config.AutoAddSignature, true);
  });

  test("set-signature fails as invalid on a variable the template does not have, before changing anything", async () => {
    const upn = person();
    await assert.rejects(
      setSignature.plan(signature(upn, "{{ user.displayName }} {{ companyFax }}"), ctx()),
      (e: LifecycleError) =>
        failsWith("TEMPLATE_VARIABLE_UNKNOWN", "invalid")(e) && /companyFax/.test(e.message),
    );
    assert.ok(!mailbox(upn).messageConfiguration.SignatureHtml);
  });

  describe("distribution lists", () => {
    test("add-member joins a list through Exchange once, and then reads as already done", async () => {
      const upn = person();
      const p = { upn, group: "marketing@acmecorp.com" };
      assert.equal((await addGroupMember.plan(p, ctx())).kind, "will-change");
      await addGroupMember.apply(p, ctx());
      assert.equal((await addGroupMember.verify(p, ctx())).kind, "verified");
      assert.equal((await addGroupMember.plan(p, ctx())).kind, "already-done");
      // MemberAlreadyExistsException from a replayed attempt is the state we want.
      assert.equal((await addGroupMember.apply(p, ctx())).kind, "done");
      assert.ok(m365.admin.user(tenant, upn).groups.some((g) => g.displayName === "Marketing Team"));
    });

    test("add-member waits while the new user's mailbox is still provisioning, then joins", async () => {
      m365.admin.setMailboxProvisioningDelay(60_000);
      try {
        const upn = person({ mailbox: false });
        m365.admin.createMailbox(tenant, { user: upn, ready: false });
        const p = { upn, group: "Announcements" };
        const plan = await addGroupMember.plan(p, ctx());
        assert.equal(plan.kind, "wait");
        assert.ok(plan.kind === "wait" && (plan.deadlineMs ?? 0) >= 3600_000);
        // Racing the plan: Exchange's ManagementObjectNotFoundException on the member is a wait too.
        assert.equal((await addGroupMember.apply(p, ctx())).kind, "wait");
        m365.admin.advanceClock(61_000);
        assert.equal((await addGroupMember.plan(p, ctx())).kind, "will-change");
        await addGroupMember.apply(p, ctx());
        assert.equal((await addGroupMember.verify(p, ctx())).kind, "verified");
      } finally {
        m365.admin.setMailboxProvisioningDelay(0);
      }
    });

    test("add-member fails on a list nobody has heard of", async () => {
      await assert.rejects(
        addGroupMember.plan({ upn: person(), group: "no-such-list@acmecorp.com" }, ctx()),
        failsWith("GROUP_NOT_FOUND", "invalid"),
      );
      await assert.rejects(
        caps.mailboxAdmin!.listMembers("no-such-list@acmecorp.com"),
        (e: LifecycleError) => e.failure.kind === "not-found",
      );
    });

    test("remove-all-memberships leaves lists through Exchange, records them, and keeps what it is told to", async () => {
      const upn = person({ groups: ["Marketing", "All-Staff"] });
      m365.admin.addGroupMember(tenant, "Marketing Team", upn);
      m365.admin.addGroupMember(tenant, "Announcements", upn);
      const p = { upn, keep: ["announcements@acmecorp.com"] };
      const plan = await removeAllMemberships.plan(p, ctx());
      assert.equal(plan.kind, "will-change");
      assert.match(plan.kind === "will-change" ? plan.summary : "", /Marketing Team/);
      assert.match(
        plan.kind === "will-change" ? plan.summary : "",
        /kept: Announcements \(kept by request\)/,
      );
      const applied = await removeAllMemberships.apply(p, ctx());
      const removed =
        applied.kind === "done" ? (applied.data?.removedGroups as { displayName: string }[]) : [];
      assert.deepEqual(removed.map((g) => g.displayName).sort(), [
        "All-Staff",
        "Marketing",
        "Marketing Team",
      ]);
      assert.equal((await removeAllMemberships.verify(p, ctx())).kind, "verified");
      assert.equal((await removeAllMemberships.plan(p, ctx())).kind, "already-done");
      assert.deepEqual(
        m365.admin.user(tenant, upn).groups.map((g) => g.displayName),
        ["Announcements"],
      );
      // Without the keep, the kept list is lingering.
      const v = await removeAllMemberships.verify({ upn }, ctx());
      assert.equal(v.kind, "not-verified");
      assert.match(v.kind === "not-verified" ? v.observed : "", /still in Announcements/);
    });
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Capabilities, LinkAddress, LinkOwner, OneTimeLinks, Ports } from "../../src/ports/index.ts";
import { productionCatalog } from "../../src/actions/catalog.ts";
import { assignAutopilotUser } from "../../src/actions/devices/assign-autopilot-user.ts";
import { retireDevices } from "../../src/actions/devices/retire.ts";
import { wipeDevices } from "../../src/actions/devices/wipe.ts";
import { deleteUser } from "../../src/actions/identity/delete-user.ts";
import { onPremReason } from "../../src/actions/identity/disable-sign-in.ts";
import { issueTemporaryAccessPass } from "../../src/actions/identity/issue-temporary-access-pass.ts";
import { removeMfaMethods } from "../../src/actions/identity/remove-mfa-methods.ts";
import { notifySupervisor } from "../../src/actions/notify/supervisor.ts";
import { welcomeEmail } from "../../src/actions/notify/welcome-email.ts";
import { graphResource, GraphTransport, TokenSource } from "../../src/connectors/msgraph/index.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { acmeCapabilities, stepContext } from "../support/microsoft.ts";
import { allPorts } from "./ports.ts";

/** Keeps what it was given, so a test can prove the pass went here and nowhere else. */
class FakeLinks implements OneTimeLinks {
  readonly shared = new Map<string, { secret: string; label: string; expiresAt: Date }>();
  private readonly current = new Map<string, number>();
  async share(owner: LinkOwner, secret: string, opts: { label: string; expiresAt: Date }) {
    const key = `${owner.runId}:${owner.actionKey}`;
    const generation = (this.current.get(key) ?? 0) + 1;
    this.current.set(key, generation);
    const linkId = `${key}#${generation}`;
    this.shared.set(linkId, { secret, ...opts });
    return { linkId, state: "created" as const, expiresAt: opts.expiresAt };
  }
  async address(linkId: string): Promise<LinkAddress> {
    const link = this.shared.get(linkId);
    const key = linkId.slice(0, linkId.lastIndexOf("#"));
    if (!link || `${key}#${this.current.get(key)}` !== linkId)
      return { kind: "unavailable", state: link ? "revoked" : "unknown", reason: `${linkId} is not current` };
    return {
      kind: "ready",
      url: `https://links.example/${encodeURIComponent(linkId)}`,
      expiresAt: link.expiresAt,
    };
  }
}

const isFailure = (kind: string, code?: string) => (e: unknown) =>
  e instanceof LifecycleError && e.failure.kind === kind && (!code || e.failure.code === code);

describe("authentication methods, devices, mail and deletion against the Microsoft 365 emulator", () => {
  let m365: Microsoft365Emulator;
  let graph: Capabilities;
  const links = new FakeLinks();
  const tenant = acme.tenantId;
  const tom = "tom.williams@acmecorp.com";
  const sender = "helpdesk@acmecorp.com";

  const ctx = (key: string, extra: Parameters<typeof stepContext<Ports>>[2] = {}) =>
    stepContext(allPorts({ ...graph, oneTimeLinks: links }), key, {
      runId: "run-1",
      runStartAt: new Date("2026-12-01T08:00:00Z"),
      ...extra,
    });

  const newUser = (local: string, extra: { onPremisesSyncEnabled?: boolean; manager?: string } = {}) =>
    m365.admin.createUser(tenant, {
      userPrincipalName: `${local}@acmecorp.com`,
      displayName: local,
      ...extra,
    });

  before(async () => {
    m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
    m365.admin.setReplicationLag(0);
    graph = acmeCapabilities(m365);
  });
  after(() => m365.close());

  test("every action here is in the production catalogue under its planned type", () => {
    const types = [...productionCatalog().keys()];
    for (const t of [
      "identity.remove-mfa-methods",
      "identity.issue-temporary-access-pass",
      "devices.assign-autopilot-user",
      "devices.retire",
      "devices.wipe",
      "identity.delete-user",
      "notify.welcome-email",
      "notify.supervisor",
    ])
      assert.ok(types.includes(t), t);
  });

  describe("identity.remove-mfa-methods", () => {
    test("removes every method but the password, records the types, verifies, then reads as done", async () => {
      const p = { upn: tom };
      const plan = await removeMfaMethods.plan(p, ctx("mfa"));
      assert.equal(plan.kind, "will-change");
      const applied = await removeMfaMethods.apply(p, ctx("mfa"));
      assert.equal(applied.kind, "done");
      const removed = (applied.kind === "done" ? applied.data?.removedMethods : []) as { type: string }[];
      assert.deepEqual(removed.map((m) => m.type).sort(), [
        "microsoftAuthenticatorAuthenticationMethod",
        "phoneAuthenticationMethod",
      ]);
      assert.doesNotMatch(JSON.stringify(applied), /2065550123/, "no phone number in the step data");
      assert.equal((await removeMfaMethods.verify(p, ctx("mfa"))).kind, "verified");
      assert.equal((await removeMfaMethods.plan(p, ctx("mfa"))).kind, "already-done");
      assert.deepEqual(m365.admin.user(tenant, tom).authMethods, []);
      // A replayed apply (an interrupted attempt) finds nothing left and does not fail.
      assert.equal((await removeMfaMethods.apply(p, ctx("mfa", { inDoubt: true }))).kind, "done");
    });

    test("is done for a user synced from on-premises AD too: methods live in the cloud", async () => {
      const synced = m365.admin.createUser(tenant, {
        userPrincipalName: "synced.mfa@acmecorp.com",
        displayName: "Synced MFA",
        onPremisesSyncEnabled: true,
        authMethods: [{ type: "phone", phoneNumber: "+1 2065550199" }],
      });
      const p = { upn: synced.userPrincipalName };
      assert.equal((await removeMfaMethods.plan(p, ctx("mfa-synced"))).kind, "will-change");
      await removeMfaMethods.apply(p, ctx("mfa-synced"));
      assert.equal((await removeMfaMethods.verify(p, ctx("mfa-synced"))).kind, "verified");
    });

    test("fails not-found for a user who is not there", async () => {
      await assert.rejects(
        removeMfaMethods.plan({ upn: "nobody@acmecorp.com" }, ctx("mfa-x")),
        isFailure("not-found", "USER_NOT_FOUND"),
      );
    });
  });

  describe("identity.issue-temporary-access-pass", () => {
    const startAt = new Date(Date.now() + 3 * 86_400_000).toISOString();

    test("issues a pass from the start date, hands it to a one-time link and keeps it out of the step", async () => {
      const user = newUser("tap.starter");
      const p = { upn: user.userPrincipalName, startAt, lifetimeInMinutes: 480, isUsableOnce: false };
      const plan = await issueTemporaryAccessPass.plan(p, ctx("tap"));
      assert.equal(plan.kind, "will-change");
      const applied = await issueTemporaryAccessPass.apply(p, ctx("tap"));
      assert.equal(applied.kind, "done");
      const data = applied.kind === "done" ? (applied.data ?? {}) : {};
      const link = links.shared.get("run-1:tap#1");
      assert.ok(link, "the pass went to the one-time link");
      assert.match(link.secret, /^\S{8,}$/);
      assert.equal(data.linkId, "run-1:tap#1", "the step keeps the link's id");
      assert.equal(data.linkState, "created");
      assert.doesNotMatch(JSON.stringify(applied), /links\.example|credentials/, "never its address");
      assert.equal(data.expiresAt, new Date(Date.parse(startAt) + 480 * 60_000).toISOString());
      assert.equal(link.expiresAt.toISOString(), data.expiresAt);
      const taps = m365.admin.user(tenant, p.upn).authMethods;
      assert.deepEqual(taps, [{ id: data.methodId, type: "temporaryAccessPassAuthenticationMethod" }]);
      const verified = await issueTemporaryAccessPass.verify(p, ctx("tap"));
      assert.equal(verified.kind, "verified");
      for (const result of [plan, applied, verified])
        assert.ok(!JSON.stringify(result).includes(link.secret), "the pass is in no step result");
    });

    test("a re-run replaces the pass and the link: one pass on the user, one link for the step", async () => {
      const user = newUser("tap.rerun");
      const p = { upn: user.userPrincipalName, lifetimeInMinutes: 60, isUsableOnce: true };
      const first = await issueTemporaryAccessPass.apply(p, ctx("tap-rerun"));
      const firstPass = links.shared.get("run-1:tap-rerun#1")?.secret;
      const plan = await issueTemporaryAccessPass.plan(p, ctx("tap-rerun", { inDoubt: true }));
      assert.equal(plan.kind, "will-change");
      assert.match(plan.kind === "will-change" ? plan.summary : "", /replaces the current pass/);
      const second = await issueTemporaryAccessPass.apply(p, ctx("tap-rerun", { inDoubt: true }));
      const ids = [first, second].map((r) => (r.kind === "done" ? r.data?.methodId : undefined));
      assert.notEqual(ids[0], ids[1]);
      assert.deepEqual(
        m365.admin.user(tenant, p.upn).authMethods.map((m) => m.id),
        [ids[1]],
      );
      assert.equal(second.kind === "done" ? second.data?.linkId : undefined, "run-1:tap-rerun#2");
      assert.notEqual(links.shared.get("run-1:tap-rerun#2")?.secret, firstPass);
      assert.equal(
        (await links.address("run-1:tap-rerun#1")).kind,
        "unavailable",
        "the first link is revoked",
      );
      assert.equal((await links.address("run-1:tap-rerun#2")).kind, "ready");
    });

    test("without a one-time link service it fails before plan, before any pass exists", async () => {
      const user = newUser("tap.nolinks");
      const p = { upn: user.userPrincipalName, lifetimeInMinutes: 60, isUsableOnce: true };
      const bound = issueTemporaryAccessPass.bind(
        p,
        { ...graph, oneTimeLinks: undefined },
        ctx("tap-nolinks"),
      );
      assert.ok(!bound.ok);
      assert.equal(bound.failure.kind, "invalid");
      assert.equal(bound.failure.code, "NOT_CONFIGURED");
      assert.equal(bound.missingPort, "oneTimeLinks");
      assert.match(bound.failure.message, /tap-nolinks.*oneTimeLinks/);
      assert.deepEqual(m365.admin.user(tenant, p.upn).authMethods, []);
    });

    test("verify does not accept a pass older than the attempt", async () => {
      const user = newUser("tap.old");
      const p = { upn: user.userPrincipalName, lifetimeInMinutes: 60, isUsableOnce: true };
      await issueTemporaryAccessPass.apply(p, ctx("tap-old"));
      const later = ctx("tap-old", { attemptStartedAt: new Date(Date.now() + 3_600_000) });
      const v = await issueTemporaryAccessPass.verify(p, later);
      assert.equal(v.kind, "not-verified");
    });
  });

  describe("devices.assign-autopilot-user", () => {
    test("assigns the device, verifies, reads as done, and refuses to take it from that user", async () => {
      const user = newUser("autopilot.user");
      const p = { upn: user.userPrincipalName, serial: "ACME-PC-0042" };
      assert.equal((await assignAutopilotUser.plan(p, ctx("ap"))).kind, "will-change");
      const applied = await assignAutopilotUser.apply(p, ctx("ap"));
      assert.equal(applied.kind, "done");
      assert.equal((await assignAutopilotUser.verify(p, ctx("ap"))).kind, "verified");
      assert.equal((await assignAutopilotUser.plan(p, ctx("ap"))).kind, "already-done");
      const device = m365.admin.autopilotDevices(tenant).find((d) => d.serialNumber === "ACME-PC-0042");
      assert.equal(device?.userPrincipalName, user.userPrincipalName);
      assert.equal(device?.addressableUserName, "autopilot.user");

      const other = newUser("autopilot.other");
      await assert.rejects(
        assignAutopilotUser.plan({ upn: other.userPrincipalName, serial: "acme-pc-0042" }, ctx("ap2")),
        (e: unknown) =>
          isFailure("conflict", "AUTOPILOT_DEVICE_ASSIGNED")(e) &&
          (e as Error).message.includes(user.userPrincipalName),
      );
    });

    test("an unknown serial number fails as invalid, naming it", async () => {
      await assert.rejects(
        assignAutopilotUser.plan({ upn: tom, serial: "NO-SUCH-SERIAL" }, ctx("ap3")),
        (e: unknown) =>
          isFailure("invalid", "AUTOPILOT_DEVICE_NOT_FOUND")(e) &&
          (e as Error).message.includes("NO-SUCH-SERIAL"),
      );
    });

    test("a serial that only contains the one asked for is not a match", async () => {
      await assert.rejects(
        assignAutopilotUser.plan({ upn: tom, serial: "PC-0042" }, ctx("ap4")),
        isFailure("invalid", "AUTOPILOT_DEVICE_NOT_FOUND"),
      );
    });
  });

  describe("devices.retire and devices.wipe", () => {
    test("retire issues once per device, names it in the data, verifies, then reads as done", async () => {
      const p = { upn: tom };
      const plan = await retireDevices.plan(p, ctx("retire"));
      assert.equal(plan.kind, "will-change");
      const applied = await retireDevices.apply(p, ctx("retire"));
      assert.deepEqual(applied.kind === "done" ? applied.data?.devices : undefined, [
        { deviceName: "ACME-LT-0117", serialNumber: "5CG1234XYZ" },
      ]);
      assert.equal((await retireDevices.verify(p, ctx("retire"))).kind, "verified");
      assert.equal((await retireDevices.plan(p, ctx("retire"))).kind, "already-done");
      // A replayed apply skips the device already retiring: no second retire is sent.
      const replay = await retireDevices.apply(p, ctx("retire", { inDoubt: true }));
      assert.deepEqual(replay.kind === "done" ? replay.data?.devices : undefined, []);
      const retires = m365.admin
        .calls({ api: "graph" })
        .filter((c) => c.method === "POST" && c.route.endsWith("/retire")).length;
      assert.equal(retires, 1);
    });

    test("wipe still goes to a retired device, and once wiped a retire has nothing left to do", async () => {
      const p = { upn: tom };
      assert.equal((await wipeDevices.plan(p, ctx("wipe"))).kind, "will-change");
      await wipeDevices.apply(p, ctx("wipe"));
      assert.equal((await wipeDevices.verify(p, ctx("wipe"))).kind, "verified");
      assert.equal((await wipeDevices.plan(p, ctx("wipe"))).kind, "already-done");
      const device = m365.admin.managedDevices(tenant).find((d) => d.deviceName === "ACME-LT-0117");
      assert.equal(device?.managementState, "wipeIssued");
    });

    test("a user with no managed devices is already done, and says so", async () => {
      const plan = await wipeDevices.plan({ upn: "mike.chen@acmecorp.com" }, ctx("wipe-mike"));
      assert.deepEqual(plan, { kind: "already-done", detail: "no managed devices" });
    });
  });

  describe("identity.delete-user", () => {
    test("deletes a cloud user, verifies it is gone, then reads as done; a replay does not fail", async () => {
      const user = newUser("leaver.delete");
      const p = { upn: user.userPrincipalName };
      assert.equal((await deleteUser.plan(p, ctx("delete"))).kind, "will-change");
      assert.equal((await deleteUser.apply(p, ctx("delete"))).kind, "done");
      assert.equal((await deleteUser.verify(p, ctx("delete"))).kind, "verified");
      assert.equal((await deleteUser.plan(p, ctx("delete"))).kind, "already-done");
      assert.equal((await deleteUser.apply(p, ctx("delete", { inDoubt: true }))).kind, "done");
    });

    test("skips a user synced from on-premises AD with the on-prem reason", async () => {
      const user = newUser("synced.delete", { onPremisesSyncEnabled: true });
      assert.deepEqual(await deleteUser.plan({ upn: user.userPrincipalName }, ctx("delete-synced")), {
        kind: "skip",
        reason: onPremReason,
      });
    });
  });

  describe("notify.welcome-email", () => {
    const p = {
      upn: "new.starter@acmecorp.com",
      displayName: "New <Starter>",
      from: sender,
      to: ["hr@acmecorp.com"],
      personalEmail: "starter@example.org",
    };
    const tapOutput = {
      tap: {
        linkId: "run-1:welcome-tap#1",
        linkState: "created",
        expiresAt: "2026-12-01T16:00:00Z",
        methodId: "m",
      },
    };
    before(async () => {
      await links.share({ runId: "run-1", actionKey: "welcome-tap" }, "a pass", {
        label: "TAP",
        expiresAt: new Date("2026-12-01T16:00:00Z"),
      });
    });

    test("sends once to the HR contacts and the private address with sign-in name, start and link", async () => {
      const before = m365.admin.sentMail(tenant).length;
      const c = ctx("welcome", { outputs: tapOutput });
      assert.equal((await welcomeEmail.plan(p, c)).kind, "will-change");
      const applied = await welcomeEmail.apply(p, c);
      assert.equal(applied.kind, "done");
      const sent = m365.admin.sentMail(tenant);
      assert.equal(sent.length, before + 1);
      const mail = sent.at(-1);
      assert.deepEqual(mail?.toRecipients, ["hr@acmecorp.com", "starter@example.org"]);
      assert.equal(mail?.from, sender);
      assert.match(mail?.content ?? "", /new\.starter@acmecorp\.com/);
      assert.match(mail?.content ?? "", /New &#60;Starter&#62;/, "the name is escaped");
      assert.match(mail?.content ?? "", /2026-12-01 08:00 UTC/);
      assert.match(mail?.content ?? "", /https:\/\/links\.example\/run-1%3Awelcome-tap%231/);
      assert.match(mail?.content ?? "", /stops working at 2026-12-01 16:00 UTC/);
      assert.equal((await welcomeEmail.verify(p, c)).kind, "verified");
      const again = await welcomeEmail.plan(p, c);
      assert.equal(again.kind, "already-done");
      assert.match(
        again.kind === "already-done" ? (again.detail ?? "") : "",
        /to hr@acmecorp\.com, starter@example\.org/,
      );
    });

    test("the outcome records where it went, and never the one-time link", async () => {
      const applied = await welcomeEmail.apply(p, ctx("welcome-data", { outputs: tapOutput }));
      assert.ok(applied.kind === "done");
      assert.deepEqual(applied.data?.sentTo, ["hr@acmecorp.com", "starter@example.org"]);
      assert.equal(applied.data?.firstSignIn, "one-time link");
      assert.equal(applied.data?.linkId, "run-1:welcome-tap#1", "which link it carried, by id");
      assert.doesNotMatch(JSON.stringify(applied), /links\.example|%3A/, "the link's address is a secret");
    });

    test("a message sent again carries the same link: a resend never leaves two valid links", async () => {
      const c = ctx("welcome-twice", { outputs: tapOutput });
      await welcomeEmail.apply(p, c);
      await welcomeEmail.apply(p, { ...c, attempt: 2 });
      const [a, b] = m365.admin
        .sentMail(tenant)
        .slice(-2)
        .map((m) => m.content.match(/https:\/\/links\.example\/\S+?"/)?.[0]);
      assert.ok(a && a === b, `the same link in both: ${a} ${b}`);
    });

    test("a link re-issued or expired before the send: the email goes without it, and the step says why", async () => {
      await links.share({ runId: "run-1", actionKey: "welcome-tap-old" }, "p1", {
        label: "TAP",
        expiresAt: new Date("2026-12-01T16:00:00Z"),
      });
      await links.share({ runId: "run-1", actionKey: "welcome-tap-old" }, "p2", {
        label: "TAP",
        expiresAt: new Date("2026-12-01T16:00:00Z"),
      });
      const applied = await welcomeEmail.apply(
        p,
        ctx("welcome-stale", { outputs: { tap: { linkId: "run-1:welcome-tap-old#1" } } }),
      );
      assert.ok(applied.kind === "done");
      assert.equal(applied.data?.firstSignIn, "technician");
      assert.match(applied.detail ?? "", /without the link: run-1:welcome-tap-old#1 is not current/);
      assert.match(m365.admin.sentMail(tenant).at(-1)?.content ?? "", /technician/);
    });

    test("an address outside the client's domains, not an HR contact nor the personal address, is dropped and named", async () => {
      const outside = { ...p, to: ["hr@acmecorp.com", "boss@elsewhere.example"], domains: ["acmecorp.com"] };
      const plan = await welcomeEmail.plan(outside, ctx("welcome-outside"));
      assert.match(
        plan.kind === "will-change" ? plan.summary : "",
        /not sent to boss@elsewhere\.example is not in the client's domains \(acmecorp\.com\)/,
      );
      const applied = await welcomeEmail.apply(outside, ctx("welcome-outside"));
      assert.deepEqual(m365.admin.sentMail(tenant).at(-1)?.toRecipients, [
        "hr@acmecorp.com",
        "starter@example.org",
      ]);
      assert.ok(applied.kind === "done");
      assert.match(applied.detail ?? "", /not sent to boss@elsewhere\.example/);
      assert.deepEqual(
        (applied.data?.dropped as { address: string }[]).map((d) => d.address),
        ["boss@elsewhere.example"],
      );
      // An HR contact the client configured goes through wherever its domain is.
      const hr = { ...outside, hrContacts: ["boss@elsewhere.example"] };
      await welcomeEmail.apply(hr, ctx("welcome-hr-outside"));
      assert.deepEqual(m365.admin.sentMail(tenant).at(-1)?.toRecipients, [
        "hr@acmecorp.com",
        "boss@elsewhere.example",
        "starter@example.org",
      ]);
    });

    test("nobody it may go to: the step is skipped naming each address and why", async () => {
      const count = m365.admin.sentMail(tenant).length;
      const plan = await welcomeEmail.plan(
        { ...p, to: "boss@elsewhere.example", personalEmail: undefined },
        ctx("welcome-outside-only"),
      );
      assert.equal(plan.kind, "skip");
      assert.match(
        plan.kind === "skip" ? plan.reason : "",
        /no email address it may go to: not sent to boss@elsewhere\.example is not in the client's domains \(acmecorp\.com\)/,
      );
      assert.equal(m365.admin.sentMail(tenant).length, count, "nothing was sent");
    });

    test("several HR contacts and a personal address each get it once, whatever the case", async () => {
      const many = {
        ...p,
        to: ["hr@acmecorp.com", "People@AcmeCorp.com", "HR@acmecorp.com"],
        personalEmail: "people@acmecorp.com",
      };
      const applied = await welcomeEmail.apply(many, ctx("welcome-many"));
      assert.deepEqual(m365.admin.sentMail(tenant).at(-1)?.toRecipients, [
        "hr@acmecorp.com",
        "People@AcmeCorp.com",
      ]);
      assert.deepEqual(applied.kind === "done" && applied.data?.sentTo, [
        "hr@acmecorp.com",
        "People@AcmeCorp.com",
      ]);
    });

    test("no HR contact: the private address alone gets it; with neither the step is skipped saying why", async () => {
      await welcomeEmail.apply({ ...p, to: [] }, ctx("welcome-personal-only"));
      assert.deepEqual(m365.admin.sentMail(tenant).at(-1)?.toRecipients, ["starter@example.org"]);
      const count = m365.admin.sentMail(tenant).length;
      const plan = await welcomeEmail.plan({ ...p, to: [], personalEmail: undefined }, ctx("welcome-nobody"));
      assert.deepEqual(plan, {
        kind: "skip",
        reason: "no HR contact in the client's config and no personal email",
      });
      assert.equal(m365.admin.sentMail(tenant).length, count, "nothing was sent");
    });

    test("an HR contact that is not an address is refused by the params", () => {
      assert.equal(welcomeEmail.params.safeParse({ ...p, to: ["hr"] }).success, false);
      assert.equal(welcomeEmail.params.safeParse({ ...p, to: [] }).success, true);
    });

    test("in doubt after a send that went out, plan finds it in Sent Items and nothing is sent twice", async () => {
      const c = ctx("welcome-crash", { outputs: tapOutput });
      await welcomeEmail.apply(p, c);
      const count = m365.admin.sentMail(tenant).length;
      const resumed = await welcomeEmail.plan(p, { ...c, inDoubt: true, attempt: 2 });
      assert.equal(resumed.kind, "already-done");
      assert.equal(m365.admin.sentMail(tenant).length, count);
    });

    test("in doubt with nothing in Sent Items, plan waits once, and the next attempt sends", async () => {
      const c = ctx("welcome-lost");
      const resumed = await welcomeEmail.plan(p, { ...c, inDoubt: true, attempt: 2 });
      assert.equal(resumed.kind, "wait");
      assert.equal((await welcomeEmail.plan(p, { ...c, attempt: 3 })).kind, "will-change");
    });

    test("a 504 on sendMail is not retried blindly: the step waits for Sent Items, then sends only if absent", async () => {
      const c = ctx("welcome-504", { outputs: tapOutput });
      const count = m365.admin.sentMail(tenant).length;
      m365.admin.injectFault({ kind: "status", status: 504, pathPattern: "/sendMail", count: 1 });
      const unclear = await welcomeEmail.apply(p, c);
      assert.equal(unclear.kind, "wait", "an unclear send is not called done, nor retried in place");
      assert.equal(m365.admin.sentMail(tenant).length, count, "the 504 came before Graph sent anything");
      assert.equal((await welcomeEmail.plan(p, { ...c, attempt: 2 })).kind, "will-change");
      assert.equal((await welcomeEmail.apply(p, { ...c, attempt: 2 })).kind, "done");
      assert.equal(m365.admin.sentMail(tenant).length, count + 1);
    });

    test("a plan made before HR contacts (the requester as a lone name) still runs: a name is not mailed", async () => {
      const cli = { ...p, to: "cli", personalEmail: undefined };
      const plan = await welcomeEmail.plan(cli, ctx("welcome-cli"));
      assert.ok(plan.kind === "skip" && /not an address/.test(plan.reason), JSON.stringify(plan));
      const c = ctx("welcome-cli-personal", { outputs: tapOutput });
      await welcomeEmail.apply({ ...p, to: "cli" }, c);
      assert.deepEqual(m365.admin.sentMail(tenant).at(-1)?.toRecipients, ["starter@example.org"]);
      await welcomeEmail.apply(
        { ...p, to: "boss@acmecorp.com", personalEmail: undefined },
        ctx("welcome-legacy"),
      );
      assert.deepEqual(m365.admin.sentMail(tenant).at(-1)?.toRecipients, ["boss@acmecorp.com"]);
    });

    test("without the TAP step the email says the technician hands over the first sign-in", async () => {
      const c = ctx("welcome-notap");
      await welcomeEmail.apply({ ...p, personalEmail: undefined }, c);
      const mail = m365.admin.sentMail(tenant).at(-1);
      assert.deepEqual(mail?.toRecipients, ["hr@acmecorp.com"]);
      assert.match(mail?.content ?? "", /technician/);
      assert.doesNotMatch(mail?.content ?? "", /links\.example/);
    });

    test("without a sender mailbox it fails as invalid, naming the setting", async () => {
      await assert.rejects(
        welcomeEmail.plan({ ...p, from: undefined }, ctx("welcome-nosender")),
        (e: unknown) =>
          isFailure("invalid", "NO_SENDER")(e) && /microsoft\.sendMailFrom/.test((e as Error).message),
      );
    });
  });

  describe("notify.supervisor", () => {
    test("tells the leaver's manager and the requester, with what the directory shows", async () => {
      const p = { upn: tom, from: sender, requester: "hr@acmecorp.com" };
      const plan = await notifySupervisor.plan(p, ctx("supervisor"));
      assert.match(plan.kind === "will-change" ? plan.summary : "", /mike\.chen@acmecorp\.com/);
      const applied = await notifySupervisor.apply(p, ctx("supervisor"));
      assert.equal(applied.kind === "done" ? applied.data?.manager : undefined, "mike.chen@acmecorp.com");
      const mail = m365.admin.sentMail(tenant).at(-1);
      assert.deepEqual(mail?.toRecipients, ["mike.chen@acmecorp.com", "hr@acmecorp.com"]);
      assert.match(mail?.subject ?? "", /Tom Williams/);
      assert.match(mail?.content ?? "", /Sign-in is (still allowed|blocked)/);
      assert.equal((await notifySupervisor.verify(p, ctx("supervisor"))).kind, "verified");
      assert.equal((await notifySupervisor.plan(p, ctx("supervisor"))).kind, "already-done");
    });

    test("with no manager on record it goes to the requester only and says so", async () => {
      const user = newUser("no.manager");
      const p = { upn: user.userPrincipalName, from: sender, requester: "hr@acmecorp.com" };
      const applied = await notifySupervisor.apply(p, ctx("supervisor-none"));
      assert.match(applied.kind === "done" ? (applied.detail ?? "") : "", /no manager/);
      const mail = m365.admin.sentMail(tenant).at(-1);
      assert.deepEqual(mail?.toRecipients, ["hr@acmecorp.com"]);
      assert.match(mail?.content ?? "", /no manager in the directory/);
    });

    test("a requester outside the client's domains is not told, and the step names them and why", async () => {
      const p = { upn: tom, from: sender, requester: "someone@elsewhere.example", domains: ["acmecorp.com"] };
      const plan = await notifySupervisor.plan(p, ctx("supervisor-outside"));
      assert.match(
        plan.kind === "will-change" ? plan.summary : "",
        /not sent to someone@elsewhere\.example is not in the client's domains/,
      );
      const applied = await notifySupervisor.apply(p, ctx("supervisor-outside"));
      assert.deepEqual(m365.admin.sentMail(tenant).at(-1)?.toRecipients, ["mike.chen@acmecorp.com"]);
      assert.match(
        applied.kind === "done" ? (applied.detail ?? "") : "",
        /not sent to someone@elsewhere\.example/,
      );
      const user = newUser("no.manager.outside");
      const none = await notifySupervisor.plan(
        { ...p, upn: user.userPrincipalName },
        ctx("supervisor-outside-none"),
      );
      assert.equal(none.kind, "skip");
      assert.match(
        none.kind === "skip" ? none.reason : "",
        /someone@elsewhere\.example is not in the client's domains/,
      );
    });
  });

  test("Sent Items refuses a filter it does not understand instead of ignoring it", async () => {
    const transport = new GraphTransport({
      baseUrl: m365.url,
      token: () =>
        new TokenSource({ authorityHost: m365.url }).token(
          tenant,
          { clientId: acme.clientId, clientSecret: acme.clientSecret },
          graphResource,
        ),
    });
    await assert.rejects(
      transport.request("GET", `/users/${sender}/mailFolders/SentItems/messages?$filter=subject eq 'x'`),
      (e: unknown) =>
        isFailure("invalid", "VENDOR_INVALID")(e) &&
        (e as LifecycleError).failure.vendor?.code === "ErrorInvalidUrlQueryFilter",
    );
  });
});

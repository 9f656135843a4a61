import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { actionCatalog } from "../../src/actions/catalog.ts";
import { createPerson } from "../../src/actions/docs/create-person.ts";
import { retireCredential } from "../../src/actions/docs/retire-credential.ts";
import { retirePerson } from "../../src/actions/docs/retire-person.ts";
import { storeCredential } from "../../src/actions/docs/store-credential.ts";
import { assignDevice } from "../../src/actions/rmm/assign-device.ts";
import { createEndUser } from "../../src/actions/rmm/create-end-user.ts";
import { releaseDevices } from "../../src/actions/rmm/release-devices.ts";
import { removeEndUser } from "../../src/actions/rmm/remove-end-user.ts";
import { noEndUsersReason } from "../../src/actions/support/rmm.ts";
import { keyring } from "../../src/credentials/keys.ts";
import { initialPasswords } from "../../src/credentials/initial-passwords.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import type { Docs, InitialPasswords, Rmm, RmmOwner } from "../../src/ports/index.ts";
import { harnesses, type Fixtures, type Opened, type StoredEntry } from "../contracts/ports/harnesses.ts";
import { stepContext } from "../support/microsoft.ts";

const fresh = (f: Fixtures, what = "person") => `${what}-${randomUUID().slice(0, 8)}@${f.domain}`;

const failsWith = (code: string, pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof LifecycleError, String(err));
  assert.equal(err.failure.code, code);
  assert.match(err.failure.message, pattern);
  return true;
};

describe("the RMM and documentation actions are in the catalogue", () => {
  test("each with the port it speaks to, and the end-user removal re-read by the final verification", () => {
    const expected: Record<string, string> = {
      "rmm.create-end-user": "rmm",
      "rmm.assign-device": "rmm",
      "rmm.remove-end-user": "rmm",
      "rmm.release-devices": "rmm",
      "docs.create-person": "docs",
      "docs.retire-person": "docs",
      "docs.store-credential": "docs",
      "docs.retire-credential": "docs",
    };
    for (const [type, port] of Object.entries(expected)) {
      const action = actionCatalog.get(type);
      assert.ok(action, `${type} is in the catalogue`);
      assert.deepEqual(action.ports, [port], type);
    }
    assert.equal(actionCatalog.get("rmm.remove-end-user")?.residualAccessOf, "RMM end user");
    // The vault password is Lifecycle's own port, served to every client: optional, as a pass-only
    // onboarding has none to store.
    assert.deepEqual(actionCatalog.get("docs.store-credential")?.optionalPorts, ["initialPasswords"]);
  });

  test("bound as the engine binds them: a bad param or a missing port fails before any call", () => {
    const info = stepContext({}, "assign-device");
    const bad = actionCatalog
      .get("rmm.assign-device")!
      .bind({ serial: "", email: "not an address" }, {}, info);
    assert.ok(!bad.ok);
    assert.equal(bad.failure.code, "INVALID_PARAMS");
    assert.match(bad.failure.message, /serial: .*email: /);
    const unserved = actionCatalog
      .get("docs.retire-person")!
      .bind({ email: "a@b.com", note: "Left" }, {}, info);
    assert.ok(!unserved.ok);
    assert.equal(unserved.failure.code, "NOT_CONFIGURED");
    assert.equal(unserved.missingPort, "docs");
  });
});

for (const id of ["ninjaone", "datto-rmm"]) {
  describe(`RMM actions against ${id}'s emulator`, () => {
    let opened: Opened;
    let rmm: Rmm;
    let f: Fixtures;
    const ctx = (extra: { firstAttempt?: boolean } = {}) => stepContext({ rmm }, "k", extra);
    before(async () => {
      opened = await harnesses[id]!.open();
      rmm = opened.ports.rmm!;
      f = opened.fixtures;
    });
    after(() => opened.close());

    /** A person of the client's as an owner: a new end user where the RMM keeps them, else the address. */
    async function newOwner(): Promise<RmmOwner> {
      const email = fresh(f);
      if (!rmm.endUsers) return { email };
      const user = await rmm.createEndUser({ firstName: "Test", lastName: "Owner", email });
      return { email, ...(user.ownerRef !== undefined ? { ownerRef: user.ownerRef } : {}) };
    }

    test("create-end-user creates once, verifies, then reads as already done; an RMM without end users skips", async () => {
      const p = { email: fresh(f), firstName: "Sarah", lastName: "Johnson", phone: "+1 555 0100" };
      const planned = await createEndUser.plan(p, ctx({ firstAttempt: true }));
      if (!rmm.endUsers) {
        assert.deepEqual(planned, { kind: "skip", reason: noEndUsersReason });
        assert.equal(await rmm.findEndUser(p.email), undefined);
        return;
      }
      assert.equal(planned.kind, "will-change");
      const done = await createEndUser.apply(p, ctx());
      assert.equal(done.kind, "done");
      assert.equal((await createEndUser.verify(p, ctx())).kind, "verified");
      const again = await createEndUser.apply(p, ctx());
      assert.ok(done.kind === "done" && again.kind === "done");
      assert.equal(again.data?.endUserId, done.data?.endUserId, "a second apply finds the first one's");
      assert.equal((await createEndUser.plan(p, ctx())).kind, "already-done");
      assert.equal(
        (await createEndUser.plan({ ...p, email: f.existingUser.toUpperCase() }, ctx())).kind,
        "already-done",
      );
    });

    test("assign-device with no serial named skips, saying so", async () => {
      const p = { email: f.existingUser };
      assert.deepEqual(await assignDevice.plan(p, ctx()), {
        kind: "skip",
        reason: "no device was named in the request",
      });
    });

    test("assign-device for a serial the RMM does not have fails naming the serial", async () => {
      const serial = `NO-SUCH-${randomUUID().slice(0, 6)}`;
      await assert.rejects(
        assignDevice.plan({ serial, email: f.existingUser }, ctx()),
        failsWith("OBJECT_NOT_FOUND", new RegExp(`serial ${serial}`)),
      );
      // Another client's device is not one to assign either.
      await assert.rejects(
        assignDevice.plan({ serial: f.rmmElsewhere!.serial, email: f.existingUser }, ctx()),
        failsWith("OBJECT_NOT_FOUND", new RegExp(f.rmmElsewhere!.serial)),
      );
    });

    test("assign-device records the person as the owner, verifies it, and a second plan reads already done", async () => {
      const owner = await newOwner();
      const p = { serial: f.rmmSerial!, email: owner.email };
      const planned = await assignDevice.plan(p, ctx());
      assert.equal(planned.kind, "will-change");
      assert.equal(planned.kind === "will-change" && planned.to, owner.ownerRef ?? owner.email);
      assert.equal((await assignDevice.verify(p, ctx())).kind, "not-verified", "the verify can fail");
      assert.equal((await assignDevice.apply(p, ctx())).kind, "done");
      assert.equal((await assignDevice.verify(p, ctx())).kind, "verified");
      assert.equal((await assignDevice.apply(p, ctx())).kind, "done", "applying twice is harmless");
      assert.equal((await assignDevice.plan(p, ctx())).kind, "already-done");
      const device = await rmm.findDeviceBySerial(f.rmmSerial!);
      assert.equal(device?.owner?.toLowerCase(), (owner.ownerRef ?? owner.email).toLowerCase());
      // The end user's ref handed on by the step before is used as it is.
      if (owner.ownerRef)
        assert.equal(
          (await assignDevice.plan({ ...p, ownerRef: owner.ownerRef }, ctx())).kind,
          "already-done",
        );
    });

    test("assign-device where the RMM keeps end users and the person is not one fails naming them", async (t) => {
      if (!rmm.endUsers) return t.skip("this RMM owns devices by address");
      const email = fresh(f);
      await assert.rejects(
        assignDevice.plan({ serial: f.rmmSerial!, email }, ctx()),
        failsWith("OBJECT_NOT_FOUND", new RegExp(`no RMM user entry for ${email}`)),
      );
    });

    test("remove-end-user removes once, verifies, then reads as already done; the residual check sees it; without end users it skips", async () => {
      if (!rmm.endUsers) {
        assert.deepEqual(await removeEndUser.plan({ email: f.existingUser }, ctx()), {
          kind: "skip",
          reason: noEndUsersReason,
        });
        assert.deepEqual(await removeEndUser.residualAccess!.check({ email: f.existingUser }, ctx()), []);
        return;
      }
      const { email } = await newOwner();
      const p = { email };
      const residual = removeEndUser.residualAccess!;
      assert.deepEqual(await residual.check(p, ctx()), [{ found: `end user ${email} is still in the RMM` }]);
      assert.equal((await removeEndUser.plan(p, ctx())).kind, "will-change");
      assert.equal((await removeEndUser.verify(p, ctx())).kind, "not-verified", "the verify can fail");
      assert.equal((await removeEndUser.apply(p, ctx())).kind, "done");
      assert.equal((await removeEndUser.verify(p, ctx())).kind, "verified");
      assert.equal((await removeEndUser.apply(p, ctx())).kind, "done", "applying twice is harmless");
      assert.equal((await removeEndUser.plan(p, ctx())).kind, "already-done");
      assert.deepEqual(await residual.check(p, ctx()), []);
    });

    test("release-devices leaves a device someone else owns, even if the leaver signed in on it last", async () => {
      const { name, deviceId } = f.rmmAccount!;
      const other = await newOwner();
      await rmm.setDeviceOwner(deviceId, other);
      const p = { email: fresh(f, "leaver"), accounts: [name] };
      const planned = await releaseDevices.plan(p, ctx());
      assert.equal(planned.kind, "already-done");
      assert.match(planned.kind === "already-done" ? planned.detail! : "", /to collect: /);
      await releaseDevices.apply(p, ctx());
      const device = (await rmm.devicesOf({ ...other, accounts: [] })).find((d) => d.id === deviceId);
      assert.equal(device?.owner?.toLowerCase(), (other.ownerRef ?? other.email).toLowerCase());
    });

    test("release-devices clears the leaver's devices, lists them for collection, and reads as done after", async () => {
      const owner = await newOwner();
      const device = (await rmm.findDeviceBySerial(f.rmmSerial!))!;
      await rmm.setDeviceOwner(device.id, owner);
      const p = { email: owner.email, accounts: [] };
      const planned = await releaseDevices.plan(p, ctx());
      assert.equal(planned.kind, "will-change");
      assert.match(planned.kind === "will-change" ? planned.summary : "", new RegExp(f.rmmSerial!));
      assert.equal((await releaseDevices.verify(p, ctx())).kind, "not-verified", "the verify can fail");
      const done = await releaseDevices.apply(p, ctx());
      assert.ok(done.kind === "done");
      const listed = done.data?.devices as { id: string; name: string; serial?: string; url?: string }[];
      assert.deepEqual(
        listed.map((d) => [d.id, d.name, d.serial]),
        [[device.id, device.name, f.rmmSerial]],
      );
      if (device.url) assert.equal(listed[0]?.url, device.url);
      assert.deepEqual(done.data?.released, [device.id]);
      assert.equal((await rmm.findDeviceBySerial(f.rmmSerial!))?.owner, undefined);
      assert.equal((await releaseDevices.verify(p, ctx())).kind, "verified");
      assert.equal((await releaseDevices.apply(p, ctx())).kind, "done", "applying twice is harmless");
      assert.deepEqual(await releaseDevices.plan(p, ctx()), {
        kind: "already-done",
        detail: `no device in ${rmm.vendor} is ${owner.email}'s`,
      });
    });
  });
}

for (const id of ["itglue", "hudu"]) {
  describe(`documentation actions against ${id}'s emulator`, () => {
    let opened: Opened;
    let docs: Docs;
    let f: Fixtures;
    const ctx = (extra: { firstAttempt?: boolean } = {}) => stepContext({ docs }, "k", extra);
    before(async () => {
      opened = await harnesses[id]!.open();
      docs = opened.ports.docs!;
      f = opened.fixtures;
    });
    after(() => opened.close());

    const person = (email = fresh(f)) => ({
      email,
      firstName: "Sarah",
      lastName: "Johnson",
      title: "Analyst",
      phone: "+1 555 0100",
      notes: "Marketing, reports to Mike Chen",
    });

    test("create-person creates once, verifies, then reads as already done; someone there is already done", async () => {
      const p = person();
      assert.equal((await createPerson.plan(p, ctx({ firstAttempt: true }))).kind, "will-change");
      assert.equal((await createPerson.verify(p, ctx())).kind, "not-verified", "the verify can fail");
      const done = await createPerson.apply(p, ctx());
      assert.equal((await createPerson.verify(p, ctx())).kind, "verified");
      const again = await createPerson.apply(p, ctx());
      assert.ok(done.kind === "done" && again.kind === "done");
      assert.equal(again.data?.personId, done.data?.personId, "a second apply finds the first one's");
      assert.equal((await createPerson.plan(p, ctx())).kind, "already-done");
      assert.equal((await createPerson.plan(person(f.docsPerson!), ctx())).kind, "already-done");
    });

    test("retire-person retires once with its note, verifies, then reads as already done", async () => {
      const p = { email: fresh(f), note: "Offboarded by Lifecycle: left the company" };
      assert.deepEqual(await retirePerson.plan(p, ctx()), {
        kind: "skip",
        reason: "no such person in the documentation",
      });
      await docs.createPerson({ firstName: "Leo", lastName: "Leaver", email: p.email });
      assert.equal((await retirePerson.plan(p, ctx())).kind, "will-change");
      assert.equal((await retirePerson.verify(p, ctx())).kind, "not-verified", "the verify can fail");
      assert.equal((await retirePerson.apply(p, ctx())).kind, "done");
      assert.equal((await retirePerson.verify(p, ctx())).kind, "verified");
      assert.equal((await retirePerson.apply(p, ctx())).kind, "done", "applying twice is harmless");
      assert.equal((await retirePerson.plan(p, ctx())).kind, "already-done");
      assert.equal((await docs.findPerson(p.email))?.retired, true);
      // Onboarding someone retired here is left to a person: the port cannot bring them back.
      const back = await createPerson.plan(person(p.email), ctx());
      assert.equal(back.kind, "skip");
    });

    test("retire-credential archives the entry once, verifies, then reads as already done; nothing to archive skips", async () => {
      const email = fresh(f);
      const name = `Sarah Johnson – Microsoft 365 ${randomUUID().slice(0, 6)}`;
      assert.deepEqual(await retireCredential.plan({ email, name }, ctx()), {
        kind: "skip",
        reason: "no such person in the documentation",
      });
      const created = await docs.createPerson({ firstName: "Sarah", lastName: "Johnson", email });
      assert.deepEqual(await retireCredential.plan({ email, name }, ctx()), {
        kind: "skip",
        reason: `no credential "${name}" of ${email} in the documentation`,
      });
      await docs.storeCredential({
        name,
        username: email,
        notes: "Temporary Access Pass sent to the manager",
        personId: created.id,
      });
      const p = { email, name };
      assert.equal((await retireCredential.plan(p, ctx())).kind, "will-change");
      assert.equal((await retireCredential.verify(p, ctx())).kind, "not-verified", "the verify can fail");
      assert.equal((await retireCredential.apply(p, ctx())).kind, "done");
      assert.equal((await retireCredential.verify(p, ctx())).kind, "verified");
      assert.equal((await retireCredential.apply({ ...p, note: "Left" }, ctx())).kind, "done");
      assert.equal((await retireCredential.plan(p, ctx())).kind, "already-done");
      assert.equal((await docs.findCredential(created.id, name))?.archived, true);
    });

    describe("store-credential", () => {
      const ring = keyring(randomBytes(32));
      const passwords: InitialPasswords = initialPasswords({ keys: () => ring });
      const runId = randomUUID();
      const linkId = `${runId}:tap#1`;
      const mailed = ["hr@acmecorp.com", "sarah@example.org"];

      /** A new person in the documentation, and the step's params for them. */
      async function starter() {
        const email = fresh(f, "starter");
        const person = await docs.createPerson({ firstName: "Sarah", lastName: "Johnson", email });
        const p = {
          email,
          name: `Microsoft 365 – ${email}`,
          username: email,
          passwordFrom: "create-user",
          passFrom: "tap",
          welcomeFrom: "welcome-email",
        };
        return { person, p };
      }
      const passOnly = {
        "create-user": { userId: "u-1" },
        tap: { linkId, linkState: "created" },
        "welcome-email": { sentTo: mailed, linkId, firstSignIn: "one-time link" },
      };
      const stepCtx = (
        outputs: Record<string, Record<string, unknown>>,
        extra: { firstAttempt?: boolean; inDoubt?: boolean } = {},
      ) =>
        stepContext({ docs, initialPasswords: passwords }, "docs-credential", { runId, outputs, ...extra });
      const entryOf = (credentialId: unknown): StoredEntry => opened.vaultEntry!(String(credentialId));

      test("a pass-only onboarding stores the sign-in name and where the pass went, no secret, once", async () => {
        const { p } = await starter();
        const ctx = (extra = {}) => stepCtx(passOnly, extra);
        const planned = await storeCredential.plan(p, ctx({ firstAttempt: true }));
        assert.equal(planned.kind, "will-change");
        assert.match(planned.kind === "will-change" ? planned.summary : "", /how the first sign-in goes/);
        assert.equal((await storeCredential.verify(p, ctx())).kind, "not-verified", "the verify can fail");
        const done = await storeCredential.apply(p, ctx());
        assert.ok(done.kind === "done");
        assert.equal(done.data?.vaultHolds, "sign-in name");
        const entry = entryOf(done.data?.credentialId);
        assert.equal(entry.secret, "", "no secret went to the vault");
        assert.equal(entry.username, p.email);
        assert.match(entry.notes, /password to one nobody knows/);
        assert.match(entry.notes, new RegExp(`one-time link ${linkId}, mailed to ${mailed.join(", ")}`));
        assert.equal((await storeCredential.verify(p, ctx())).kind, "verified");
        const again = await storeCredential.apply(p, ctx());
        assert.ok(again.kind === "done");
        assert.equal(
          again.data?.credentialId,
          done.data?.credentialId,
          "a second apply finds the first one's",
        );
        assert.equal((await storeCredential.plan(p, ctx())).kind, "already-done");
        assert.equal(entryOf(done.data?.credentialId).sameName, 1);
      });

      test("without a pass or a generated password the entry says so", async () => {
        const { p } = await starter();
        const done = await storeCredential.apply(p, stepCtx({}));
        assert.ok(done.kind === "done");
        const { notes, secret } = entryOf(done.data?.credentialId);
        assert.equal(secret, "");
        assert.match(notes, /did not set the account's password/);
        assert.match(notes, /No Temporary Access Pass was issued/);
        // A pass whose link no welcome email carried is the technician's to hand over.
        const other = await starter();
        const unmailed = await storeCredential.apply(other.p, stepCtx({ tap: passOnly.tap }));
        assert.ok(unmailed.kind === "done");
        assert.match(entryOf(unmailed.data?.credentialId).notes, /which no welcome email carried/);
      });

      test("the generated password goes to the vault and nowhere in the step's result; a retry after a crash in apply stores no second entry", async () => {
        const { p } = await starter();
        const made = await passwords.derive({ runId, actionKey: "create-user" });
        const outputs = {
          ...passOnly,
          "create-user": { userId: "u-2", passwordMode: "vault", passwordKeyId: made.keyId },
        };
        const planned = await storeCredential.plan(p, stepCtx(outputs, { firstAttempt: true }));
        assert.ok(planned.kind === "will-change" && "handOff" in planned);
        assert.match(planned.summary, /with the generated password/);
        // The first attempt's write lands, and the worker dies before the outcome is recorded.
        const first = await storeCredential.apply(
          p,
          stepCtx(outputs, { firstAttempt: true }),
          planned.handOff,
        );
        assert.ok(first.kind === "done");
        const entry = entryOf(first.data?.credentialId);
        assert.equal(entry.secret, made.password, "the vault holds the password the account was given");
        assert.doesNotMatch(entry.notes, new RegExp(made.password));
        assert.match(entry.notes, /must be changed at the first sign-in/);
        // The next attempt is in doubt: it plans, finds the entry, and (handed the stale plan) stores none.
        const retry = stepCtx(outputs, { inDoubt: true });
        assert.equal((await storeCredential.plan(p, retry)).kind, "already-done");
        const second = await storeCredential.apply(p, retry, planned.handOff);
        assert.ok(second.kind === "done");
        assert.equal(second.data?.credentialId, first.data?.credentialId);
        assert.equal(entryOf(first.data?.credentialId).sameName, 1, "one entry of that name");
        for (const result of [planned, first, second, await storeCredential.verify(p, retry)])
          assert.ok(!JSON.stringify(result).includes(made.password), "no secret in what the step reports");
      });

      test("an archived entry of the same name is left to a person; the offboarding archives the new one", async () => {
        const { person, p } = await starter();
        const done = await storeCredential.apply(p, stepCtx(passOnly));
        assert.ok(done.kind === "done");
        const retire = { email: p.email, name: p.name };
        assert.equal((await retireCredential.plan(retire, ctx())).kind, "will-change");
        assert.equal((await retireCredential.apply(retire, ctx())).kind, "done");
        assert.equal((await retireCredential.verify(retire, ctx())).kind, "verified");
        assert.equal((await docs.findCredential(person.id, p.name))?.archived, true);
        // Onboarded again under the same address: the archived entry stays as it is, and the step says so.
        const again = await storeCredential.plan(p, stepCtx(passOnly));
        assert.equal(again.kind, "skip");
        assert.equal((await storeCredential.verify(p, stepCtx(passOnly))).kind, "not-verified");
      });

      test("a retired person gets no entry: the step skips, saying so", async () => {
        const { person, p } = await starter();
        await docs.retirePerson(person.id, "Left");
        assert.deepEqual(await storeCredential.plan(p, stepCtx(passOnly)), {
          kind: "skip",
          reason: `${p.email} is in the documentation as a retired person: bring them back by hand`,
        });
      });

      test("no person in the documentation is a skip before anything is stored", async () => {
        const email = fresh(f, "nobody");
        const p = { email, name: `Microsoft 365 – ${email}`, username: email };
        assert.deepEqual(await storeCredential.plan(p, stepCtx(passOnly)), {
          kind: "skip",
          reason: `no person ${email} in the documentation`,
        });
      });
    });
  });
}

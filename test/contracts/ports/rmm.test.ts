import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { LifecycleError } from "../../../src/domain/errors.ts";
import type { Rmm, RmmOwner } from "../../../src/ports/index.ts";
import { providing, type Fixtures, type Opened } from "./harnesses.ts";

/** The refusal an RMM without end users gives, which an action skips with that reason. */
const notSupported = (err: unknown) =>
  err instanceof LifecycleError && err.failure.kind === "invalid" && err.failure.code === "NOT_SUPPORTED";

const stranger = (f: Fixtures) => `nobody-${randomUUID().slice(0, 8)}@${f.domain}`;

/** What every RMM connector must do the same way, against its own emulator. */
for (const harness of providing("rmm")) {
  describe(`rmm port: ${harness.connector.id}`, () => {
    let opened: Opened;
    let rmm: Rmm;
    let f: Fixtures;
    before(async () => {
      opened = await harness.open();
      rmm = opened.ports.rmm!;
      f = opened.fixtures;
    });
    after(async () => opened.close());

    /** The existing user as a device owner: their end user where the RMM keeps them, else their address. */
    async function ownerOf(email: string): Promise<RmmOwner> {
      if (!rmm.endUsers) return { email };
      const user = await rmm.findEndUser(email);
      assert.ok(user, `${email} is an end user of the client's`);
      return { email, ...(user.ownerRef !== undefined ? { ownerRef: user.ownerRef } : {}) };
    }

    test("finds the client's device by its serial, and nothing for an unknown serial", async () => {
      const device = await rmm.findDeviceBySerial(f.rmmSerial!);
      assert.ok(device, `a device with serial ${f.rmmSerial}`);
      assert.ok(device.id && device.name);
      assert.equal(device.serial, f.rmmSerial);
      assert.equal(await rmm.findDeviceBySerial(`NO-SUCH-${randomUUID().slice(0, 8)}`), undefined);
      assert.equal(
        await rmm.findDeviceBySerial(f.rmmElsewhere!.serial),
        undefined,
        "another client's device is not this client's",
      );
    });

    test("an owner set is the person's device until cleared; setting or clearing twice changes nothing", async () => {
      const device = (await rmm.findDeviceBySerial(f.rmmSerial!))!;
      const owner = await ownerOf(f.existingUser);
      const person = { ...owner, accounts: [] };
      const expected = owner.ownerRef ?? owner.email;
      const ids = async () => (await rmm.devicesOf(person)).map((d) => d.id);

      await rmm.setDeviceOwner(device.id, owner);
      assert.equal(
        (await rmm.findDeviceBySerial(f.rmmSerial!))?.owner?.toLowerCase(),
        expected.toLowerCase(),
      );
      assert.ok((await ids()).includes(device.id), "devicesOf finds the device it owns");
      const byAddress = await rmm.devicesOf({ email: owner.email.toUpperCase(), accounts: [] });
      assert.ok(
        byAddress.some((d) => d.id === device.id),
        "the owner's address alone finds it, the end user looked up where the RMM keeps them",
      );
      await rmm.setDeviceOwner(device.id, owner);
      assert.ok((await ids()).includes(device.id), "setting the same owner again is harmless");

      await rmm.clearDeviceOwner(device.id);
      assert.equal((await rmm.findDeviceBySerial(f.rmmSerial!))?.owner, undefined);
      assert.ok(!(await ids()).includes(device.id), "no longer theirs once cleared");
      await rmm.clearDeviceOwner(device.id);
      assert.equal(
        (await rmm.findDeviceBySerial(f.rmmSerial!))?.owner,
        undefined,
        "clearing again is harmless",
      );
    });

    test("devicesOf finds a device by an account signed in on it, without case or domain, and none elsewhere", async () => {
      const { name, deviceId } = f.rmmAccount!;
      const elsewhere = f.rmmElsewhere!.deviceId;
      const bare = name.slice(name.lastIndexOf("\\") + 1);
      // The domain either way round: a NetBIOS prefix ("ACME\\tom") or a sign-in address's ("tom@acme.com").
      for (const account of [name, bare.toUpperCase(), `OTHERDOMAIN\\${bare}`, `${bare}@${f.domain}`]) {
        const ids = (await rmm.devicesOf({ email: stranger(f), accounts: [account] })).map((d) => d.id);
        assert.ok(ids.includes(deviceId), `${account} finds device ${deviceId}: ${JSON.stringify(ids)}`);
        assert.ok(!ids.includes(elsewhere), `${account} finds nothing of another client's: ${elsewhere}`);
      }
      assert.deepEqual(await rmm.devicesOf({ email: stranger(f), accounts: [`nobody-${randomUUID()}`] }), []);
    });

    test("an end user is found before a create, created, found in any case, removed for good", async (t) => {
      if (!rmm.endUsers) return t.skip("this RMM keeps no end users");
      const existing = await rmm.findEndUser(f.existingUser.toUpperCase());
      assert.equal(existing?.email.toLowerCase(), f.existingUser.toLowerCase());

      const email = `contract-${randomUUID().slice(0, 8)}@${f.domain}`;
      assert.equal(await rmm.findEndUser(email), undefined);
      const created = await rmm.createEndUser({ firstName: "Contract", lastName: "Person", email });
      assert.ok(created.id);
      assert.equal(created.email.toLowerCase(), email);
      assert.equal(created.enabled, true);
      assert.equal((await rmm.findEndUser(email.toUpperCase()))?.id, created.id);

      await rmm.removeEndUser(created.id);
      assert.equal(await rmm.findEndUser(email), undefined);
      await rmm.removeEndUser(created.id);
      assert.equal(await rmm.findEndUser(email), undefined, "removing twice is harmless");
    });
    test("without end users: none is found, and creating or removing one is refused as not supported", async (t) => {
      if (rmm.endUsers) return t.skip("this RMM keeps end users");
      assert.equal(await rmm.findEndUser(f.existingUser), undefined);
      await assert.rejects(
        rmm.createEndUser({ firstName: "Contract", lastName: "Person", email: stranger(f) }),
        notSupported,
      );
      await assert.rejects(rmm.removeEndUser("1"), notSupported);
    });
  });
}

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { demoClients } from "../../../emulators/demo/clients.ts";
import {
  acme,
  globexTenant,
  initechTenant,
  type Microsoft365Emulator,
} from "../../../emulators/microsoft365/index.ts";
import { ninjaDemo } from "../../../emulators/ninjaone/seed-demo.ts";
import { parseClient } from "../../../src/composition/index.ts";
import { startEmulator } from "../microsoft365/helpers.ts";

let emu: Microsoft365Emulator;
before(async () => {
  emu = await startEmulator({ seed: "demo" });
});
after(() => emu.close());

test("every demo client is valid and names HR contacts in its own domains", () => {
  for (const input of demoClients) {
    const parsed = parseClient(input);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    const client = parsed.value;
    assert.ok(client.hrContacts.length > 0, `${client.id} has an HR contact`);
    for (const address of client.hrContacts)
      assert.ok(client.domains.includes(address.split("@")[1] ?? ""), `${client.id}: ${address}`);
  }
});

test("each client's HR contacts and sender are mailboxes of its emulated tenant, so its mail lands and leaves there", () => {
  for (const input of demoClients) {
    const client = parseClient(input);
    assert.ok(client.ok);
    const { hrContacts, mail, domains } = client.value;
    assert.ok(mail.sendMailFrom, `${input.id} sends mail from a mailbox`);
    for (const address of [...hrContacts, mail.sendMailFrom])
      assert.ok(emu.admin.mailbox(domains[0]!, address), `${address} has a mailbox in ${input.id}'s tenant`);
  }
});

test("Globex's and Initech's licences and department groups are in their emulated tenants", () => {
  for (const input of demoClients.filter((c) => c.id !== "acme")) {
    const client = parseClient(input);
    assert.ok(client.ok);
    const { licensesByRole, groupsByDepartment, domains } = client.value;
    const tenant = emu.admin.tenant(domains[0]!);
    const skus = emu.admin.skus(domains[0]!).map((s) => s.skuPartNumber);
    for (const sku of Object.values(licensesByRole).flat())
      assert.ok(skus.includes(sku), `${input.id}: ${sku}`);
    const groups = emu.admin.groups(tenant.id);
    for (const group of Object.values(groupsByDepartment).flat())
      assert.ok(
        groups.some((g) => (group.includes("@") ? g.mail === group : g.displayName === group)),
        `${input.id}: ${group}`,
      );
  }
});

test("Sarah Johnson's laptop has one serial in Acme's Autopilot and its NinjaOne, unassigned in both", () => {
  const device = emu.admin
    .autopilotDevices(acme.domain)
    .find((d) => d.serialNumber === ninjaDemo.acme.spareSerial);
  assert.ok(device, `${ninjaDemo.acme.spareSerial} is an Autopilot device of the Acme tenant`);
  assert.ok(!device.userPrincipalName, "nobody is assigned to it yet");
});

test("Tom Williams is in Globex's and Initech's tenants, his laptop in Intune under his RMM's serial", () => {
  for (const t of [globexTenant, initechTenant]) {
    const tom = emu.admin.user(t.domain, t.tom.upn);
    assert.equal(tom?.displayName, "Tom Williams", t.domain);
    assert.equal(tom.manager, t.manager.upn, `${t.tom.upn}'s manager`);
    const devices = emu.admin.managedDevices(t.domain).filter((d) => d.userId === tom.id);
    assert.deepEqual(
      devices.map((d) => d.serialNumber),
      [t.tom.device.serialNumber],
    );
  }
});

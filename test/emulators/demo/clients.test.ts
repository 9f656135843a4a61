import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { demoClients } from "../../../emulators/demo/clients.ts";
import { acme, seedAcme, type Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import { ninjaDemo } from "../../../emulators/ninjaone/seed-demo.ts";
import { parseClient } from "../../../src/composition/index.ts";
import { startEmulator } from "../microsoft365/helpers.ts";

let emu: Microsoft365Emulator;
before(async () => {
  emu = await startEmulator();
  seedAcme(emu.admin);
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

test("Acme's HR contacts are mailboxes of the emulated tenant, so the welcome email lands there", () => {
  const acmeClient = demoClients.find((c) => c.id === "acme");
  assert.ok(acmeClient?.hrContacts?.length);
  for (const address of acmeClient.hrContacts)
    assert.ok(emu.admin.mailbox(acme.domain, address), `${address} has a mailbox in the Acme tenant`);
});

test("Sarah Johnson's laptop has one serial in Acme's Autopilot and its NinjaOne, unassigned in both", () => {
  const device = emu.admin
    .autopilotDevices(acme.domain)
    .find((d) => d.serialNumber === ninjaDemo.acme.spareSerial);
  assert.ok(device, `${ninjaDemo.acme.spareSerial} is an Autopilot device of the Acme tenant`);
  assert.ok(!device.userPrincipalName, "nobody is assigned to it yet");
});

// The demo's PSAs, RMMs and documentation as `npm start` wires them: each client's stack, pointed at its
// emulators, answering the console's Test connection, with the people the README's runs name.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { demoClients } from "../../../emulators/demo/clients.ts";
import { connectDemoSystems } from "../../../emulators/demo/connect.ts";
import { demoPsas, psaConnections, type DemoPsas } from "../../../emulators/demo/psa.ts";
import { demoRmmDocs, rmmDocsConnections, type DemoRmmDocs } from "../../../emulators/demo/rmm-docs.ts";
import { ninjaDemo } from "../../../emulators/ninjaone/index.ts";
import { parseClient, portsFor } from "../../../src/composition/index.ts";
import { testSystemConnection } from "../../../src/composition/test-connection.ts";
import type { ClientConfig } from "../../../src/domain/client.ts";
import { pickUsername } from "../../../src/domain/username.ts";
import { getClient, upsertClient } from "../../../src/store/clients-repo.ts";
import { openStore } from "../../../src/store/open.ts";
import type { Store } from "../../../src/store/sql.ts";
import { testKeys } from "../../support/stores.ts";

const stacks: Record<string, string[]> = {
  acme: ["halopsa", "ninjaone", "itglue"],
  globex: ["connectwise", "datto-rmm", "hudu"],
  initech: ["autotask", "ninjaone", "hudu"],
};
const microsoft = new Set(["msgraph", "exchange-online"]);

let dataDir: string;
let store: Store;
let psas: DemoPsas;
let rmmDocs: DemoRmmDocs;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lifecycle-demo-systems-"));
  [store, psas, rmmDocs] = await Promise.all([
    openStore({}),
    demoPsas("fast", dataDir),
    demoRmmDocs("fast", dataDir),
  ]);
  for (const input of demoClients) {
    const parsed = parseClient(input);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    await upsertClient(store, parsed.value);
  }
  await connectDemoSystems(store, testKeys, { ...psaConnections(psas), ...rmmDocsConnections(rmmDocs) });
});
after(async () => {
  await Promise.all([store.close(), psas.close(), rmmDocs.close()]);
  await rm(dataDir, { recursive: true, force: true });
});

async function client(id: string): Promise<ClientConfig> {
  const found = await getClient(store, id);
  assert.ok(found, id);
  return found;
}

const ports = () => portsFor({ sql: store, keys: testKeys, publicUrl: () => undefined });

test("each demo client's PSA, RMM and documentation are its stack, at its emulators, and pass Test connection", async () => {
  for (const [id, stack] of Object.entries(stacks)) {
    const c = await client(id);
    const systems = Object.entries(c.systems).filter(([, s]) => !microsoft.has(s.connector));
    assert.deepEqual(systems.map(([, s]) => s.connector).sort(), [...stack].sort(), id);
    for (const [name, system] of systems) {
      assert.match(
        JSON.stringify(system),
        /http:\/\/127\.0\.0\.1:\d+/,
        `${id}'s ${name} points at its emulator`,
      );
      const result = await testSystemConnection(store, testKeys, c, name);
      assert.deepEqual(
        result === "untestable" ? result : { ...result, latencyMs: 0 },
        { ok: true, latencyMs: 0 },
        `${id}'s ${name}`,
      );
    }
  }
});

test("Tom Williams is in each client's RMM, owning a device, and in its documentation, under the address its username format gives him", async () => {
  const resolve = ports();
  for (const id of Object.keys(stacks)) {
    const c = await client(id);
    const username = await pickUsername(
      { firstName: "Tom", lastName: "Williams" },
      c.usernameFormat,
      c.transliteration,
      async () => false,
    );
    assert.ok(username.ok);
    const upn = `${username.value}@${c.domains[0]}`;
    const { rmm, docs } = await resolve(c);
    assert.ok(rmm && docs, id);
    const person = await docs.findPerson(upn);
    assert.equal(person?.retired, false, `${upn} in ${id}'s ${docs.vendor}`);
    const endUser = rmm.endUsers ? await rmm.findEndUser(upn) : undefined;
    if (rmm.endUsers) assert.ok(endUser, `${upn} is an end user in ${id}'s ${rmm.vendor}`);
    const owner = endUser?.ownerRef ?? upn;
    const devices = await rmm.devicesOf({
      email: upn,
      ...(endUser?.ownerRef ? { ownerRef: endUser.ownerRef } : {}),
      accounts: [upn],
    });
    assert.ok(
      devices.some((d) => d.owner?.toLowerCase() === owner.toLowerCase() && d.serial),
      `${upn} owns a device with a serial in ${id}'s ${rmm.vendor}: ${JSON.stringify(devices)}`,
    );
  }
});

test("the laptop the README names for Sarah Johnson is in Acme's NinjaOne, with nobody as its owner", async () => {
  const { rmm } = await ports()(await client("acme"));
  const laptop = await rmm?.findDeviceBySerial(ninjaDemo.acme.spareSerial);
  assert.ok(laptop);
  assert.equal(laptop.owner, undefined);
});

// The demo's Microsoft 365 tenants, PSAs, RMMs and documentation as `npm start` wires them: each client's
// stack, pointed at its emulators, answering the console's Test connection, with the people the README's
// runs name.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { demoClients } from "../../../emulators/demo/clients.ts";
import { connectDemoSystems } from "../../../emulators/demo/connect.ts";
import { demoMicrosoft365, microsoft365Connections } from "../../../emulators/demo/microsoft.ts";
import { demoPsas, psaConnections, type DemoPsas } from "../../../emulators/demo/psa.ts";
import { demoRmmDocs, rmmDocsConnections, type DemoRmmDocs } from "../../../emulators/demo/rmm-docs.ts";
import { globexTenant, type Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import { ninjaDemo } from "../../../emulators/ninjaone/index.ts";
import { liveStateFrom } from "../../../src/cli/runtime.ts";
import { parseClient, portsFor, submitRequest } from "../../../src/composition/index.ts";
import { testSystemConnection } from "../../../src/composition/test-connection.ts";
import type { ClientConfig } from "../../../src/domain/client.ts";
import { pickUsername } from "../../../src/domain/username.ts";
import { getClient, upsertClient } from "../../../src/store/clients-repo.ts";
import { openStore } from "../../../src/store/open.ts";
import type { Store } from "../../../src/store/sql.ts";
import { testKeys } from "../../support/stores.ts";

// Every client's directory and mail are its Microsoft 365 tenant.
const microsoft = ["msgraph", "exchange-online"];
const stacks: Record<string, string[]> = {
  acme: [...microsoft, "halopsa", "ninjaone", "itglue"],
  globex: [...microsoft, "connectwise", "datto-rmm", "hudu"],
  initech: [...microsoft, "autotask", "ninjaone", "hudu"],
};

let dataDir: string;
let store: Store;
let m365: Microsoft365Emulator;
let psas: DemoPsas;
let rmmDocs: DemoRmmDocs;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lifecycle-demo-systems-"));
  [store, m365, psas, rmmDocs] = await Promise.all([
    openStore({}),
    demoMicrosoft365("fast", dataDir),
    demoPsas("fast", dataDir),
    demoRmmDocs("fast", dataDir),
  ]);
  for (const input of demoClients) {
    const parsed = parseClient(input);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    await upsertClient(store, parsed.value);
  }
  await connectDemoSystems(store, testKeys, {
    ...microsoft365Connections(m365),
    ...psaConnections(psas),
    ...rmmDocsConnections(rmmDocs),
  });
});
after(async () => {
  await Promise.all([store.close(), m365.close(), psas.close(), rmmDocs.close()]);
  await rm(dataDir, { recursive: true, force: true });
});

async function client(id: string): Promise<ClientConfig> {
  const found = await getClient(store, id);
  assert.ok(found, id);
  return found;
}

const ports = () => portsFor({ sql: store, keys: testKeys, publicUrl: () => undefined });

test("each demo client's Microsoft 365, PSA, RMM and documentation are its stack, at its emulators, and pass Test connection", async () => {
  for (const [id, stack] of Object.entries(stacks)) {
    const c = await client(id);
    const systems = Object.entries(c.systems);
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

/** A dry run through submission, as `lifecycle onboard --dry-run` makes it, planned against live state. */
async function dryRun(kind: "onboard" | "offboard", body: Record<string, unknown>) {
  const dry = await submitRequest(store, kind, body, {
    actor: "demo",
    dryRun: true,
    live: liveStateFrom(ports()),
  });
  assert.ok(dry.ok, JSON.stringify(!dry.ok && dry.errors));
  const errors = dry.value.findings.filter((f) => f.severity === "error");
  assert.deepEqual(errors, [], `${kind} passes pre-flight`);
  return dry.value.findings.map((f) => f.message);
}

test("a Globex new starter's onboarding and Tom Williams's offboarding pass pre-flight against its tenant", async () => {
  const onboarding = await dryRun("onboard", {
    client: "globex",
    firstName: "Jürgen",
    lastName: "Groß",
    department: globexTenant.department,
    role: "staff",
    manager: globexTenant.manager.upn,
    deviceSerial: globexTenant.spareSerial,
    start: "now",
    requester: "hr@globex.de",
  });
  // The seats are read from Globex's tenant: its manager and Tom hold two of its ten.
  assert.ok(onboarding.includes("O365_BUSINESS_PREMIUM: 2 of 10 in use, 8 free"), onboarding.join("\n"));
  const offboarding = await dryRun("offboard", {
    client: "globex",
    user: globexTenant.tom.upn,
    lastDay: "now",
    requester: "hr@globex.de",
  });
  // His manager is the tenant's: the approval goes to her.
  assert.ok(
    offboarding.includes(`waits for approval by ${globexTenant.manager.upn} (manager)`),
    offboarding.join("\n"),
  );
});

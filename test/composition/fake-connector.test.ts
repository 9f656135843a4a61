import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { credentialKindsOf } from "../../src/composition/credential-kinds.ts";
import {
  liveStateOf,
  parseClient,
  portsFor,
  productWorker,
  submitRequest,
  type PortsResolver,
} from "../../src/composition/index.ts";
import { connectors } from "../../src/connectors/registry.ts";
import { keyring, type KeySource } from "../../src/credentials/keys.ts";
import { setCredential } from "../../src/credentials/repo.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { getRun } from "../../src/engine/read.ts";
import type { Worker } from "../../src/engine/worker.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { memoryDirectoryConnector } from "../support/connectors/memory-directory/module.ts";
import { waitForStatus } from "../support/engine-helpers.ts";

// The one registry line a new vendor costs (the product's own list is src/connectors/registry.ts).
const registry = [...connectors, memoryDirectoryConnector];

let store: Store;
let worker: Worker;
let resolve: PortsResolver;
let client: ClientConfig;
const ring = keyring(randomBytes(32));
const keys: KeySource = () => ring;

before(async () => {
  store = await openStore({});
  const stored = await setCredential(store, keys, credentialKindsOf(registry), {
    ref: "globex/memory",
    kind: "memory-token",
    value: { token: "not-a-real-token" },
    actor: "test",
  });
  assert.ok(stored.ok, JSON.stringify(stored));
  const parsed = parseClient(
    {
      id: "globex",
      displayName: "Globex GmbH",
      domains: ["globex.de"],
      timeZone: "Europe/Berlin",
      usageLocation: "DE",
      groupsByDepartment: { Engineering: ["Engineering", "Alle"] },
      systems: {
        hr: {
          connector: "memory-directory",
          tenant: "globex",
          credential: "globex/memory",
          groups: ["Engineering", "Alle"],
        },
      },
      mail: { sendMailFrom: "it@globex.de" },
    },
    registry,
  );
  assert.ok(parsed.ok, JSON.stringify(parsed));
  client = parsed.value;
  await upsertClient(store, client);
  resolve = portsFor({ sql: store, keys, publicUrl: () => "https://lifecycle.test", registry });
  await (
    await resolve(client)
  ).directory?.createUser({
    upn: "ingrid.boss@globex.de",
    displayName: "Ingrid Boss",
    givenName: "Ingrid",
    surname: "Boss",
    mailNickname: "ingrid.boss",
    usageLocation: "DE",
    password: "unused-in-memory",
  });
  worker = productWorker(store, {
    ports: resolve,
    tuning: { idleMs: 20, pollMs: 50, backoffBaseMs: 50, backoffCapMs: 500 },
  });
  await worker.start();
});

after(async () => {
  await worker.stop();
  await store.close();
});

test("a connector added by its folder and one registry line serves the directory and mail of a real run", async () => {
  const unknown = parseClient({ ...client, systems: { hr: { connector: "memory-directory", tenant: "x" } } });
  assert.ok(!unknown.ok, "without the registry line the connector is unknown");
  assert.equal(unknown.errors[0]?.field, "systems.hr.connector");

  const submitted = await submitRequest(
    store,
    "onboard",
    {
      client: "globex",
      firstName: "Jürgen",
      lastName: "Weiß",
      department: "Engineering",
      manager: "ingrid.boss@globex.de",
      requester: "hr@globex.de",
      start: "now",
    },
    { actor: "hr@globex.de", live: async (c) => liveStateOf(await resolve(c)), registry },
  );
  assert.ok(submitted.ok, JSON.stringify(submitted));
  const { runId, plan } = submitted.value;
  assert.ok(runId);
  assert.deepEqual(
    new Set(plan.actions.map((a) => a.api)),
    new Set(["hr"]),
    "every step's bucket is the system",
  );
  await waitForStatus(store, runId, ["completed", "completed-with-warnings", "failed"], 30_000);
  const run = await getRun(store, runId);
  assert.equal(run?.status, "completed", JSON.stringify(run?.actions.map((a) => [a.key, a.outcome])));

  const ports = await resolve(client);
  const user = await ports.directory?.findUser("juergen.weiss@globex.de");
  assert.ok(user, "the user exists in the connector's directory");
  assert.equal((await ports.directory?.getManager(user.id))?.userPrincipalName, "ingrid.boss@globex.de");
  assert.deepEqual((await ports.directory?.groupsOf(user.id))?.map((g) => g.displayName).sort(), [
    "Alle",
    "Engineering",
  ]);
  const welcome = run?.actions.find((a) => a.key === "welcome-email");
  assert.equal(welcome?.state, "succeeded");
  assert.ok(
    await ports.mailSender?.findSent("it@globex.de", `${runId}:welcome-email`),
    "the welcome email went out once",
  );
});

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
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { memoryDirectoryConnector } from "../support/connectors/memory-directory/module.ts";
import { waitForStatus } from "../support/engine-helpers.ts";

// On-prem identity (the in-memory directory stands in for AD) and Entra for licences, TAP and mail.
const registry = [...connectors, memoryDirectoryConnector];
const done = ["completed", "completed-with-warnings", "failed", "cancelled"] as const;

let store: Store;
let worker: Worker;
let resolve: PortsResolver;
let client: ClientConfig;
let m365: Microsoft365Emulator;
const ring = keyring(randomBytes(32));
const keys: KeySource = () => ring;

before(async () => {
  m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
  m365.admin.setReplicationLag(0);
  // What directory sync will have done by the time the licence is assigned: the user is in Entra too.
  m365.admin.createUser(acme.tenantId, {
    userPrincipalName: "sarah.johnson@acmecorp.com",
    displayName: "Sarah Johnson",
    usageLocation: "US",
    onPremisesSyncEnabled: true,
  });
  store = await openStore({});
  const kinds = credentialKindsOf(registry);
  for (const [ref, kind, value] of [
    ["acme/onprem", "memory-token", { token: "site-agent-token" }],
    ["acme/microsoft-app", "microsoft-app", { clientId: acme.clientId, clientSecret: acme.clientSecret }],
  ] as const)
    assert.ok((await setCredential(store, keys, kinds, { ref, kind, value, actor: "test" })).ok);
  const parsed = parseClient(
    {
      id: "acme",
      displayName: "Acme Corp",
      domains: ["acmecorp.com"],
      timeZone: "America/New_York",
      usageLocation: "US",
      licensesByRole: { staff: ["SPB"] },
      groupsByDepartment: { Marketing: ["Marketing"] },
      systems: {
        onprem: {
          connector: "memory-directory",
          tenant: "acme-ad",
          credential: "acme/onprem",
          groups: ["Marketing"],
        },
        entra: {
          connector: "msgraph",
          tenantId: acme.tenantId,
          credential: "acme/microsoft-app",
          endpoints: { authority: m365.url, graph: m365.url },
        },
      },
      serve: { directory: "onprem", mailSender: "entra" },
      mail: { sendMailFrom: "helpdesk@acmecorp.com" },
    },
    registry,
  );
  assert.ok(parsed.ok, JSON.stringify(parsed));
  client = parsed.value;
  await upsertClient(store, client);
  resolve = portsFor({ sql: store, keys, publicUrl: () => "https://lifecycle.test", registry });
  worker = productWorker(store, {
    ports: resolve,
    tuning: { idleMs: 20, pollMs: 50, backoffBaseMs: 50, backoffCapMs: 500 },
  });
  await worker.start();
});

after(async () => {
  await worker.stop();
  await store.close();
  await m365.close();
});

test("a hybrid client without `serve` for a port two systems provide is refused, naming the port", () => {
  const { serve: _serve, ...rest } = client;
  const refused = parseClient({ ...rest, serve: {} }, registry);
  assert.ok(!refused.ok);
  assert.deepEqual(refused.errors.map((e) => e.field).sort(), ["serve.directory", "serve.mailSender"]);
});

test("in one run the identity steps go to the on-prem directory and the licence step to Entra", async () => {
  const submitted = await submitRequest(
    store,
    "onboard",
    {
      client: "acme",
      firstName: "Sarah",
      lastName: "Johnson",
      department: "Marketing",
      role: "staff",
      requester: "hr@acmecorp.com",
      start: "now",
    },
    { actor: "hr@acmecorp.com", live: async (c) => liveStateOf(await resolve(c)), registry },
  );
  assert.ok(submitted.ok, JSON.stringify(submitted));
  const { runId, plan } = submitted.value;
  const byKey = new Map(plan.actions.map((a) => [a.key, a]));
  assert.equal(byKey.get("create-user")?.api, "onprem");
  assert.equal(byKey.get("group:Marketing")?.api, "onprem");
  assert.equal(byKey.get("license:SPB")?.api, "entra");
  assert.deepEqual(
    byKey.get("license:SPB")?.bind,
    { directory: "entra" },
    "the licence step reads the user in Entra",
  );
  assert.ok(runId);
  await waitForStatus(store, runId, [...done], 30_000);
  const run = await getRun(store, runId);
  assert.ok(
    run?.status === "completed" || run?.status === "completed-with-warnings",
    JSON.stringify(run?.actions.map((a) => [a.key, a.state, a.outcome])),
  );
  for (const key of ["create-user", "group:Marketing", "license:SPB"])
    assert.equal(run?.actions.find((a) => a.key === key)?.state, "succeeded", key);

  const onprem = (await resolve(client)).directory;
  const created = await onprem?.findUser("sarah.johnson@acmecorp.com");
  assert.ok(created, "the account was created on-prem");
  assert.deepEqual(
    (await onprem?.groupsOf(created.id))?.map((g) => g.displayName),
    ["Marketing"],
  );
  const inEntra = m365.admin.user(acme.tenantId, "sarah.johnson@acmecorp.com");
  assert.ok(
    inEntra.licenses.some((l) => l.skuPartNumber === "SPB"),
    "the licence is in Entra",
  );
});

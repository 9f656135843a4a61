import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { parseClient, type PortsResolver } from "../../src/composition/index.ts";
import { connectors } from "../../src/connectors/registry.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { getRun } from "../../src/engine/read.ts";
import type { Store } from "../../src/store/sql.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { memoryDirectoryConnector } from "../support/connectors/memory-directory/module.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import { productStack, type ProductStack } from "../support/product-stack.ts";

// On-prem identity (the in-memory directory stands in for AD) and Entra for licences, TAP and mail.
const registry = [...connectors, memoryDirectoryConnector];
const done = ["completed", "completed-with-warnings", "failed", "cancelled"] as const;

let stack: ProductStack;
let store: Store;
let resolve: PortsResolver;
let client: ClientConfig;
let m365: Microsoft365Emulator;

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
  stack = await productStack({
    registry,
    credentials: [
      { ref: "acme/onprem", kind: "memory-token", value: { token: "site-agent-token" } },
      {
        ref: "acme/microsoft-app",
        kind: "microsoft-app",
        value: { clientId: acme.clientId, clientSecret: acme.clientSecret },
      },
    ],
    client: {
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
  });
  ({ store, resolve, client } = stack);
});

after(async () => {
  await stack.close();
  await m365.close();
});

test("a hybrid client without `serve` for a port two systems provide is refused, naming the port", () => {
  const { serve: _serve, ...rest } = client;
  const refused = parseClient({ ...rest, serve: {} }, registry);
  assert.ok(!refused.ok);
  assert.deepEqual(refused.errors.map((e) => e.field).sort(), ["serve.directory", "serve.mailSender"]);
});

test("in one run the identity steps go to the on-prem directory and the licence step to Entra", async () => {
  const submitted = await stack.submit(
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
    "hr@acmecorp.com",
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

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { parseClient, type PortsResolver } from "../../src/composition/index.ts";
import { connectors } from "../../src/connectors/registry.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { getRun } from "../../src/engine/read.ts";
import type { Store } from "../../src/store/sql.ts";
import { memoryDirectoryConnector } from "../support/connectors/memory-directory/module.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import { productStack, type ProductStack } from "../support/product-stack.ts";

// The one registry line a new vendor costs (the product's own list is src/connectors/registry.ts).
const registry = [...connectors, memoryDirectoryConnector];

let stack: ProductStack;
let store: Store;
let resolve: PortsResolver;
let client: ClientConfig;

before(async () => {
  stack = await productStack({
    registry,
    credentials: [{ ref: "globex/memory", kind: "memory-token", value: { token: "not-a-real-token" } }],
    client: {
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
    // The manager a run names must exist before the run is planned.
    seed: async (ports, c) => {
      await (
        await ports(c)
      ).directory?.createUser({
        upn: "ingrid.boss@globex.de",
        displayName: "Ingrid Boss",
        givenName: "Ingrid",
        surname: "Boss",
        mailNickname: "ingrid.boss",
        usageLocation: "DE",
        password: "unused-in-memory",
      });
    },
  });
  ({ store, resolve, client } = stack);
});

after(() => stack.close());

test("a connector added by its folder and one registry line serves the directory and mail of a real run", async () => {
  const unknown = parseClient({ ...client, systems: { hr: { connector: "memory-directory", tenant: "x" } } });
  assert.ok(!unknown.ok, "without the registry line the connector is unknown");
  assert.equal(unknown.errors[0]?.field, "systems.hr.connector");

  const submitted = await stack.submit(
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
    "hr@globex.de",
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

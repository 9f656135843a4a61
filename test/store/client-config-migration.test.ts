import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { checkSystems } from "../../src/composition/systems.ts";
import { getClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";

const migration = readFileSync(
  new URL("../../src/store/migrations/0004_client_systems.sql", import.meta.url),
  "utf8",
);

// Acme as the demo stored it before systems named their connectors: vendor sections and enums.
const before0003 = {
  id: "acme",
  displayName: "Acme Corp",
  domains: ["acmecorp.com"],
  timeZone: "America/New_York",
  usageLocation: "US",
  usernameFormat: { pattern: "{first}.{last}", collision: "numeric-suffix" },
  transliteration: { umlauts: "expand" },
  licensesByRole: { staff: ["SPB"] },
  groupsByDepartment: { Marketing: ["Marketing"] },
  approval: { onboarding: "none", offboarding: "manager", expiresAfterHours: 72 },
  systems: { identity: "entra", mail: "exchange-online", psa: "halopsa" },
  credentials: { microsoft: "acme/microsoft-app", halopsa: "acme/halo" },
  microsoft: {
    tenantId: "7d1e3c5a-2b4f-4e6a-9c8d-1f2e3a4b5c6d",
    endpoints: {
      authority: "http://127.0.0.1:1",
      graph: "http://127.0.0.1:2",
      exchange: "http://127.0.0.1:3",
    },
    mfaRegistrationGroup: "MFA-Registration",
    conditionalAccessGroups: ["CA-Staff-Baseline"],
    temporaryAccessPass: { enabled: true, lifetimeInMinutes: 480, isUsableOnce: true },
    sendMailFrom: "helpdesk@acmecorp.com",
    signatureTemplate: "<p>{{ user.displayName }}</p>",
    whenNoSeat: "wait",
    groupsKeptAtOffboarding: ["Former staff"],
  },
  variables: { companyPhone: "+1 555 0100" },
  offboardingDefaults: {},
  limits: { graph: { concurrency: 8, ratePerSecond: 100 } },
  customFields: [],
};

let store: Store;
before(async () => {
  store = await openStore({});
  for (const [id, config] of [
    ["acme", before0003],
    [
      "initech",
      { ...before0003, id: "initech", systems: { identity: "ad" }, credentials: {}, microsoft: undefined },
    ],
  ] as const)
    await store.query("insert into clients (id, display_name, config) values ($1, $2, $3)", [
      id,
      id,
      JSON.stringify(config),
    ]);
  for (const statement of migration.split("--> statement-breakpoint")) await store.query(statement);
});
after(async () => store.close());

test("a stored Microsoft client becomes its entra and exchange systems, with tenant, credential, endpoints and limits", async () => {
  const acme = await getClient(store, "acme");
  assert.ok(acme);
  assert.deepEqual(acme.systems, {
    entra: {
      connector: "msgraph",
      tenantId: "7d1e3c5a-2b4f-4e6a-9c8d-1f2e3a4b5c6d",
      credential: "acme/microsoft-app",
      endpoints: { authority: "http://127.0.0.1:1", graph: "http://127.0.0.1:2" },
      limits: { concurrency: 8, ratePerSecond: 100 },
    },
    exchange: {
      connector: "exchange-online",
      tenantId: "7d1e3c5a-2b4f-4e6a-9c8d-1f2e3a4b5c6d",
      credential: "acme/microsoft-app",
      endpoints: { authority: "http://127.0.0.1:1", exchange: "http://127.0.0.1:3" },
    },
  });
  assert.ok(checkSystems(acme).ok, "the connectors accept the migrated sections");
  assert.deepEqual(acme.identity, {
    mfaRegistrationGroup: "MFA-Registration",
    conditionalAccessGroups: ["CA-Staff-Baseline"],
    temporaryAccessPass: { enabled: true, lifetimeInMinutes: 480, isUsableOnce: true },
    initialPassword: "unknowable",
    groupsKeptAtOffboarding: ["Former staff"],
  });
  assert.deepEqual(acme.mail, {
    sendMailFrom: "helpdesk@acmecorp.com",
    signatureTemplate: "<p>{{ user.displayName }}</p>",
  });
  assert.deepEqual(acme.licensing, { whenNoSeat: "wait" });
  assert.deepEqual(acme.variables, { companyPhone: "+1 555 0100" });
});

test("a client with nothing to connect keeps its config and gets no systems", async () => {
  const initech = await getClient(store, "initech");
  assert.deepEqual(initech?.systems, {});
  assert.equal(initech?.licensing.whenNoSeat, "fail", "defaults fill in on read");
});

test("running the migration again changes nothing", async () => {
  const [before] = await store.query<{ config: unknown }>("select config from clients where id = 'acme'");
  await store.query(migration);
  const [after] = await store.query<{ config: unknown }>("select config from clients where id = 'acme'");
  assert.deepEqual(after, before);
});

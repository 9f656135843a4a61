import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { parseClient } from "../../src/composition/index.ts";
import { signedInServer } from "../support/signed-in.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { seedClient, testClientConfig } from "../support/engine-helpers.ts";
import { assertMatchesDocument, json, openapi, type ErrorReply } from "./helpers.ts";

let store: Store;
let app: FastifyInstance;

before(async () => {
  store = await openStore({});
  await seedClient(store, "acme");
  const globex = parseClient({
    ...testClientConfig("globex"),
    systems: {
      entra: { connector: "msgraph", tenantId: "globex.onmicrosoft.com", credential: "vault:globex/graph" },
      exchange: {
        connector: "exchange-online",
        tenantId: "globex.onmicrosoft.com",
        credential: "vault:globex/exo",
      },
    },
  });
  assert.ok(globex.ok);
  await upsertClient(store, globex.value);
  // A value that is no reference (a pasted secret), written around the config validation.
  await store.query(
    `update clients set config = jsonb_set(config, '{systems,exchange,clientSecret}', '"abc8Q~s3cr3t+value=="') where id = 'globex'`,
  );
  app = await signedInServer({ store });
});

after(async () => {
  await app.close();
  await store.close();
});

test("clients are listed by id with name, domains, time zone and systems only", async () => {
  const res = await app.inject({ method: "GET", url: "/api/clients" });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(json(res), [
    {
      id: "acme",
      displayName: "Client acme",
      domains: ["acme.example.com"],
      timeZone: "Europe/Berlin",
      systems: {},
    },
    {
      id: "globex",
      displayName: "Client globex",
      domains: ["globex.example.com"],
      timeZone: "Europe/Berlin",
      // A section its connector's schema no longer accepts (the pasted secret) shows only what is safe.
      systems: {
        entra: {
          connector: "msgraph",
          tenantId: "globex.onmicrosoft.com",
          batchWindowMs: 5,
          credential: "vault:globex/graph",
        },
        exchange: { connector: "exchange-online", credential: "vault:globex/exo" },
      },
    },
  ]);
  assert.doesNotMatch(res.body, /s3cr3t/);
  assertMatchesDocument(await openapi(app), "GET", "/api/clients", res);
});

test("a client's configuration is returned whole, with credentials only as reference ids", async () => {
  const res = await app.inject({ method: "GET", url: "/api/clients/globex" });
  assert.equal(res.statusCode, 200);
  const config = json<{
    id: string;
    usageLocation: string;
    systems: Record<string, { credential?: string }>;
  }>(res);
  assert.equal(config.id, "globex");
  assert.equal(config.usageLocation, "DE");
  assert.equal(config.systems.entra?.credential, "vault:globex/graph");
  assert.equal(config.systems.exchange?.credential, "vault:globex/exo");
  assert.doesNotMatch(res.body, /s3cr3t/);
});

test("an unknown client answers 404 LC_ERR_NOT_FOUND", async () => {
  const res = await app.inject({ method: "GET", url: "/api/clients/initech" });
  assert.equal(res.statusCode, 404);
  assert.equal(json<ErrorReply>(res).error.code, "LC_ERR_NOT_FOUND");
  assertMatchesDocument(await openapi(app), "GET", "/api/clients/{id}", res);
});

test("POST /api/clients creates (201), then replaces (200); a config the connector refuses is 400 naming the field", async () => {
  const initech = { ...testClientConfig("initech"), displayName: "Initech" };
  const created = await app.inject({ method: "POST", url: "/api/clients", payload: initech });
  assert.equal(created.statusCode, 201, created.body);
  assertMatchesDocument(await openapi(app), "POST", "/api/clients", created);
  const replaced = await app.inject({
    method: "POST",
    url: "/api/clients",
    payload: { ...initech, displayName: "Initech Inc." },
  });
  assert.equal(replaced.statusCode, 200, replaced.body);
  assert.equal(json<{ displayName: string }>(replaced).displayName, "Initech Inc.");
  // A secret pasted where a reference belongs is no field of the connector's: refused, and not repeated.
  const pasted = {
    ...initech,
    displayName: "Never stored",
    systems: {
      entra: {
        connector: "msgraph",
        tenantId: "initech.onmicrosoft.com",
        credential: "vault:initech/graph",
        clientSecret: "abc8Q~s3cr3t+value==",
      },
    },
  };
  const refused = await app.inject({ method: "POST", url: "/api/clients", payload: pasted });
  assert.equal(refused.statusCode, 400);
  assertMatchesDocument(await openapi(app), "POST", "/api/clients", refused);
  const { error } = json<ErrorReply>(refused);
  assert.equal(error.code, "LC_ERR_VALIDATION");
  assert.ok(
    error.fields?.some((f) => f.field.startsWith("systems.entra")),
    JSON.stringify(error.fields),
  );
  assert.doesNotMatch(refused.body, /s3cr3t/);
  const stored = await app.inject({ method: "GET", url: "/api/clients/initech" });
  assert.equal(json<{ displayName: string }>(stored).displayName, "Initech Inc.");
});

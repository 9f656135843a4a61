import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { autotask } from "../../src/connectors/autotask/module.ts";
import { connectwise } from "../../src/connectors/connectwise/module.ts";
import { exchange } from "../../src/connectors/exchange/module.ts";
import { halopsa } from "../../src/connectors/halopsa/module.ts";
import type { Connector } from "../../src/connectors/module.ts";
import { msgraph } from "../../src/connectors/msgraph/module.ts";
import { connectors } from "../../src/connectors/registry.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import { initech, startAutotaskEmulator, type AutotaskEmulator } from "../../emulators/autotask/index.ts";
import {
  globex,
  startConnectWiseEmulator,
  type ConnectWiseEmulator,
} from "../../emulators/connectwise/index.ts";
import { haloDemo, startHaloPsaEmulator, type HaloPsaEmulator } from "../../emulators/halopsa/index.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { initechSection } from "./autotask/support.ts";
import { sharedRuntime } from "./connectwise/support.ts";
import { globexApiKey } from "../../emulators/connectwise/index.ts";

/** A test's failure, as the console is shown it: our code and the vendor's status. */
async function failureOf(c: Connector, section: unknown, credential: unknown) {
  try {
    const r = await c.testConnection!(section, credential, sharedRuntime());
    return r.ok ? "ok" : r.errors.map((e) => e.field).join(",");
  } catch (err) {
    assert.ok(err instanceof LifecycleError, String(err));
    return `${err.failure.code}:${err.failure.vendor?.status ?? "-"}`;
  }
}

test("every connector the product has can test its connection", () => {
  assert.deepEqual(
    connectors.filter((c) => !c.testConnection).map((c) => c.id),
    [],
  );
});

describe("Microsoft Graph and Exchange Online", () => {
  let m365: Microsoft365Emulator;
  before(async () => {
    m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
  });
  after(() => m365.close());
  const good = { clientId: acme.clientId, clientSecret: acme.clientSecret };
  const section = (resource: "graph" | "exchange") => ({
    tenantId: acme.tenantId,
    endpoints: { authority: m365.url, [resource]: m365.url },
  });

  test("the right secret gets a token and reads", async () => {
    assert.equal(await failureOf(msgraph, section("graph"), good), "ok");
    assert.equal(await failureOf(exchange, section("exchange"), good), "ok");
  });
  test("a wrong secret fails with the token endpoint's refusal", async () => {
    const bad = { ...good, clientSecret: "not-the-secret" };
    assert.match(await failureOf(msgraph, section("graph"), bad), /^AUTH_FAILED:/);
    assert.match(await failureOf(exchange, section("exchange"), bad), /^AUTH_FAILED:/);
  });
  test("a section the connector refuses names the field", async () => {
    assert.equal(await failureOf(msgraph, { tenantId: "not a tenant" }, good), "tenantId");
  });
});

describe("HaloPSA", () => {
  let halo: HaloPsaEmulator;
  before(async () => {
    halo = await startHaloPsaEmulator({ seed: "demo" });
  });
  after(() => halo.close());
  const section = () => ({ url: halo.url, clientId: haloDemo.acme.clientId });
  test("the API application gets a token and reads the statuses", async () => {
    const credential = { clientId: haloDemo.clientId, clientSecret: haloDemo.clientSecret };
    assert.equal(await failureOf(halopsa, section(), credential), "ok");
    assert.ok(halo.admin.calls().some((c) => c.api === "token"));
  });
  test("a wrong secret fails as the token endpoint answered", async () => {
    const credential = { clientId: haloDemo.clientId, clientSecret: "wrong" };
    assert.match(await failureOf(halopsa, section(), credential), /^AUTH_FAILED:4\d\d$/);
  });
});

describe("ConnectWise PSA", () => {
  let cw: ConnectWiseEmulator;
  before(async () => {
    cw = await startConnectWiseEmulator({ seed: "globex" });
  });
  after(() => cw.close());
  const section = () => ({
    site: cw.url,
    companyId: globex.company.id,
    boardId: globex.board.id,
    statuses: { "in-progress": "New", "waiting-on-customer": "Waiting Customer", completed: "Completed" },
  });
  test("the member's keys read one page", async () => {
    assert.equal(await failureOf(connectwise, section(), globexApiKey), "ok");
  });
  test("a wrong private key is refused", async () => {
    const failure = await failureOf(connectwise, section(), {
      ...globexApiKey,
      privateKey: "wrongwrongwrong1",
    });
    assert.match(failure, /^(AUTH_FAILED|FORBIDDEN):4\d\d$/);
  });
});

describe("Autotask PSA", () => {
  let at: AutotaskEmulator;
  before(async () => {
    at = await startAutotaskEmulator({ profile: "fast", seed: "initech" });
  });
  after(() => at.close());
  test("the API user finds its zone and reads the threshold", async () => {
    assert.equal(await failureOf(autotask, initechSection(at), { ...initech.apiUser }), "ok");
  });
  test("a wrong secret is refused", async () => {
    const failure = await failureOf(autotask, initechSection(at), {
      ...initech.apiUser,
      secret: "wrong-secret",
    });
    assert.match(failure, /^(AUTH_FAILED|FORBIDDEN):4\d\d$/);
  });
});

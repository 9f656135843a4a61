import assert from "node:assert/strict";
import { test } from "node:test";
import { credentialKinds } from "../../../src/composition/credential-kinds.ts";
import { halopsa } from "../../../src/connectors/halopsa/module.ts";
import type { ConnectorRuntime } from "../../../src/connectors/module.ts";
import { haloDemo, startHaloPsaEmulator } from "../../../emulators/halopsa/index.ts";

const credential = { clientId: haloDemo.clientId, clientSecret: haloDemo.clientSecret };

function runtime(): ConnectorRuntime {
  const shared = new Map<string, unknown>();
  return {
    shared<T>(key: string, make: () => T): T {
      if (!shared.has(key)) shared.set(key, make());
      return shared.get(key) as T;
    },
  };
}

test("the client's section is checked by the connector's schema, naming each bad field", () => {
  const result = halopsa.open(
    { url: "ftp://halo", clientId: "12", statuses: { done: 8 }, pageSize: 500, ticketUrl: "https://x/t" },
    credential,
    runtime(),
  );
  assert.ok(!result.ok);
  const fields = result.errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ["clientId", "pageSize", "statuses.done", "ticketUrl", "url"]);
  const secretless = halopsa.open(
    { url: "https://msp.halopsa.com", clientId: 12 },
    { clientId: "x" },
    runtime(),
  );
  assert.ok(!secretless.ok);
  assert.deepEqual(
    secretless.errors.map((e) => e.field),
    ["clientSecret"],
  );
});

test("the credential kind is known to the credential store", () => {
  assert.ok(credentialKinds.has("halopsa-app"));
  assert.ok(credentialKinds.get("halopsa-app")?.safeParse(credential).success);
});

test("two clients on one Halo instance and API application share one token", async () => {
  const halo = await startHaloPsaEmulator({ seed: "demo" });
  try {
    const shared = runtime();
    const open = (clientId: number) => {
      const r = halopsa.open({ url: halo.url, clientId }, credential, shared);
      assert.ok(r.ok);
      return r.value.psa!;
    };
    await Promise.all([
      open(haloDemo.acme.clientId).findTicket("48291"),
      open(haloDemo.globex.clientId).findTicket("1"),
    ]);
    assert.equal(halo.admin.calls().filter((c) => c.api === "token").length, 1);
  } finally {
    await halo.close();
  }
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { credentialKinds } from "../../../src/composition/credential-kinds.ts";
import type { ConnectorRuntime } from "../../../src/connectors/module.ts";
import { instanceUrlOf, ninjaOneConfig, tokenUrlOf } from "../../../src/connectors/ninjaone/config.ts";
import { ninjaone } from "../../../src/connectors/ninjaone/module.ts";
import { connectors } from "../../../src/connectors/registry.ts";
import { LifecycleError } from "../../../src/domain/errors.ts";
import {
  ninjaDemo,
  startNinjaOneEmulator,
  type NinjaOneEmulator,
} from "../../../emulators/ninjaone/index.ts";

const credential = { clientId: ninjaDemo.clientId, clientSecret: ninjaDemo.clientSecret };

function runtime(): ConnectorRuntime {
  const shared = new Map<string, unknown>();
  return {
    shared<T>(key: string, make: () => T): T {
      if (!shared.has(key)) shared.set(key, make());
      return shared.get(key) as T;
    },
  };
}

test("the registry lists NinjaOne as an RMM with end users, its budget modest since none is documented", () => {
  const entry = connectors.find((c) => c.id === "ninjaone");
  assert.ok(entry);
  assert.equal(entry.system, "rmm");
  assert.deepEqual(entry.provides, ["rmm"]);
  assert.ok(entry.limits.ratePerSecond <= 10);
});

test("the client's section is checked by the connector's schema, naming each bad field", () => {
  const result = ninjaone.open(
    {
      region: "mars",
      baseUrl: "ftp://ninja",
      organizationId: "101",
      tokenPath: "/token",
      sendInvitation: "yes",
      pageSize: 5000,
      deviceUrl: "https://x/device",
      extra: 1,
    },
    credential,
    runtime(),
  );
  assert.ok(!result.ok);
  assert.deepEqual(result.errors.map((e) => e.field).sort(), [
    "baseUrl",
    "deviceUrl",
    "extra",
    "organizationId",
    "pageSize",
    "region",
    "sendInvitation",
    "tokenPath",
  ]);
  const secretless = ninjaone.open({ organizationId: 101 }, { clientId: "x" }, runtime());
  assert.ok(!secretless.ok);
  assert.deepEqual(
    secretless.errors.map((e) => e.field),
    ["clientSecret"],
  );
});

test("a region names its instance; an explicit baseUrl wins; the token path is a setting", () => {
  const eu = ninjaOneConfig.parse({ region: "eu", organizationId: 1 });
  assert.equal(instanceUrlOf(eu), "https://eu.ninjarmm.com");
  assert.equal(tokenUrlOf(eu), "https://eu.ninjarmm.com/ws/oauth/token");
  const us = ninjaOneConfig.parse({ organizationId: 1, tokenPath: "/oauth/token" });
  assert.equal(tokenUrlOf(us), "https://app.ninjarmm.com/oauth/token");
  const own = ninjaOneConfig.parse({ baseUrl: "http://127.0.0.1:4371/", organizationId: 1, region: "fed" });
  assert.equal(instanceUrlOf(own), "http://127.0.0.1:4371");
  assert.deepEqual(
    { sendInvitation: us.sendInvitation, fullPortalAccess: us.fullPortalAccess },
    { sendInvitation: false, fullPortalAccess: false },
  );
});

test("the credential kind is known to the credential store", () => {
  assert.ok(credentialKinds.has("ninjaone-app"));
  assert.ok(credentialKinds.get("ninjaone-app")?.safeParse(credential).success);
});

describe("against the emulator", () => {
  let ninja: NinjaOneEmulator;
  before(async () => {
    ninja = await startNinjaOneEmulator({ seed: "demo" });
  });
  after(() => ninja.close());
  const section = (organizationId: number = ninjaDemo.acme.organizationId) => ({
    baseUrl: ninja.url,
    organizationId,
  });

  async function tested(sectionValue: unknown, credentialValue: unknown): Promise<string> {
    try {
      const r = await ninjaone.testConnection!(sectionValue, credentialValue, runtime());
      return r.ok ? "ok" : r.errors.map((e) => e.field).join(",");
    } catch (err) {
      assert.ok(err instanceof LifecycleError, String(err));
      return `${err.failure.code}:${err.failure.vendor?.status ?? "-"}`;
    }
  }

  test("testConnection: a token, then the client's organisation", async () => {
    ninja.admin.clearCalls();
    assert.equal(await tested(section(), credential), "ok");
    assert.deepEqual(
      ninja.admin.calls().map((c) => `${c.method} ${c.url} ${c.status}`),
      ["POST /ws/oauth/token 200", `GET /v2/organization/${ninjaDemo.acme.organizationId} 200`],
    );
  });

  test("testConnection fails with a wrong secret, an organisation that is not there, and a bad section", async () => {
    assert.equal(await tested(section(), { ...credential, clientSecret: "wrong" }), "AUTH_FAILED:401");
    assert.equal(await tested(section(999), credential), "OBJECT_NOT_FOUND:404");
    assert.equal(await tested({ baseUrl: ninja.url }, credential), "organizationId");
  });

  test("two clients on one instance and API client app share one token", async () => {
    ninja.admin.clearCalls();
    const shared = runtime();
    const open = (organizationId: number) => {
      const r = ninjaone.open(section(organizationId), credential, shared);
      assert.ok(r.ok);
      return r.value.rmm!;
    };
    await Promise.all([
      open(ninjaDemo.acme.organizationId).findEndUser(ninjaDemo.acme.tom.email),
      open(ninjaDemo.initech.organizationId).findEndUser(ninjaDemo.initech.peter.email),
    ]);
    assert.equal(ninja.admin.calls().filter((c) => c.api === "token").length, 1);
  });
});

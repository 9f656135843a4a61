import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { credentialKinds } from "../../../src/composition/credential-kinds.ts";
import { apiUrlOf, itglueConfig } from "../../../src/connectors/itglue/config.ts";
import { itglue } from "../../../src/connectors/itglue/module.ts";
import type { ConnectorRuntime } from "../../../src/connectors/module.ts";
import { LifecycleError } from "../../../src/domain/errors.ts";
import { itglueDemo, startItglueEmulator, type ItglueEmulator } from "../../../emulators/itglue/index.ts";

const runtime: ConnectorRuntime = { shared: (_key, make) => make() };
const credential = { apiKey: itglueDemo.apiKey };

test("the client's section is checked by the connector's schema, naming each bad field", () => {
  const result = itglue.open(
    {
      region: "de",
      baseUrl: "http://itglue.example.com",
      organizationId: "2401",
      offboard: { contactTypeId: 0, appendNotes: "yes" },
      passwords: { archive: "no", resourceType: "" },
      contactUrl: "https://x/contacts",
      pageSize: 5000,
    },
    credential,
    runtime,
  );
  assert.ok(!result.ok);
  assert.deepEqual(result.errors.map((e) => e.field).sort(), [
    "baseUrl",
    "contactUrl",
    "offboard.appendNotes",
    "offboard.contactTypeId",
    "organizationId",
    "pageSize",
    "passwords.archive",
    "passwords.resourceType",
    "region",
  ]);
  const keyless = itglue.open({ organizationId: 2401 }, { apiKey: " " }, runtime);
  assert.ok(!keyless.ok);
  assert.deepEqual(
    keyless.errors.map((e) => e.field),
    ["apiKey"],
  );
});

test("the region picks IT Glue's data centre; the defaults are the reference's", () => {
  const eu = itglueConfig.parse({ region: "eu", organizationId: 1 });
  assert.equal(apiUrlOf(eu), "https://api.eu.itglue.com");
  assert.equal(
    apiUrlOf(itglueConfig.parse({ region: "au", organizationId: 1 })),
    "https://api.au.itglue.com",
  );
  const us = itglueConfig.parse({ organizationId: 1 });
  assert.equal(apiUrlOf(us), "https://api.itglue.com");
  assert.deepEqual(us.offboard, { appendNotes: true });
  assert.deepEqual(us.passwords, { archive: true, resourceType: "Contact" });
  assert.equal(us.pageSize, 1000);
  assert.equal(
    apiUrlOf(itglueConfig.parse({ baseUrl: "http://127.0.0.1:4372/", organizationId: 1 })),
    "http://127.0.0.1:4372",
  );
});

test("the credential kind is known to the credential store; the registry entry provides docs", () => {
  assert.ok(credentialKinds.get("itglue-api-key")?.safeParse(credential).success);
  assert.equal(itglue.system, "docs");
  assert.deepEqual(itglue.provides, ["docs"]);
  assert.ok(itglue.limits.ratePerSecond * 300 <= 3000, "within the account's 3,000 per 5 minutes");
});

describe("test connection", () => {
  let emu: ItglueEmulator;
  before(async () => {
    emu = await startItglueEmulator({ seed: "demo" });
  });
  after(() => emu.close());

  async function outcome(section: Record<string, unknown>, apiKey: string): Promise<string> {
    try {
      const r = await itglue.testConnection!({ baseUrl: emu.url, ...section }, { apiKey }, runtime);
      return r.ok ? "ok" : r.errors.map((e) => e.field).join(",");
    } catch (error) {
      assert.ok(error instanceof LifecycleError, String(error));
      return `${error.failure.code}:${error.failure.vendor?.status ?? "-"}`;
    }
  }

  test("the key reads the client's organisation", async () => {
    emu.admin.clearCalls();
    assert.equal(await outcome({ organizationId: itglueDemo.acme.organizationId }, itglueDemo.apiKey), "ok");
    assert.deepEqual(
      emu.admin.calls().map((c) => `${c.method} ${c.url} ${c.status}`),
      [`GET /organizations/${itglueDemo.acme.organizationId} 200`],
    );
  });

  test("a wrong key, an organisation the account lacks and a bad section each say what failed", async () => {
    assert.equal(
      await outcome({ organizationId: itglueDemo.acme.organizationId }, "ITG.wrong"),
      "AUTH_FAILED:401",
    );
    assert.equal(await outcome({ organizationId: 999 }, itglueDemo.apiKey), "OBJECT_NOT_FOUND:404");
    assert.equal(await outcome({ organizationId: -1 }, itglueDemo.apiKey), "organizationId");
  });
});

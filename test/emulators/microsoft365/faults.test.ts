import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import {
  createTenant,
  graphError,
  graphFor,
  request,
  startEmulator,
  tokenRequest,
  type Graph,
  type TestTenant,
} from "./helpers.ts";

describe("fault injection", () => {
  let emu: Microsoft365Emulator;
  let tenant: TestTenant;
  let other: TestTenant;
  let graph: Graph;
  before(async () => {
    emu = await startEmulator();
    tenant = createTenant(emu.admin);
    other = createTenant(emu.admin);
    graph = await graphFor(emu.url, tenant);
  });
  after(() => emu.close());

  it("answers the next N matching requests with the injected status, then recovers", async () => {
    emu.admin.injectFault({ kind: "status", status: 503, count: 2, retryAfterSeconds: 1 });
    const first = await graph.get("/users");
    const second = await graph.get("/users");
    const third = await graph.get("/users");
    assert.deepEqual([first.status, second.status, third.status], [503, 503, 200]);
    assert.equal(graphError(first).code, "ServiceUnavailable");
    assert.equal(first.headers.get("retry-after"), "1");
    assert.ok(first.headers.get("request-id"));
    assert.deepEqual(emu.admin.faults(), []);
  });

  it("matches only the path pattern, method and tenant it names", async () => {
    emu.admin.injectFault({
      kind: "status",
      status: 504,
      pathPattern: "/groups",
      method: "GET",
      tenant: other.domain,
    });
    assert.equal((await graph.get("/groups")).status, 200, "another tenant's fault does not fire");
    emu.admin.clearFaults();
    emu.admin.injectFault({ kind: "status", status: 500, pathPattern: "/assignLicense$", count: 1 });
    assert.equal((await graph.get("/users")).status, 200);
    const reply = await graph.send("POST", "/users/nobody@x.example/assignLicense", {
      addLicenses: [],
      removeLicenses: [],
    });
    assert.equal(reply.status, 500);
  });

  it("reaches the token endpoint too", async () => {
    emu.admin.injectFault({ kind: "status", status: 503, pathPattern: "/oauth2/v2.0/token" });
    const reply = await tokenRequest(emu.url, tenant.domain, {
      grant_type: "client_credentials",
      client_id: tenant.clientId,
      client_secret: tenant.clientSecret,
      scope: "https://graph.microsoft.com/.default",
    });
    assert.equal(reply.status, 503);
  });

  it("resets the connection when asked", async () => {
    emu.admin.injectFault({ kind: "reset", pathPattern: "/users" });
    await assert.rejects(graph.get("/users"), (error: Error) => error instanceof TypeError);
    assert.equal((await graph.get("/users")).status, 200);
    const logged = emu.admin.calls({ tenantId: undefined }).filter((c) => c.fault === "reset");
    assert.equal(logged.length, 1);
  });

  it("hangs past the client's timeout when asked", async () => {
    emu.admin.injectFault({ kind: "hang", hangMs: 10_000 });
    const started = Date.now();
    await assert.rejects(
      request(`${emu.url}/v1.0/users`, { signal: AbortSignal.timeout(300) }),
      (error: Error) => error.name === "TimeoutError",
    );
    assert.ok(Date.now() - started >= 290);
    assert.equal((await graph.get("/users")).status, 200);
  });

  it("is switchable over HTTP at /_admin/faults", async () => {
    const created = await request(`${emu.url}/_admin/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "status", status: 502, count: 3 }),
    });
    assert.equal(created.status, 201);
    assert.equal(created.json.remaining, 3);
    const listed = await request(`${emu.url}/_admin/faults`);
    assert.equal((listed.json as unknown as unknown[]).length, 1);
    assert.equal((await request(`${emu.url}/_admin/faults`, { method: "DELETE" })).status, 204);
    assert.equal((await graph.get("/users")).status, 200);
    const bad = await request(`${emu.url}/_admin/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "status", status: 418 }),
    });
    assert.equal(bad.status, 400);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import {
  createTenant,
  exchangeFor,
  graphError,
  graphFor,
  startEmulator,
  type Graph,
  type TestTenant,
} from "./helpers.ts";

describe("throttling", () => {
  let emu: Microsoft365Emulator;
  let tenant: TestTenant;
  let graph: Graph;
  before(async () => {
    emu = await startEmulator();
    tenant = createTenant(emu.admin);
    emu.admin.createUser(tenant.id, {
      userPrincipalName: `sam@${tenant.domain}`,
      displayName: "Sam",
      mailbox: true,
    });
    graph = await graphFor(emu.url, tenant);
  });
  after(() => emu.close());

  it("answers 429 TooManyRequests with a fractional Retry-After and scope headers once the resource units are spent, then refills", async () => {
    emu.admin.setThrottleBudget(tenant.id, { identity: { resourceUnits: 6, windowMs: 7_000 } });
    const costs: string[] = [];
    for (let i = 0; i < 3; i += 1)
      costs.push((await graph.get("/users")).headers.get("x-ms-resource-unit") ?? "");
    assert.deepEqual(costs, ["2", "2", "2"], "GET /users costs 2 units");
    const refused = await graph.get("/users");
    assert.equal(refused.status, 429);
    const error = graphError(refused);
    assert.equal(error.code, "TooManyRequests");
    assert.equal(error.message, "Please retry again later.");
    assert.equal(error.innerError.code, "429");
    assert.equal(error.innerError.message, "Please retry after");
    assert.equal(error.innerError.status, "429");
    const retryAfter = refused.headers.get("retry-after") ?? "";
    assert.match(retryAfter, /^\d+(\.\d{1,3})?$/);
    assert.ok(Number(retryAfter) > 2 && Number(retryAfter) <= 2.334, retryAfter);
    assert.equal(
      refused.headers.get("x-ms-throttle-scope"),
      `Tenant_Application/ReadWrite/${tenant.clientId}/${tenant.id}`,
    );
    assert.equal(refused.headers.get("x-ms-throttle-information"), "ResourceUnitLimitExceeded");
    emu.admin.advanceClock(Number(retryAfter) * 1000);
    assert.equal((await graph.get("/users")).status, 200);
  });

  it("charges $select and small $top one unit less, never below one", async () => {
    emu.admin.setThrottleBudget(tenant.id, { identity: { resourceUnits: 1000 } });
    assert.equal((await graph.get("/users?$select=id&$top=5")).headers.get("x-ms-resource-unit"), "1");
    assert.equal((await graph.get("/users?$select=id")).headers.get("x-ms-resource-unit"), "1");
    assert.equal(
      (await graph.get(`/users/sam@${tenant.domain}/memberOf`)).headers.get("x-ms-resource-unit"),
      "2",
    );
  });

  it("limits writes separately with WriteLimitExceeded", async () => {
    emu.admin.setThrottleBudget(tenant.id, {
      identity: { resourceUnits: 1000, writes: 2, writeWindowMs: 60_000 },
    });
    for (let i = 0; i < 2; i += 1)
      assert.equal(
        (await graph.send("PATCH", `/users/sam@${tenant.domain}`, { jobTitle: `t${i}` })).status,
        204,
      );
    const refused = await graph.send("PATCH", `/users/sam@${tenant.domain}`, { jobTitle: "t3" });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("x-ms-throttle-information"), "WriteLimitExceeded");
    assert.equal((await graph.get(`/users/sam@${tenant.domain}`)).status, 200, "reads still pass");
    emu.admin.setThrottleBudget(tenant.id, {
      identity: { resourceUnits: "auto", writes: 3000, writeWindowMs: 150_000 },
    });
  });

  it("refuses everything during a throttling storm and recovers when it ends", async () => {
    emu.admin.startThrottleStorm(tenant.id, { durationMs: 60_000, retryAfterSeconds: 2.5 });
    const refused = await graph.get("/users");
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("retry-after"), "2.5");
    const exo = await exchangeFor(emu.url, tenant);
    assert.equal((await exo("Get-Mailbox", { Identity: `sam@${tenant.domain}` })).status, 429);
    emu.admin.stopThrottleStorm(tenant.id);
    assert.equal((await graph.get("/users")).status, 200);
  });

  it("empties the budget on demand, after which requests wait for the normal refill", async () => {
    emu.admin.setThrottleBudget(tenant.id, { identity: { resourceUnits: 100, windowMs: 10_000 } });
    emu.admin.exhaustThrottleBudget(tenant.id);
    const refused = await graph.get("/users");
    assert.equal(refused.status, 429);
    const wait = Number(refused.headers.get("retry-after"));
    assert.ok(wait > 0.1 && wait <= 0.2, String(wait));
    emu.admin.advanceClock(200);
    assert.equal((await graph.get("/users")).status, 200);
  });

  it("throttles the Exchange admin API with Retry-After, and its concurrency limit with the plain-text message", async () => {
    emu.admin.setThrottleBudget(tenant.id, { exchange: { requests: 2, windowMs: 4_000 } });
    const exo = await exchangeFor(emu.url, tenant);
    const ok = await exo("Get-Mailbox", { Identity: `sam@${tenant.domain}` });
    assert.equal(ok.headers.get("rate-limit-limit"), "2");
    assert.equal(ok.headers.get("rate-limit-remaining"), "1");
    await exo("Get-Mailbox", { Identity: `sam@${tenant.domain}` });
    const refused = await exo("Get-Mailbox", { Identity: `sam@${tenant.domain}` });
    assert.equal(refused.status, 429);
    const wait = Number(refused.headers.get("retry-after"));
    assert.ok(wait > 1.5 && wait <= 2, String(wait));
    emu.admin.setThrottleBudget(tenant.id, { exchange: { requests: 30_000, windowMs: 3_600_000 } });

    emu.admin.configure({ exoMaxConcurrency: 1, latency: { exoRead: { meanMs: 80, jitter: 0 } } });
    const replies = await Promise.all(
      [1, 2, 3].map(() => exo("Get-Mailbox", { Identity: `sam@${tenant.domain}` })),
    );
    const plain = replies.filter((r) => r.status === 429);
    assert.equal(plain.length, 2);
    assert.equal(
      plain[0]?.text,
      "You have reached the maximum number of concurrent requests per tenant. Please wait and try again",
    );
    emu.admin.configure({ exoMaxConcurrency: 0, latency: { exoRead: { meanMs: 1, jitter: 1 } } });
  });
});

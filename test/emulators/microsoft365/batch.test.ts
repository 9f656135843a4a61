import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import {
  createTenant,
  graphError,
  graphFor,
  newUserBody,
  startEmulator,
  type Graph,
  type TestTenant,
} from "./helpers.ts";

interface ItemReply {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: Record<string, unknown>;
}

describe("JSON $batch", () => {
  let emu: Microsoft365Emulator;
  let tenant: TestTenant;
  let graph: Graph;
  before(async () => {
    emu = await startEmulator();
    tenant = createTenant(emu.admin);
    graph = await graphFor(emu.url, tenant);
  });
  after(() => emu.close());

  const batch = async (requests: unknown[]) => {
    const reply = await graph.send("POST", "/$batch", { requests });
    return { reply, items: (reply.json.responses ?? []) as ItemReply[] };
  };
  const byId = (items: ItemReply[], id: string) => items.find((i) => i.id === id);

  it("answers each item with its own status, headers and body, in any order", async () => {
    const requests = [
      {
        id: "1",
        method: "POST",
        url: "/users",
        headers: { "Content-Type": "application/json" },
        body: newUserBody(tenant.domain),
      },
      { id: "2", method: "GET", url: "/users?$top=1" },
      { id: "3", method: "GET", url: "/users/nobody@nowhere.example" },
      {
        id: "4",
        method: "GET",
        url: "users/$count",
        headers: { ConsistencyLevel: "eventual" },
        dependsOn: ["1"],
      },
    ];
    const { reply, items } = await batch(requests);
    assert.equal(reply.status, 200);
    assert.deepEqual(items.map((i) => i.id).sort(), ["1", "2", "3", "4"]);
    assert.equal(byId(items, "1")?.status, 201);
    assert.equal(typeof byId(items, "1")?.body?.id, "string");
    assert.equal(byId(items, "2")?.status, 200);
    assert.match(byId(items, "2")?.headers["Content-Type"] ?? "", /^application\/json/);
    assert.equal(byId(items, "3")?.status, 404);
    assert.equal((byId(items, "3")?.body?.error as { code: string }).code, "Request_ResourceNotFound");
    assert.equal(byId(items, "4")?.body, "1" as unknown);
  });

  it("returns answers in a shuffled order over repeated batches", async () => {
    const requests = Array.from({ length: 10 }, (_, i) => ({
      id: String(i + 1),
      method: "GET",
      url: "/users?$top=1",
    }));
    const orders = new Set<string>();
    for (let i = 0; i < 5; i += 1) orders.add((await batch(requests)).items.map((r) => r.id).join(","));
    assert.ok(orders.size > 1, "five batches of ten came back in the same order");
  });

  it("rejects a batch of 21 requests and one with duplicate ids, ignoring case", async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: "GET", url: "/users" }));
    const tooMany = await batch(many);
    assert.equal(tooMany.reply.status, 400);
    assert.equal(graphError(tooMany.reply).code, "BadRequest");
    const twenty = await batch(many.slice(0, 20));
    assert.equal(twenty.reply.status, 200);
    const dup = await batch([
      { id: "a", method: "GET", url: "/users" },
      { id: "A", method: "GET", url: "/users" },
    ]);
    assert.equal(dup.reply.status, 400);
  });

  it("fails dependents of a failed request with 424 and runs dependents of a successful one after it", async () => {
    const { items } = await batch([
      { id: "1", method: "GET", url: "/users/missing@nowhere.example" },
      {
        id: "2",
        method: "PATCH",
        url: "/users/missing@nowhere.example",
        dependsOn: ["1"],
        headers: { "Content-Type": "application/json" },
        body: { jobTitle: "x" },
      },
      {
        id: "3",
        method: "POST",
        url: "/users",
        headers: { "Content-Type": "application/json" },
        body: newUserBody(tenant.domain, "chain"),
      },
      { id: "4", method: "GET", url: `/users/chain@${tenant.domain}`, dependsOn: ["3"] },
    ]);
    assert.equal(byId(items, "1")?.status, 404);
    assert.equal(byId(items, "2")?.status, 424);
    assert.equal(byId(items, "3")?.status, 201);
    assert.equal(byId(items, "4")?.status, 200);
  });

  it("refuses an item with a body but no Content-Type and an absolute URL, item by item", async () => {
    const { reply, items } = await batch([
      { id: "1", method: "POST", url: "/users", body: newUserBody(tenant.domain) },
      { id: "2", method: "GET", url: "https://graph.microsoft.com/v1.0/users" },
      { id: "3", method: "GET", url: "/users?$top=1" },
    ]);
    assert.equal(reply.status, 200);
    assert.equal(byId(items, "1")?.status, 400);
    assert.equal(
      (byId(items, "1")?.body?.error as { message: string }).message,
      "Write request id : 1 does not contain Content-Type header or body.",
    );
    assert.equal(byId(items, "2")?.status, 400);
    assert.equal(byId(items, "3")?.status, 200);
  });

  it("throttles items one by one: the over-budget ones answer 429 with their own Retry-After", async () => {
    emu.admin.setThrottleBudget(tenant.id, { identity: { resourceUnits: 5, windowMs: 10_000 } });
    const requests = Array.from({ length: 8 }, (_, i) => ({
      id: String(i + 1),
      method: "GET",
      url: `/users/${i}@${tenant.domain}`,
    }));
    const { reply, items } = await batch(requests);
    assert.equal(reply.status, 200);
    const throttled = items.filter((i) => i.status === 429);
    assert.equal(throttled.length, 3);
    for (const item of throttled) {
      assert.match(item.headers["Retry-After"] ?? "", /^\d+(\.\d+)?$/);
      assert.equal((item.body?.error as { code: string }).code, "TooManyRequests");
    }
    emu.admin.setThrottleBudget(tenant.id, { identity: { resourceUnits: "auto", windowMs: 10_000 } });
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import { createTenant, graphError, graphFor, startEmulator, type Graph, type TestTenant } from "./helpers.ts";

const eventual = { ConsistencyLevel: "eventual" };

describe("paging, $count and ConsistencyLevel", () => {
  let emu: Microsoft365Emulator;
  let tenant: TestTenant;
  let graph: Graph;
  before(async () => {
    emu = await startEmulator();
    tenant = createTenant(emu.admin);
    for (let i = 0; i < 250; i += 1) {
      const n = String(i).padStart(3, "0");
      emu.admin.createUser(tenant.id, {
        userPrincipalName: `user${n}@${tenant.domain}`,
        displayName: `${i % 2 ? "Odd" : "Even"} User ${n}`,
      });
    }
    graph = await graphFor(emu.url, tenant);
  });
  after(() => emu.close());

  it("pages 100 by default with an absolute @odata.nextLink and an opaque $skiptoken, followed verbatim to the end", async () => {
    let reply = await graph.get("/users?$select=id,userPrincipalName");
    assert.equal((reply.json.value as unknown[]).length, 100);
    const next = String(reply.json["@odata.nextLink"]);
    assert.ok(next.startsWith(`${emu.url}/v1.0/users?`), next);
    assert.match(next, /\$select=id,userPrincipalName&\$skiptoken=[\w-]+$/);
    const seen = new Set<string>();
    for (;;) {
      for (const u of reply.json.value as { id: string }[]) seen.add(u.id);
      const link = reply.json["@odata.nextLink"];
      if (typeof link !== "string") break;
      reply = await graph.get(link);
      assert.equal(reply.status, 200);
    }
    assert.equal(seen.size, 250);
  });

  it("honours $top between 1 and 999 and refuses 1000 with the documented text", async () => {
    const five = await graph.get("/users?$top=5");
    assert.equal((five.json.value as unknown[]).length, 5);
    assert.ok(five.json["@odata.nextLink"]);
    const tooMany = await graph.get("/users?$top=1000");
    assert.equal(tooMany.status, 400);
    assert.equal(
      graphError(tooMany).message,
      "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    );
  });

  it("answers /users/$count only with ConsistencyLevel: eventual, as text/plain", async () => {
    const without = await graph.get("/users/$count");
    assert.equal(without.status, 400);
    assert.deepEqual(
      { code: graphError(without).code, message: graphError(without).message },
      {
        code: "Request_BadRequest",
        message: "$count is not currently supported.",
      },
    );
    const withHeader = await graph.get("/users/$count", eventual);
    assert.equal(withHeader.status, 200);
    assert.match(withHeader.headers.get("content-type") ?? "", /^text\/plain/);
    assert.equal(withHeader.text, "250");
  });

  it("ignores $count=true without the header and puts @odata.count on the first page only with it", async () => {
    const ignored = await graph.get("/users?$count=true&$top=10");
    assert.equal(ignored.status, 200);
    assert.equal(ignored.json["@odata.count"], undefined);
    const counted = await graph.get("/users?$count=true&$top=100", eventual);
    assert.equal(counted.json["@odata.count"], 250);
    const second = await graph.get(String(counted.json["@odata.nextLink"]), eventual);
    assert.equal(second.json["@odata.count"], undefined);
  });

  it("needs ConsistencyLevel and $count for endsWith, ne and $search, and serves them with both", async () => {
    const endsWith = await graph.get(`/users?$filter=endswith(userPrincipalName,'7@${tenant.domain}')`);
    assert.equal(endsWith.status, 400);
    assert.deepEqual(
      { code: graphError(endsWith).code, message: graphError(endsWith).message },
      {
        code: "Request_UnsupportedQuery",
        message: "Unsupported Query.",
      },
    );
    const advanced = await graph.get(
      `/users?$filter=endswith(userPrincipalName,'7@${tenant.domain}')&$count=true`,
      eventual,
    );
    assert.equal(advanced.status, 200);
    assert.equal(advanced.json["@odata.count"], 25);
    const ne = await graph.get("/users?$filter=accountEnabled ne true");
    assert.equal(ne.status, 400);
    const search = await graph.get('/users?$search="displayName:odd"');
    assert.equal(search.status, 400);
    assert.equal(
      graphError(search).message,
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
    const searched = await graph.get('/users?$search="displayName:odd"&$count=true', eventual);
    assert.equal(searched.json["@odata.count"], 125);
  });

  it("filters with eq and startswith, answers an unknown property and a non-filterable one with their errors", async () => {
    const eq = await graph.get(`/users?$filter=userPrincipalName eq 'USER042@${tenant.domain}'`);
    assert.equal((eq.json.value as { displayName: string }[])[0]?.displayName, "Even User 042");
    const starts = await graph.get(
      "/users?$filter=startswith(displayName,'Odd User 00')&$select=displayName",
    );
    assert.deepEqual(
      (starts.json.value as { displayName: string }[]).map((u) => u.displayName),
      ["Odd User 001", "Odd User 003", "Odd User 005", "Odd User 007", "Odd User 009"],
    );
    const missing = await graph.get("/users?$filter=userPrincipalName eq 'nobody@x.example'");
    assert.deepEqual(missing.json.value, []);
    const unknown = await graph.get("/users?$filter=favouriteColour eq 'blue'");
    assert.equal(
      graphError(unknown).message,
      "Could not find a property named 'favouriteColour' on type 'Microsoft.DirectoryServices.User'.",
    );
    const notIndexed = await graph.get("/users?$filter=passwordPolicies eq 'x'");
    assert.equal(graphError(notIndexed).message, "The request uses a filter property that is not indexed");
  });
});

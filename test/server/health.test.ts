import assert from "node:assert/strict";
import { test } from "node:test";
import { json, stubServer, stubStore, type ErrorReply } from "./helpers.ts";

test("healthz answers 200 ok and names the store kind after the database answers select 1", async () => {
  const seen: string[] = [];
  const app = await stubServer({
    store: stubStore(async (text) => {
      seen.push(text);
      return [{ "?column?": 1 }];
    }, "postgres"),
  });
  const res = await app.inject({ method: "GET", url: "/healthz" });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(json(res), { status: "ok", store: "postgres" });
  assert.deepEqual(seen, ["select 1"]);
  await app.close();
});

test("healthz answers 503 LC_ERR_UNAVAILABLE in JSON when the database fails, without the driver's message", async () => {
  const app = await stubServer({
    store: stubStore(async () => {
      throw new Error("connect ECONNREFUSED 10.0.0.5:5432 password=hunter2");
    }),
  });
  const res = await app.inject({ method: "GET", url: "/healthz" });
  assert.equal(res.statusCode, 503);
  assert.match(String(res.headers["content-type"]), /application\/json/);
  assert.equal(json<ErrorReply>(res).error.code, "LC_ERR_UNAVAILABLE");
  assert.doesNotMatch(res.body, /ECONNREFUSED|hunter2/);
  await app.close();
});

test("healthz needs no token even when the API requires one", async () => {
  const app = await stubServer({ store: stubStore(async () => [{}]) });
  const res = await app.inject({ method: "GET", url: "/healthz" });
  assert.equal(res.statusCode, 200);
  await app.close();
});

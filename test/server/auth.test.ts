import assert from "node:assert/strict";
import { test } from "node:test";
import { buildServer } from "../../src/server/app.ts";
import { tokenMatches } from "../../src/server/auth.ts";
import { json, stubStore, type ErrorReply } from "./helpers.ts";

const store = stubStore(async () => []);
const token = "lc_9f2b7c1e4d";

test("with a token set, an /api request without Authorization is refused with 401 LC_ERR_UNAUTHENTICATED", async () => {
  const app = await buildServer({ store, apiToken: token });
  for (const url of ["/api/clients", "/api/runs", "/api/openapi.json"]) {
    const res = await app.inject({ method: "GET", url });
    assert.equal(res.statusCode, 401, url);
    assert.equal(json<ErrorReply>(res).error.code, "LC_ERR_UNAUTHENTICATED");
    assert.match(String(res.headers["www-authenticate"]), /^Bearer/);
  }
  await app.close();
});

test("with a token set, a wrong token or another scheme is refused with 401", async () => {
  const app = await buildServer({ store, apiToken: token });
  for (const authorization of [
    `Bearer ${token}x`,
    `Bearer ${token.slice(0, -1)}`,
    `Basic ${token}`,
    "Bearer",
    `Bearer ${token} extra`,
  ]) {
    const res = await app.inject({ method: "GET", url: "/api/clients", headers: { authorization } });
    assert.equal(res.statusCode, 401, authorization);
  }
  await app.close();
});

test("with a token set, the right bearer token is let through with 200", async () => {
  const app = await buildServer({ store, apiToken: token });
  const res = await app.inject({
    method: "GET",
    url: "/api/clients",
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(json(res), []);
  await app.close();
});

test("a POST with a bad token is refused before its body is validated", async () => {
  const app = await buildServer({ store, apiToken: token });
  const res = await app.inject({ method: "POST", url: "/api/requests/onboard", payload: { nonsense: true } });
  assert.equal(res.statusCode, 401);
  await app.close();
});

test("without a token configured, /api routes are open", async () => {
  const app = await buildServer({ store });
  const res = await app.inject({ method: "GET", url: "/api/clients" });
  assert.equal(res.statusCode, 200);
  await app.close();
});

test("an empty token is refused when the server is built, rather than silently locking or opening the API", async () => {
  await assert.rejects(buildServer({ store, apiToken: " " }), /apiToken is empty/);
});

test("tokens match only when identical, whatever their lengths", () => {
  assert.equal(tokenMatches(token, token), true);
  assert.equal(tokenMatches(`${token} `, token), false);
  assert.equal(tokenMatches("", token), false);
  assert.equal(tokenMatches(token.toUpperCase(), token), false);
});

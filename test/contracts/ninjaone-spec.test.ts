import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { connectors } from "../../src/connectors/registry.ts";
import type { Rmm } from "../../src/ports/index.ts";
import { ninjaRoutes } from "../../emulators/ninjaone/api.ts";
import { ninjaDemo, startNinjaOneEmulator, type NinjaOneEmulator } from "../../emulators/ninjaone/index.ts";
import { ninjaSpecChecker } from "./ninjaone-spec.ts";

/**
 * Every request the NinjaOne connector sends, captured by the emulator's call log, must be one NinjaOne's
 * own description accepts (path, method, parameter names and types, body schema, with ajv); every route
 * the emulator serves must be in it with those names; every answer must validate against its schemas.
 */
let ninja: NinjaOneEmulator;
const checker = ninjaSpecChecker();
const acme = ninjaDemo.acme;

before(async () => {
  ninja = await startNinjaOneEmulator({ profile: "fast", seed: "demo" });
  ninja.admin.configure({ rateLimit: { requests: 10_000, windowMs: 1000 } });
  const connector = connectors.find((c) => c.id === "ninjaone")!;
  const section = { baseUrl: ninja.url, organizationId: acme.organizationId, pageSize: 1 };
  const credential = { clientId: ninjaDemo.clientId, clientSecret: ninjaDemo.clientSecret };
  const opened = connector.open(section, credential, { shared: (_k, make) => make() });
  assert.ok(opened.ok);
  const rmm: Rmm = opened.value.rmm!;
  await connector.testConnection!(section, credential, { shared: (_k, make) => make() });
  await rmm.findEndUser(acme.tom.email);
  const sarah = await rmm.createEndUser({
    firstName: "Sarah",
    lastName: "Johnson",
    email: "sarah.johnson@acmecorp.com",
    phone: "+1 555 0142",
  });
  // A valid body NinjaOne refuses: the address is Initech's Peter's.
  await rmm
    .createEndUser({ firstName: "Peter", lastName: "Gibbons", email: ninjaDemo.initech.peter.email })
    .catch(() => undefined);
  await rmm.findDeviceBySerial(acme.spareSerial);
  await rmm.setDeviceOwner(String(acme.devices.spare), { email: sarah.email, ownerRef: sarah.ownerRef! });
  await rmm.devicesOf({ email: acme.tom.email, ownerRef: acme.tom.uid, accounts: ["ACME\\tom.williams"] });
  await rmm.clearDeviceOwner(String(acme.devices.tomLaptop));
  await rmm.removeEndUser(String(acme.tom.id));
  await rmm.removeEndUser(String(acme.tom.id));
});
after(() => ninja.close());

const apiCalls = () => ninja.admin.calls().filter((c) => c.api === "api");

test("every request the connector sends validates against NinjaOne's OpenAPI description", () => {
  const calls = apiCalls();
  const routes = new Set(calls.map((c) => `${c.method} ${c.route}`));
  for (const r of [
    "GET /v2/organization/:id",
    "GET /v2/organization/:id/end-users",
    "POST /v2/user/end-users",
    "GET /v2/user/end-user/:id",
    "DELETE /v2/user/end-user/:id",
    "GET /v2/devices-detailed",
    "GET /v2/device/:id",
    "POST /v2/device/:id/owner/:ownerUid",
    "DELETE /v2/device/:id/owner",
  ])
    assert.ok(routes.has(r), `the connector never sent ${r}`);
  const problems = calls.flatMap((c) =>
    checker.checkRequest({
      method: c.method,
      url: c.url,
      ...(c.requestBody !== undefined ? { body: c.requestBody } : {}),
    }),
  );
  assert.deepEqual(problems, []);
});

test("every route the emulator serves is in the spec, with its path and query parameter names", () => {
  const problems: string[] = [];
  for (const r of ninjaRoutes) {
    const path = `/v2${r.path}`;
    const found = checker.operation(r.method, path);
    if (!found || found.template !== path) {
      problems.push(`${r.method} ${path}: not a path of the spec`);
      continue;
    }
    if (!found.op) {
      problems.push(`${r.method} ${path}: the spec has no such method`);
      continue;
    }
    const declared = (found.op.parameters ?? []).map((p) => `${p.in}:${p.name}`);
    for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]))
      if (!declared.includes(`path:${name}`)) problems.push(`${r.method} ${path}: path parameter ${name}`);
    for (const name of r.query ?? [])
      if (!declared.includes(`query:${name}`)) problems.push(`${r.method} ${path}: query parameter ${name}`);
  }
  assert.deepEqual(problems, []);
});

test("every answer the emulator gave validates against the spec's response schema", () => {
  const answered = apiCalls().filter((c) => c.status === 200);
  assert.ok(answered.length >= 8);
  const problems = answered.flatMap((c) =>
    checker.checkResponse({ method: c.method, url: c.url, status: c.status, response: c.responseBody }),
  );
  assert.deepEqual(problems, []);
});

test("a devices-detailed item is the spec's AgentDevice: system.serialNumber and lastLoggedInUser as it names them", () => {
  const pages = apiCalls().filter((c) => c.route === "/v2/devices-detailed" && c.status === 200);
  const devices = pages.flatMap((c) => c.responseBody as Record<string, unknown>[]);
  assert.ok(devices.length > 0);
  assert.deepEqual(
    devices.flatMap((d) => checker.validate("AgentDevice", d)),
    [],
  );
  assert.ok(devices.every((d) => typeof (d.system as { serialNumber?: unknown }).serialNumber === "string"));
});

test("refusals carry the body the reference describes, {resultCode, errorMessage}", () => {
  const refused = apiCalls().filter((c) => c.status >= 400);
  assert.ok(refused.length >= 2, "a validation error and a 404 were sent");
  for (const c of refused) {
    const body = c.responseBody as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ["errorMessage", "resultCode"], `${c.method} ${c.url}`);
  }
});

test("the token request goes to /ws/oauth/token, outside the spec's paths, its secret never logged", () => {
  const tokens = ninja.admin.calls().filter((c) => c.api === "token");
  assert.ok(tokens.every((t) => `${t.method} ${t.url}` === "POST /ws/oauth/token"));
  assert.ok(tokens.every((t) => t.requestBody === undefined));
  assert.equal(checker.operation("POST", "/ws/oauth/token"), undefined);
});

test("the checks fail for what NinjaOne's description does not allow, so the tests above can fail", () => {
  const bad = (method: string, url: string, body?: unknown) =>
    checker.checkRequest({ method, url, ...(body !== undefined ? { body } : {}) });
  assert.equal(bad("POST", "/v2/user/end-users", { firstName: 3 }).length, 1, "wrong type");
  assert.equal(bad("POST", "/v2/user/end-users", { firstName: "" }).length, 1, "shorter than minLength");
  assert.equal(bad("GET", "/v2/devices-detailed?page=2").length, 1, "NinjaOne's cursor is after");
  assert.equal(bad("GET", "/v2/devices-detailed?after=x").length, 1, "after is an id");
  assert.equal(bad("POST", "/v2/device/1/owner/not-a-uuid").length, 1, "ownerUid is a uuid");
  assert.equal(bad("PUT", "/v2/user/end-user/1").length, 1, "no PUT: end users are patched");
  assert.equal(bad("GET", "/v2/end-users").length, 1, "no such path");
  assert.equal(
    checker.checkResponse({ method: "GET", url: "/v2/user/end-user/1", status: 200, response: { id: "1" } })
      .length,
    1,
  );
  assert.equal(checker.validate("AgentDevice", { id: 1, system: { serialNumber: 42 } }).length, 1);
});

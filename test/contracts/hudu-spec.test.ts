// Every request the Hudu connector sends, and every answer the Hudu emulator gives, checked with ajv
// against Hudu's own description (shared/specs/hudu/api-docs-v2.44.0.json), normalised as hudu-spec.ts
// documents: path and method, query parameter names, request bodies, and answers (the spec's response
// schemas, closed, so a member Hudu does not have fails). The emulator's own route table is checked too.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { hudu } from "../../src/connectors/hudu/module.ts";
import type { ConnectorRuntime } from "../../src/connectors/module.ts";
import {
  huduDemo,
  startHuduEmulator,
  type CallRecordHudu,
  type HuduEmulator,
} from "../../emulators/hudu/index.ts";
import { apiPrefix, huduRoutes } from "../../emulators/hudu/routes.ts";
import { globexDocs, globexSection } from "../connectors/hudu/support.ts";
import { huduSpecChecker, type HuduSpecChecker } from "./hudu-spec.ts";

let checker: HuduSpecChecker;
let emulator: HuduEmulator;
let connectorCalls: CallRecordHudu[];
let emulatorCalls: CallRecordHudu[];

const runtime = (): ConnectorRuntime => ({ shared: (_key, make) => make() });

before(async () => {
  checker = huduSpecChecker();
  emulator = await startHuduEmulator({ profile: "fast", seed: "demo" });
  // Everything the connector does: paging (pages of 1), the happy paths and the refusals.
  const { docs } = globexDocs(emulator, { section: { pageSize: 1 }, maxRetries: 0 });
  const email = `contract-${randomUUID().slice(0, 6)}@globex.de`;
  await docs.findPerson(email);
  const person = await docs.createPerson({
    firstName: "Con",
    lastName: "Tract",
    email,
    title: "QA",
    phone: "1",
    notes: "n",
  });
  await docs.findPerson(huduDemo.tom.email);
  const tom = (await docs.findPerson(huduDemo.tom.email))!;
  await docs.findCredential(tom.id, huduDemo.tom.credentialName);
  const stored = await docs.storeCredential({
    name: "Con – M365",
    username: email,
    secret: "Pw-1",
    notes: "n",
    personId: person.id,
  });
  await docs.storeCredential({ name: "Con – TAP", username: email, notes: "pass-only", personId: person.id });
  await docs.retireCredential(stored.id, "gone");
  await docs.findCredential(person.id, "Con – M365");
  await docs.retirePerson(person.id, "Offboarded");
  await docs.findPerson(email);
  await docs.retirePerson("999999", "absent");
  await docs.retireCredential("999999", "absent");
  await docs.createPerson({ firstName: "", lastName: "", email: "x@globex.de" }).catch(() => undefined);
  await globexDocs(emulator, { apiKey: "wrong" })
    .docs.findPerson(email)
    .catch(() => undefined);
  emulator.admin.exhaust();
  await docs.findPerson(email).catch(() => undefined);
  emulator.admin.configure({ throttle: { windowMs: 60_000 } });
  await hudu.testConnection!(globexSection(emulator), { apiKey: huduDemo.apiKey }, runtime());
  connectorCalls = emulator.admin.calls();
  emulator.admin.clearCalls();
  // What the emulator serves beyond the connector's calls, answered through the same checks.
  const key = { "x-api-key": huduDemo.apiKey };
  const get = (path: string) => fetch(`${emulator.url}${apiPrefix}${path}`, { headers: key });
  const put = (path: string) => fetch(`${emulator.url}${apiPrefix}${path}`, { method: "PUT", headers: key });
  await get("/api_info");
  await get("/companies?name=Globex%20GmbH");
  await get(`/asset_layouts/${huduDemo.peopleLayout.id}`);
  await get(`/companies/${huduDemo.companies.globex.id}/assets?page=1`);
  await get(`/companies/${huduDemo.companies.globex.id}/assets/${tom.id}`);
  await put(`/companies/${huduDemo.companies.globex.id}/assets/${person.id}/unarchive`);
  await get(`/asset_passwords/${stored.id}`);
  await put(`/asset_passwords/${stored.id}/unarchive`);
  await get("/asset_passwords?search=Con");
  emulatorCalls = emulator.admin.calls();
});
after(() => emulator?.close());

test("the connector's traffic covers every operation it uses, paging and refusals included", () => {
  const seen = new Set(
    connectorCalls.map((c) => `${c.method} ${checker.operationOf(c.method, c.url)?.template}`),
  );
  for (const op of [
    "GET /assets",
    "POST /companies/{company_id}/assets",
    "GET /companies/{company_id}/assets/{id}",
    "PUT /companies/{company_id}/assets/{id}",
    "PUT /companies/{company_id}/assets/{id}/archive",
    "GET /asset_passwords",
    "POST /asset_passwords",
    "PUT /asset_passwords/{id}/archive",
    "GET /companies/{id}",
  ])
    assert.ok(seen.has(op), `${op} was not exercised`);
  assert.ok(
    connectorCalls.some((c) => /[?&]page=2(&|$)/.test(c.url)),
    "a second page was asked for",
  );
  for (const status of [200, 201, 401, 404, 422, 429])
    assert.ok(
      connectorCalls.some((c) => c.status === status),
      `no ${status} answer`,
    );
});

test("every request the connector sent is one the Hudu spec describes: path, method, query and body", () => {
  assert.deepEqual(
    connectorCalls.flatMap((c) => checker.requestProblems(c)),
    [],
  );
});

test("every answer the emulator gave validates against the spec's response schemas", () => {
  assert.deepEqual(
    [...connectorCalls, ...emulatorCalls].flatMap((c) => checker.responseProblems(c)),
    [],
  );
  assert.ok(
    emulatorCalls.every((c) => c.status === 200),
    JSON.stringify(emulatorCalls.map((c) => c.status)),
  );
});

test("every route the emulator serves exists in the spec with that method", () => {
  const missing = huduRoutes
    .filter((r) => !checker.spec.paths[r.path]?.[r.method.toLowerCase()])
    .map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(missing, []);
});

test("the checks fail on what Hudu would not take or send", () => {
  const post = connectorCalls.find((c) => c.method === "POST" && c.status === 201 && /assets$/.test(c.url))!;
  assert.deepEqual(checker.requestProblems(post), []);
  const body = post.requestBody as { asset: Record<string, unknown> };
  assert.notDeepEqual(checker.requestProblems({ ...post, requestBody: body.asset }), []);
  assert.notDeepEqual(
    checker.requestProblems({ ...post, requestBody: { asset: { ...body.asset, email: "x" } } }),
    [],
  );
  assert.notDeepEqual(checker.requestProblems({ ...post, url: `${post.url}?company=3` }), []);
  assert.notDeepEqual(checker.requestProblems({ ...post, method: "PATCH" }), []);
  const answer = post.responseBody as { asset: Record<string, unknown> };
  assert.notDeepEqual(
    checker.responseProblems({ ...post, responseBody: { asset: { ...answer.asset, id: "7" } } }),
    [],
  );
  assert.notDeepEqual(
    checker.responseProblems({ ...post, responseBody: { asset: { ...answer.asset, invented: 1 } } }),
    [],
  );
  const password = connectorCalls.find(
    (c) => c.method === "POST" && c.status === 201 && /asset_passwords/.test(c.url),
  )!;
  const entry = (password.responseBody as { asset_password: Record<string, unknown> }).asset_password;
  const { password: _required, ...withoutSecret } = entry;
  assert.notDeepEqual(
    checker.responseProblems({ ...password, responseBody: { asset_password: withoutSecret } }),
    [],
  );
  assert.notDeepEqual(
    checker.responseProblems({ ...password, status: 422, responseBody: { message: "x" } }),
    [],
  );
});

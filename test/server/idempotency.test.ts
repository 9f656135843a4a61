import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { cancelRun } from "../../src/engine/runs.ts";
import { signedInServer } from "../support/signed-in.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import {
  assertMatchesDocument,
  countRows,
  json,
  onboardingBody,
  fieldsOf,
  openapi,
  seedApprovingClient,
  type ErrorReply,
} from "./helpers.ts";

/**
 * A double click, a retried POST, two people entering the same starter: one run. The same
 * Idempotency-Key answers the first run; another onboarding of the same person is refused naming it.
 */
let store: Store;
let app: FastifyInstance;
const now = new Date("2025-03-03T08:00:00Z");

before(async () => {
  store = await openStore({});
  await seedApprovingClient(store);
  app = await signedInServer({ store, now: () => now });
});

after(async () => {
  await app.close();
  await store.close();
});

const submit = (payload: Record<string, unknown>, key?: string) =>
  app.inject({
    method: "POST",
    url: "/api/requests/onboard",
    payload,
    headers: key === undefined ? {} : { "idempotency-key": key },
  });

const person = (first: string, extra: Record<string, unknown> = {}) =>
  onboardingBody({ firstName: first, lastName: "Idem", allowDuplicate: undefined, ...extra });

test("the same Idempotency-Key with the same body answers the first run; nothing new is stored", async () => {
  const key = randomUUID();
  const body = person("Ann");
  const first = await submit(body, key);
  assert.equal(first.statusCode, 201, first.body);
  const rows = await countRows(store);
  const again = await submit(body, key);
  assert.equal(again.statusCode, 201, again.body);
  assert.equal(again.headers["idempotent-replayed"], "true");
  assert.equal(first.headers["idempotent-replayed"], undefined);
  const a = json<{ runId: string; planHash: string }>(first);
  const b = json<{ runId: string; planHash: string }>(again);
  assert.equal(b.runId, a.runId);
  assert.equal(b.planHash, a.planHash);
  assert.deepEqual(await countRows(store), rows);
  assertMatchesDocument(await openapi(app), "POST", "/api/requests/onboard", again);
});

test("the same key with another body answers 409 naming the run, and stores nothing", async () => {
  const key = randomUUID();
  const first = await submit(person("Bea"), key);
  assert.equal(first.statusCode, 201, first.body);
  const rows = await countRows(store);
  const other = await submit(person("Bea", { department: "Sales" }), key);
  assert.equal(other.statusCode, 409, other.body);
  const { error } = json<ErrorReply>(other);
  assert.equal(error.code, "LC_ERR_CONFLICT");
  assert.ok(error.message.includes(json<{ runId: string }>(first).runId));
  assert.deepEqual(await countRows(store), rows);
  assertMatchesDocument(await openapi(app), "POST", "/api/requests/onboard", other);
});

test("one key sent five times at once makes one run, and every answer names it", async () => {
  const key = randomUUID();
  const rows = await countRows(store);
  const answers = await Promise.all(Array.from({ length: 5 }, () => submit(person("Cal"), key)));
  assert.deepEqual(
    answers.map((r) => r.statusCode),
    [201, 201, 201, 201, 201],
    answers.map((r) => r.body).join("\n"),
  );
  assert.equal(new Set(answers.map((r) => json<{ runId: string }>(r).runId)).size, 1);
  assert.equal((await countRows(store)).runs, rows.runs + 1);
});

test("a key that is not 1–255 visible ASCII characters is a field error", async () => {
  for (const key of ["", "x".repeat(256), "clé"]) {
    const res = await app.inject({
      method: "POST",
      url: "/api/requests/onboard",
      payload: person("Dee"),
      headers: { "idempotency-key": key },
    });
    assert.equal(res.statusCode, 400, `${JSON.stringify(key)}: ${res.body}`);
  }
});

test("a body holding 1e999 (JSON's Infinity) with a key is a field error, not a 500, and stores nothing", async () => {
  const rows = await countRows(store);
  for (const payload of ["1e999", `{"client":"acme","firstName":1e999}`]) {
    const res = await app.inject({
      method: "POST",
      url: "/api/requests/onboard",
      payload,
      headers: { "idempotency-key": randomUUID(), "content-type": "application/json" },
    });
    assert.equal(res.statusCode, 400, `${payload}: ${res.body}`);
    assert.ok(fieldsOf(res).includes("body"), res.body);
  }
  assert.deepEqual(await countRows(store), rows);
});

test("another onboarding of the same person is refused naming the run, unless allowed", async () => {
  const first = await submit(person("Eve", { personalEmail: "eve@home.example", employeeId: "E-17" }));
  assert.equal(first.statusCode, 201, first.body);
  const runId = json<{ runId: string }>(first).runId;
  const rows = await countRows(store);
  const cases: [Record<string, unknown>, string][] = [
    [person("EVE"), "lastName"],
    [person("Evelyn", { personalEmail: "EVE@home.example" }), "personalEmail"],
    [person("Evelyn", { employeeId: "E-17" }), "employeeId"],
  ];
  for (const [body, field] of cases) {
    const res = await submit(body);
    assert.equal(res.statusCode, 400, res.body);
    const fields = json<ErrorReply>(res).error.fields ?? [];
    assert.deepEqual(
      fields.map((f) => f.field),
      [field],
    );
    assert.ok(fields[0]?.message.includes(runId), fields[0]?.message);
  }
  assert.deepEqual(await countRows(store), rows, "nothing is stored");
  const allowed = await submit(person("Eve", { allowDuplicate: true }));
  assert.equal(allowed.statusCode, 201, allowed.body);
});

test("a double click without a key makes one run: the second is refused naming the first", async () => {
  const rows = await countRows(store);
  const [a, b] = await Promise.all([submit(person("Fay")), submit(person("Fay"))]);
  assert.deepEqual([a.statusCode, b.statusCode].sort(), [201, 400], `${a.body}\n${b.body}`);
  assert.equal((await countRows(store)).runs, rows.runs + 1);
});

test("a cancelled onboarding does not count: the person may be submitted again", async () => {
  const first = await submit(person("Gus"));
  assert.equal(first.statusCode, 201, first.body);
  await cancelRun(store, json<{ runId: string }>(first).runId, "test", "entered by mistake");
  const again = await submit(person("Gus"));
  assert.equal(again.statusCode, 201, again.body);
});

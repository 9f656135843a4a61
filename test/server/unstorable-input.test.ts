import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { unstorableFields } from "../../src/domain/storable-text.ts";
import { signedInServer } from "../support/signed-in.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { countRows, json, onboardingBody, seedApprovingClient, type ErrorReply } from "./helpers.ts";

let store: Store;
let app: FastifyInstance;

before(async () => {
  store = await openStore({});
  await seedApprovingClient(store);
  app = await signedInServer({ store, now: () => new Date("2025-03-03T08:00:00Z") });
});

after(async () => {
  await app.close();
  await store.close();
});

function fieldErrors(res: LightMyRequestResponse): { field: string; message: string }[] {
  assert.equal(res.statusCode, 400, res.body);
  const { error } = json<ErrorReply>(res);
  assert.equal(error.code, "LC_ERR_VALIDATION");
  return error.fields ?? [];
}

test("U+0000 in a path parameter or a query string is a field error naming the parameter", async () => {
  for (const [url, field] of [
    ["/api/clients/%00", "id"],
    ["/api/clients/acme%00/workflows/onboard", "id"],
    ["/api/runs?client=%00", "client"],
    ["/api/requests/onboard/form?client=ac%00me", "client"],
    ["/credentials/abc%00", "token"],
  ] as const) {
    const fields = fieldErrors(await app.inject({ method: "GET", url }));
    assert.deepEqual(fields, [{ field, message: "must not contain the character U+0000" }], url);
  }
});

test("U+0000 or a lone surrogate anywhere in a body is refused naming its field, and nothing is stored", async () => {
  const before = await countRows(store);
  const cases: [Record<string, unknown>, string][] = [
    [{ notes: "line\u0000" }, "notes"],
    [{ extraGroups: ["Sales", "\ud800"] }, "extraGroups.1"],
    [{ custom: { "cost\u0000centre": "x" } }, 'custom."cost\\u0000centre"'],
    [{ department: "\udc00Sales" }, "department"],
  ];
  for (const [override, field] of cases) {
    const res = await app.inject({
      method: "POST",
      url: "/api/requests/onboard",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify(onboardingBody(override)),
    });
    const fields = fieldErrors(res);
    assert.deepEqual(
      fields.map((f) => f.field),
      [field],
      JSON.stringify(override),
    );
  }
  assert.deepEqual(await countRows(store), before);
});

test("a lone surrogate sent as a JSON escape in a credential body never reaches the store", async () => {
  const res = await app.inject({
    method: "PUT",
    url: "/api/credentials/acme%2Fgraph",
    headers: { "content-type": "application/json" },
    payload: '{"kind":"microsoft-app","value":{"clientId":"\\ud83d","clientSecret":"s"}}',
  });
  assert.deepEqual(fieldErrors(res), [
    { field: "value.clientId", message: "must be valid Unicode text (it holds an unpaired surrogate)" },
  ]);
});

test("paired surrogates (an emoji) are ordinary text and pass", () => {
  assert.deepEqual(unstorableFields({ name: "Zoë 🎉", list: ["\ud83d\ude00"] }, "body"), []);
});

test("a body nested past any the API takes is refused at its depth limit instead of walked", () => {
  let deep: unknown = "leaf";
  for (let i = 0; i < 100; i++) deep = [deep];
  const [error, ...rest] = unstorableFields(deep, "body");
  assert.equal(rest.length, 0);
  assert.match(error?.message ?? "", /must not nest deeper than 64 levels/);
});

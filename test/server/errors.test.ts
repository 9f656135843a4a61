import assert from "node:assert/strict";
import { test } from "node:test";
import { LifecycleError, errorKinds } from "../../src/domain/errors.ts";
import { ApiError, errorCatalogue, toApiError } from "../../src/server/errors.ts";
import { json, stubServer, stubStore, type ErrorReply } from "./helpers.ts";

test("an unexpected failure answers 500 LC_ERR_INTERNAL with a request id and none of the failure's text", async () => {
  const app = await stubServer({
    store: stubStore(async () => {
      throw new TypeError('relation "clients" does not exist; dsn=postgres://admin:hunter2@db');
    }),
  });
  const res = await app.inject({ method: "GET", url: "/api/clients" });
  assert.equal(res.statusCode, 500);
  const { error } = json<ErrorReply>(res);
  assert.equal(error.code, "LC_ERR_INTERNAL");
  assert.match(error.message, /request req-\w+/);
  assert.doesNotMatch(res.body, /hunter2|relation|TypeError|stack/);
  assert.deepEqual(Object.keys(error).sort(), ["code", "message"]);
  await app.close();
});

test("a body that is not JSON answers 400 LC_ERR_MALFORMED_REQUEST", async () => {
  const app = await stubServer({ store: stubStore(async () => []) });
  const res = await app.inject({
    method: "POST",
    url: "/api/runs/0b8e4c44-5d0f-4a57-9d25-8e1f6c1f0c11/cancel",
    headers: { "content-type": "application/json" },
    payload: "{ actor: ",
  });
  assert.equal(res.statusCode, 400);
  assert.equal(json<ErrorReply>(res).error.code, "LC_ERR_MALFORMED_REQUEST");
  await app.close();
});

test("a body in another media type answers 415 LC_ERR_UNSUPPORTED_MEDIA_TYPE", async () => {
  const app = await stubServer({ store: stubStore(async () => []) });
  const res = await app.inject({
    method: "POST",
    url: "/api/requests/onboard",
    headers: { "content-type": "application/xml" },
    payload: "<onboard/>",
  });
  assert.equal(res.statusCode, 415);
  assert.equal(json<ErrorReply>(res).error.code, "LC_ERR_UNSUPPORTED_MEDIA_TYPE");
  await app.close();
});

test("an unknown route answers 404 LC_ERR_NOT_FOUND in the same envelope", async () => {
  const app = await stubServer({ store: stubStore(async () => []) });
  const res = await app.inject({ method: "GET", url: "/api/nothing-here?x=1" });
  assert.equal(res.statusCode, 404);
  assert.deepEqual(json(res), {
    error: { code: "LC_ERR_NOT_FOUND", message: "no route GET /api/nothing-here" },
  });
  await app.close();
});

test("query validation failures come out as LC_ERR_VALIDATION naming each field", async () => {
  const app = await stubServer({ store: stubStore(async () => []) });
  const res = await app.inject({ method: "GET", url: "/api/runs?limit=501&status=done&colour=red" });
  assert.equal(res.statusCode, 400);
  const { error } = json<ErrorReply>(res);
  assert.equal(error.code, "LC_ERR_VALIDATION");
  assert.deepEqual(error.fields?.map((f) => f.field).sort(), ["colour", "limit", "status"]);
  await app.close();
});

test("engine error kinds map to 400, 404, 409 and 403, and the rest to an internal error", () => {
  const expected: Record<string, number | undefined> = {
    invalid: 400,
    "not-found": 404,
    conflict: 409,
    permission: 403,
  };
  for (const kind of errorKinds) {
    const mapped = toApiError(new LifecycleError({ kind, message: "m" }));
    assert.equal(mapped?.status, expected[kind], kind);
  }
});

test("validation errors in Fastify's default (ajv) form still become field errors", () => {
  const err = Object.assign(new Error("body must have required property 'actor'"), {
    statusCode: 400,
    validationContext: "body",
    validation: [
      {
        instancePath: "",
        message: "must have required property 'actor'",
        params: { missingProperty: "actor" },
      },
      { instancePath: "/note", message: "must be string", params: {} },
      {
        instancePath: "",
        message: "must NOT have additional properties",
        params: { additionalProperty: "colour" },
      },
    ],
  });
  const mapped = toApiError(err);
  assert.equal(mapped?.code, "LC_ERR_VALIDATION");
  assert.deepEqual(mapped?.fields, [
    { field: "actor", message: "is required" },
    { field: "note", message: "must be string" },
    { field: "colour", message: "is not a known field" },
  ]);
});

test("an ApiError takes its HTTP status from the catalogue", () => {
  for (const code of Object.keys(errorCatalogue) as (keyof typeof errorCatalogue)[]) {
    assert.equal(new ApiError(code, "x").status, errorCatalogue[code].status);
  }
});

import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../../src/server/app.ts";
import type { TrustProxy } from "../../src/server/hardening/index.ts";
import { linkLimits } from "../../src/server/link-pages.ts";
import { stubStore } from "./helpers.ts";

const store = stubStore(async () => []);
let n = 0;

/** A one-time link page, each time for another token (the per-link limit is not what is tested here). */
const open = (app: FastifyInstance, forwardedFor: string) =>
  app.inject({
    method: "GET",
    url: `/credentials/token-${n++}`,
    headers: { "x-forwarded-for": forwardedFor },
  });

/** Uses up one address's budget for link pages, then asks once from another address behind the proxy. */
async function afterOneAddressIsLimited(trustProxy: TrustProxy | undefined): Promise<number> {
  const app = await buildServer({ store, ...(trustProxy !== undefined ? { trustProxy } : {}) });
  try {
    for (let i = 0; i < linkLimits.perAddress.max; i++)
      assert.equal((await open(app, "203.0.113.1")).statusCode, 404);
    assert.equal((await open(app, "203.0.113.1")).statusCode, 429);
    return (await open(app, "203.0.113.2")).statusCode;
  } finally {
    await app.close();
  }
}

test("behind a trusted proxy the link pages' rate limit keys by the client X-Forwarded-For names", async () => {
  assert.equal(await afterOneAddressIsLimited(1), 404);
  assert.equal(await afterOneAddressIsLimited(["127.0.0.1"]), 404);
});

test("with no proxy trusted (the default) X-Forwarded-For is ignored: a client cannot pick a fresh address", async () => {
  assert.equal(await afterOneAddressIsLimited(undefined), 429);
  // A proxy trusted by address is not any proxy: the inject peer (127.0.0.1) is not 10.0.0.5.
  assert.equal(await afterOneAddressIsLimited(["10.0.0.5"]), 429);
});

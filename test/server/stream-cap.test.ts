import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../../src/server/app.ts";
import { stubAdminToken, stubStore, stubToken, type ErrorReply } from "./helpers.ts";

const runId = "0b8e4c44-5d0f-4a57-9d25-8e1f6c1f0c11";
// Enough of a run for the stream to start; it has no events, so each stream only waits.
const store = stubStore(async (text) => (text.includes("from runs r") ? [{ id: runId }] : []));

let app: FastifyInstance;
let base: string;
const streams: AbortController[] = [];

before(async () => {
  // Behind a proxy on loopback, so each test caller can come from an address of its own.
  app = await buildServer({ store, trustProxy: ["127.0.0.1"], limits: { maxStreamsPerCaller: 2 } });
  base = await app.listen({ host: "127.0.0.1", port: 0 });
});

after(async () => {
  for (const s of streams) s.abort();
  await app.close();
});

async function stream(
  headers: Record<string, string>,
): Promise<{ status: number; res: Response; close: () => void }> {
  const controller = new AbortController();
  streams.push(controller);
  const res = await fetch(`${base}/api/runs/${runId}/stream`, { headers, signal: controller.signal });
  if (res.status !== 200) await res.text();
  return { status: res.status, res, close: () => controller.abort() };
}

const from = (address: string, account = "caller-1") => ({
  "x-forwarded-for": address,
  authorization: `Bearer ${stubToken(account)}`,
});

test(
  "a caller's streams past the cap answer 429 LC_ERR_RATE_LIMITED; closing one frees its place",
  { timeout: 20_000 },
  async () => {
    const first = await stream(from("198.51.100.1"));
    const second = await stream(from("198.51.100.1"));
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);

    const over = await fetch(`${base}/api/runs/${runId}/stream`, { headers: from("198.51.100.1") });
    assert.equal(over.status, 429);
    assert.ok(Number(over.headers.get("retry-after")) > 0);
    assert.equal(((await over.json()) as ErrorReply).error.code, "LC_ERR_RATE_LIMITED");

    // Another account is another caller.
    const elsewhere = await stream(from("198.51.100.1", "caller-2"));
    assert.equal(elsewhere.status, 200);
    elsewhere.close();

    first.close();
    // The server gives the place back when its side of the connection closes, a moment after ours.
    let again = await stream(from("198.51.100.1"));
    while (again.status === 429) {
      await new Promise((r) => setTimeout(r, 20));
      again = await stream(from("198.51.100.1"));
    }
    assert.equal(again.status, 200);
    second.close();
    again.close();
  },
);

test(
  "a signed-in account is one caller from any address, and apart from its address's others",
  { timeout: 20_000 },
  async () => {
    const a = await stream(from("198.51.100.10", "acct-1"));
    const b = await stream(from("198.51.100.11", "acct-1"));
    assert.deepEqual([a.status, b.status], [200, 200]);
    assert.equal((await stream(from("198.51.100.12", "acct-1"))).status, 429);
    // Someone else at the same address as the account's first stream is not counted against it.
    const neighbour = await stream(from("198.51.100.10", "neighbour"));
    assert.equal(neighbour.status, 200);
    for (const s of [a, b, neighbour]) s.close();
  },
);

test("a stream for an unknown run gives its place back at once", async () => {
  const missing = stubStore(async () => []);
  const small = await buildServer({ store: missing, limits: { maxStreamsPerCaller: 1 } });
  for (let i = 0; i < 3; i++) {
    const res = await small.inject({
      method: "GET",
      url: `/api/runs/${runId}/stream`,
      headers: { authorization: `Bearer ${stubAdminToken}` },
    });
    assert.equal(res.statusCode, 404);
  }
  await small.close();
});

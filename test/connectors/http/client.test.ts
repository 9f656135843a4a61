import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  backoffMs,
  HttpClient,
  retryAfterMs,
  VendorError,
  type Classified,
  type HttpClientOptions,
  type VendorAnswer,
} from "../../../src/connectors/http/index.ts";
import type { VendorCall } from "../../../src/domain/outcome.ts";
import { runInStepScope } from "../../../src/observability/step-scope.ts";
import { json, startPeer } from "./peer.ts";

/** A vendor table as small as a test needs: the status decides. */
const classify = (a: VendorAnswer): Classified =>
  a.status === 429
    ? { kind: "throttled", code: "THROTTLED", message: "slow down" }
    : a.status >= 500
      ? { kind: "transient", code: "VENDOR_UNAVAILABLE", message: `HTTP ${a.status}` }
      : a.status === 404
        ? { kind: "not-found", code: "OBJECT_NOT_FOUND", message: "gone" }
        : {
            kind: "invalid",
            code: "VENDOR_INVALID",
            message: "refused",
            ...(typeof (a.body as { code?: unknown })?.code === "string"
              ? { vendorCode: (a.body as { code: string }).code }
              : {}),
          };

const rejectsWith =
  (check: (e: VendorError) => void) =>
  (e: unknown): boolean => {
    assert.ok(e instanceof VendorError, `a VendorError, not ${String(e)}`);
    check(e);
    return true;
  };

describe("the shared HTTP client against a real peer", () => {
  let peer: Awaited<ReturnType<typeof startPeer>>;
  before(async () => (peer = await startPeer()));
  after(() => peer.close());
  const client = (extra: Partial<HttpClientOptions> = {}) =>
    new HttpClient({ api: "graph", classify, backoffBaseMs: 40, requestTimeoutMs: 5_000, ...extra });
  const get = (c: HttpClient, extra: { once?: boolean; body?: unknown } = {}) =>
    c.request<{ ok?: boolean }>({
      method: extra.body === undefined ? "GET" : "POST",
      url: `${peer.url}/things/1?name=tom`,
      call: "GET /things/1",
      ...extra,
    });

  test("a 429 is retried no sooner than its fractional Retry-After, each attempt recorded for the step", async () => {
    peer.on((s, res) =>
      peer.seen.length === 1
        ? json(res, 429, { code: "TooManyRequests" }, { "retry-after": "0.3", "request-id": "r1" })
        : json(res, 200, { ok: true }, { "request-id": "r2" }),
    );
    const calls: VendorCall[] = [];
    const res = await runInStepScope({ calls }, () => get(client()));
    assert.equal(res.body.ok, true);
    assert.equal(res.requestId, "r2");
    assert.equal(peer.seen.length, 2);
    assert.ok(
      peer.seen[1]!.at - peer.seen[0]!.at >= 300,
      `retried after ${peer.seen[1]!.at - peer.seen[0]!.at} ms`,
    );
    assert.deepEqual(
      calls.map((c) => [c.api, c.call, c.status, c.requestId]),
      [
        ["graph", "GET /things/1", 429, "r1"],
        ["graph", "GET /things/1", 200, "r2"],
      ],
    );
  });

  test("a 429 whose Retry-After is an HTTP date is retried at that moment, not before", async () => {
    // HTTP dates have whole seconds: the moment is the date as parsed, somewhere in the next ~2 s.
    const at = new Date(Date.now() + 1_500).toUTCString();
    peer.on((s, res) =>
      peer.seen.length === 1 ? json(res, 429, {}, { "retry-after": at }) : json(res, 200, { ok: true }),
    );
    const res = await get(client());
    assert.equal(res.body.ok, true);
    assert.equal(peer.seen.length, 2);
    assert.ok(
      peer.seen[1]!.at >= Date.parse(at) - 5,
      `retried ${Date.parse(at) - peer.seen[1]!.at} ms early`,
    );
  });

  test("a 429 without Retry-After backs off exponentially, with jitter", async () => {
    peer.on((s, res) => (peer.seen.length <= 3 ? json(res, 429, {}) : json(res, 200, { ok: true })));
    await get(client({ backoffBaseMs: 100 }));
    const gaps = peer.seen.slice(1).map((s, i) => s.at - peer.seen[i]!.at);
    assert.equal(gaps.length, 3);
    gaps.forEach((gap, n) => {
      // Equal jitter: between half and all of base * 2^n.
      assert.ok(gap >= 100 * 2 ** n * 0.5 - 5 && gap <= 100 * 2 ** n + 60, `gap ${n}: ${gap} ms`);
    });
    const samples = new Set(Array.from({ length: 20 }, () => Math.round(backoffMs(3, 1000))));
    assert.ok(samples.size > 10, "backoff values are spread, not one instant");
    assert.ok([...samples].every((ms) => ms >= 4000 && ms <= 8000));
  });

  test("a Retry-After too long to sleep through is handed back, throttled, with the wait and the API", async () => {
    peer.on((s, res) =>
      json(res, 429, { code: "TooManyRequests" }, { "retry-after": "120", "request-id": "r9" }),
    );
    await assert.rejects(
      get(client()),
      rejectsWith((e) => {
        assert.equal(e.failure.kind, "throttled");
        assert.equal(e.failure.code, "THROTTLED");
        assert.equal(e.failure.retryAfterMs, 120_000);
        assert.equal(e.failure.requestId, "r9");
        assert.deepEqual(e.vendor, {
          api: "graph",
          status: 429,
          requestId: "r9",
          body: '{"code":"TooManyRequests"}',
        });
      }),
    );
    assert.equal(peer.seen.length, 1);
  });

  test("a wait the vendor's table names for an answer without Retry-After is handed back at once when long", async () => {
    peer.on((s, res) => json(res, 503, { errors: ["suspended"] }));
    const suspended = (a: VendorAnswer): Classified =>
      a.status === 503
        ? {
            kind: "throttled",
            code: "AUTOTASK_THRESHOLD_EXCEEDED",
            message: "suspended",
            retryAfterMs: 300_000,
          }
        : classify(a);
    await assert.rejects(
      get(client({ classify: suspended, maxRetries: 4 })),
      rejectsWith((e) => {
        assert.equal(e.failure.kind, "throttled");
        assert.equal(e.failure.retryAfterMs, 300_000);
      }),
    );
    assert.equal(peer.seen.length, 1, "no retry spent on a wait the engine must do");
  });

  test("a Retry-After the answer does send wins over the table's own wait", async () => {
    peer.on((s, res) =>
      peer.seen.length === 1
        ? json(res, 503, { errors: ["suspended"] }, { "retry-after": "0.05" })
        : json(res, 200, { ok: true }),
    );
    const suspended = (a: VendorAnswer): Classified =>
      a.status === 503
        ? {
            kind: "throttled",
            code: "AUTOTASK_THRESHOLD_EXCEEDED",
            message: "suspended",
            retryAfterMs: 300_000,
          }
        : classify(a);
    assert.deepEqual((await get(client({ classify: suspended }))).body, { ok: true });
    assert.equal(peer.seen.length, 2);
  });

  test("a 5xx is retried, but not for a call sent `once`: the caller decides", async () => {
    peer.on((s, res) => (peer.seen.length === 1 ? json(res, 503, {}) : json(res, 202, { ok: true })));
    assert.equal((await get(client(), { body: { x: 1 } })).status, 202);
    assert.equal(peer.seen.length, 2);

    peer.on((s, res) => json(res, 503, { code: "ServiceUnavailable" }));
    await assert.rejects(
      get(client(), { body: { x: 1 }, once: true }),
      rejectsWith((e) => {
        assert.equal(e.failure.kind, "transient");
        assert.equal(e.failure.code, "VENDOR_UNAVAILABLE");
        assert.equal(e.status, 503);
      }),
    );
    assert.equal(peer.seen.length, 1, "sent once");
  });

  test("a call sent `once` is still retried after a 429 (refused, so not done)", async () => {
    peer.on((s, res) =>
      peer.seen.length === 1 ? json(res, 429, {}, { "retry-after": "0.05" }) : json(res, 202, { ok: true }),
    );
    assert.equal((await get(client(), { body: { x: 1 }, once: true })).status, 202);
    assert.equal(peer.seen.length, 2);
  });

  test("a dropped connection fails as NETWORK_ERROR and a call sent `once` is not resent", async () => {
    peer.on((s, res, req) => req.socket.destroy());
    await assert.rejects(
      get(client(), { body: { x: 1 }, once: true }),
      rejectsWith((e) => {
        assert.equal(e.failure.kind, "transient");
        assert.equal(e.failure.code, "NETWORK_ERROR");
        assert.equal(e.vendor.api, "graph");
        assert.ok(e.failure.requestId, "our client-request-id, to find the call on the vendor's side");
      }),
    );
    assert.equal(peer.seen.length, 1);
  });

  test("the step's signal reaches the socket: an abort mid-request closes the connection at once", async () => {
    peer.on(() => undefined); // holds the request open, never answers
    const controller = new AbortController();
    const pending = runInStepScope({ calls: [], signal: controller.signal }, () => get(client()));
    while (peer.seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    const abortedAt = Date.now();
    controller.abort(new Error("lease lost"));
    await assert.rejects(
      pending,
      rejectsWith((e) => {
        assert.equal(e.failure.code, "ABORTED");
        assert.match(e.message, /lease lost/);
      }),
    );
    const closedAt = await peer.seen[0]!.closed;
    assert.ok(closedAt - abortedAt < 500, `socket closed ${closedAt - abortedAt} ms after the abort`);
  });

  test("an abort during the wait between attempts ends the wait", async () => {
    peer.on((s, res) => json(res, 429, {}, { "retry-after": "5" }));
    const controller = new AbortController();
    const t0 = Date.now();
    setTimeout(() => controller.abort(new Error("lease lost")), 100);
    await assert.rejects(
      runInStepScope({ calls: [], signal: controller.signal }, () => get(client())),
      rejectsWith((e) => assert.equal(e.failure.code, "ABORTED")),
    );
    assert.ok(Date.now() - t0 < 1_000, `gave up after ${Date.now() - t0} ms`);
    assert.equal(peer.seen.length, 1);
  });

  test("a peer that does not answer in time fails as TIMEOUT and the socket is closed", async () => {
    peer.on(() => undefined);
    const t0 = Date.now();
    await assert.rejects(
      get(client({ requestTimeoutMs: 200 })),
      rejectsWith((e) => {
        assert.equal(e.failure.kind, "transient");
        assert.equal(e.failure.code, "TIMEOUT");
      }),
    );
    assert.ok(Date.now() - t0 < 1_000, `gave up after ${Date.now() - t0} ms`);
    assert.ok((await peer.seen[0]!.closed) - t0 < 1_000);
  });

  test("the vendor's body is kept with its code and status, secrets redacted, cut to a few KB", async () => {
    const secrets = [
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
      "s3cr3t-value",
      "Hunter2!pw",
      "opaque-token-42",
    ];
    peer.on((s, res) =>
      json(res, 400, {
        code: "Request_BadRequest",
        message: "bad request",
        echo: {
          access_token: secrets[0],
          client_secret: secrets[1],
          passwordProfile: { password: secrets[2] },
          headers: { Authorization: `Bearer ${secrets[3]}` },
        },
        trace: `Authorization: Bearer ${secrets[3]} client_secret=${secrets[1]}&grant_type=client_credentials`,
        filler: "x".repeat(20_000),
      }),
    );
    await assert.rejects(
      get(client()),
      rejectsWith((e) => {
        assert.equal(e.failure.code, "VENDOR_INVALID");
        assert.equal(e.vendor.code, "Request_BadRequest");
        assert.equal(e.vendor.status, 400);
        const body = e.vendor.body ?? "";
        for (const secret of secrets)
          assert.ok(!body.includes(secret), `${secret} left in ${body.slice(0, 600)}`);
        assert.match(body, /"code":"Request_BadRequest"/);
        assert.match(body, /grant_type=client_credentials/);
        assert.ok(body.length < 4_200, `${body.length} characters kept`);
        assert.match(body, /more characters\]$/);
      }),
    );
  });

  test("a 404 right after a create is retried within its grace window, and only then", async () => {
    peer.on((s, res) => (peer.seen.length < 3 ? json(res, 404, {}) : json(res, 200, { ok: true })));
    const c = client();
    const ok = await c.request<{ ok: boolean }>({
      method: "GET",
      url: `${peer.url}/x`,
      call: "GET /x",
      notFoundGraceMs: 5_000,
    });
    assert.equal(ok.body.ok, true);
    peer.on((s, res) => json(res, 404, {}));
    await assert.rejects(
      get(c),
      rejectsWith((e) => assert.equal(e.failure.code, "OBJECT_NOT_FOUND")),
    );
    assert.equal(peer.seen.length, 1);
  });

  test("a 401 with reauthenticate drops the token and tries once more with a fresh one", async () => {
    let token = "old";
    peer.on((s, res) =>
      s.headers.authorization === "Bearer new" ? json(res, 200, { ok: true }) : json(res, 401, {}),
    );
    const c = client({
      authenticate: async () => ({ authorization: `Bearer ${token}` }),
      reauthenticate: () => (token = "new"),
    });
    assert.equal((await get(c)).body.ok, true);
    assert.deepEqual(
      peer.seen.map((s) => s.headers.authorization),
      ["Bearer old", "Bearer new"],
    );
    token = "old";
    peer.on((s, res) => json(res, 401, {}));
    const stale = client({
      authenticate: async () => ({ authorization: "Bearer old" }),
      reauthenticate: () => undefined,
    });
    await assert.rejects(get(stale), VendorError);
    assert.equal(peer.seen.length, 2, "one retry, not a loop");
  });
});

test("Retry-After reads seconds, fractions and HTTP dates, and nothing else", () => {
  const now = Date.parse("2026-12-01T10:00:00Z");
  assert.equal(retryAfterMs("2.128", now), 2128);
  assert.equal(retryAfterMs("0", now), 0);
  assert.equal(retryAfterMs(" 30 ", now), 30_000);
  assert.equal(retryAfterMs("Tue, 01 Dec 2026 10:00:05 GMT", now), 5_000);
  assert.equal(retryAfterMs("Tue, 01 Dec 2026 09:59:00 GMT", now), 0, "a date passed means now");
  assert.equal(retryAfterMs("-5", now), undefined);
  assert.equal(retryAfterMs("soon", now), undefined);
  assert.equal(retryAfterMs(undefined, now), undefined);
});

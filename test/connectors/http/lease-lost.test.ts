// A step whose lease is lost while its call is in flight: the worker aborts the step's signal (runOne's
// heartbeat), and whatever was waiting must end as that step's failure, never as a rejection nobody awaits
// (which ends a worker process under Node's default).
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import {
  OAuth2Tokens,
  HttpClient,
  odataJsonBatch,
  VendorError,
  type Classified,
} from "../../../src/connectors/http/index.ts";
import { LeaseLost } from "../../../src/engine/step-queue.ts";
import { runInStepScope } from "../../../src/observability/step-scope.ts";
import { json, startPeer, type Seen } from "./peer.ts";

const classify = (a: { status: number }): Classified =>
  a.status === 429
    ? { kind: "throttled", code: "THROTTLED", message: "slow down" }
    : { kind: "invalid", code: "VENDOR_INVALID", message: "refused" };

const windowMs = 5;

describe("a step that loses its lease mid-call leaves no rejection unhandled", () => {
  let peer: Awaited<ReturnType<typeof startPeer>>;
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  before(async () => {
    peer = await startPeer();
    process.on("unhandledRejection", record);
  });
  after(async () => {
    process.off("unhandledRejection", record);
    await peer.close();
  });
  afterEach(async () => {
    // Whatever the aborted step left behind (a queued item, a token request) has had its turn by then.
    await new Promise((r) => setTimeout(r, windowMs * 10));
    await new Promise(setImmediate);
    assert.deepEqual(unhandled.splice(0).map(String), []);
  });

  const step = () => {
    const lease = new AbortController();
    return {
      run: <T>(fn: () => Promise<T>) => runInStepScope({ calls: [], signal: lease.signal }, fn),
      lose: () => lease.abort(new LeaseLost("create-user")),
    };
  };
  const aborted = (e: unknown) => e instanceof VendorError && e.failure.code === "ABORTED";
  /** Resolves with the n-th request the peer sees, so the abort lands while it is in flight. */
  const nth = (n: number, handler: (s: Seen, res: Parameters<Parameters<typeof peer.on>[0]>[1]) => void) => {
    let arrived!: (s: Seen) => void;
    const seen = new Promise<Seen>((r) => (arrived = r));
    peer.on((s, res) => {
      handler(s, res);
      if (peer.seen.length === n) arrived(s);
    });
    return seen;
  };
  const hold = () => undefined;

  const client = (
    o: {
      batching?: boolean;
      authenticate?: () => Promise<Record<string, string>>;
      onExchange?: () => void;
    } = {},
  ) =>
    new HttpClient({
      api: "graph",
      classify,
      backoffBaseMs: 10,
      ...(o.authenticate ? { authenticate: o.authenticate } : {}),
      ...(o.onExchange ? { onExchange: o.onExchange } : {}),
      ...(o.batching
        ? { batching: { windowMs, envelope: odataJsonBatch(20), url: `${peer.url}/$batch` } }
        : {}),
    });
  const get = (c: HttpClient, path: string) =>
    c.request<{ url: string }>({
      method: "GET",
      url: `${peer.url}${path}`,
      batchUrl: path,
      call: "GET /users/{upn}",
    });

  test("a direct call in flight", async () => {
    const arrived = nth(1, hold);
    const s = step();
    const call = s.run(() => get(client(), "/users/a"));
    await arrived;
    s.lose();
    await assert.rejects(call, aborted);
  });

  test("a batched call that found nobody to share with and went direct", async () => {
    const arrived = nth(1, hold);
    const s = step();
    const call = s.run(() => get(client({ batching: true }), "/users/a"));
    assert.equal((await arrived).url, "/users/a");
    s.lose();
    await assert.rejects(call, aborted);
  });

  test("a call whose step had already lost its lease when it asked, batching or not", async () => {
    peer.on((s, res) => json(res, 200, { url: s.url }));
    for (const batching of [false, true]) {
      const s = step();
      s.lose();
      await assert.rejects(
        s.run(() => get(client({ batching }), "/users/a")),
        aborted,
      );
    }
    assert.deepEqual(peer.seen, [], "nothing is sent for a step that gave up");
  });

  test("a batch in flight: the step that lost its lease stops waiting, the others get their answers", async () => {
    let answer!: () => void;
    const arrived = nth(1, (s, res) => {
      const { requests } = JSON.parse(s.text) as { requests: { id: string; url: string }[] };
      answer = () =>
        json(res, 200, { responses: requests.map((r) => ({ id: r.id, status: 200, body: { url: r.url } })) });
    });
    const c = client({ batching: true });
    const s = step();
    const quitter = s.run(() => get(c, "/users/quitter"));
    const others = Promise.all([get(c, "/users/x"), get(c, "/users/y")]);
    await arrived;
    s.lose();
    await assert.rejects(quitter, aborted);
    answer();
    assert.deepEqual(
      (await others).map((r) => r.body.url),
      ["/users/x", "/users/y"],
    );
  });

  test("a batch that fails after one of its steps lost its lease", async () => {
    const arrived = nth(1, (_s, res) => setImmediate(() => res.destroy()));
    const c = client({ batching: true });
    const s = step();
    const quitter = s.run(() => get(c, "/users/quitter"));
    const other = get(c, "/users/x");
    await arrived;
    s.lose();
    await assert.rejects(quitter, aborted);
    await assert.rejects(other, (e: VendorError) => e.failure.code === "NETWORK_ERROR");
  });

  test("the wait between attempts after a 429", async () => {
    peer.on((_s, res) => json(res, 429, {}, { "retry-after": "5" }));
    let answered!: () => void;
    const read = new Promise<void>((r) => (answered = r));
    const s = step();
    const call = s.run(() => get(client({ onExchange: () => answered() }), "/users/a"));
    await read;
    // The answer is classified and the wait begun within the same few turns of the loop.
    await new Promise(setImmediate);
    s.lose();
    await assert.rejects(call, aborted);
    assert.equal(peer.seen.length, 1);
  });

  describe("while the token is fetched", () => {
    const tokenPath = "/oauth/token";
    const tokens = () =>
      new OAuth2Tokens({
        api: "halopsa",
        tokenUrl: `${peer.url}${tokenPath}`,
        clientId: "id",
        clientSecret: "secret",
      });

    test("one step loses its lease waiting: the token request all share goes on for the rest", async () => {
      let issue!: () => void;
      const arrived = nth(1, (s, res) => {
        if (s.url === tokenPath)
          issue = () => json(res, 200, { access_token: "tok", token_type: "Bearer", expires_in: 3600 });
        else json(res, 200, { url: s.url });
      });
      const t = tokens();
      const c = client({ authenticate: () => t.headers() });
      const s = step();
      const quitter = s.run(() => get(c, "/users/quitter"));
      const patient = get(c, "/users/patient");
      await arrived;
      s.lose();
      await assert.rejects(quitter, aborted);
      issue();
      assert.equal((await patient).body.url, "/users/patient");
      assert.deepEqual(
        peer.seen.map((x) => x.url),
        [tokenPath, "/users/patient"],
      );
    });

    test("a batch whose window the aborted step opened still gets its token", async () => {
      let issue!: () => void;
      const arrived = nth(1, (s, res) => {
        if (s.url === tokenPath)
          issue = () => json(res, 200, { access_token: "tok", token_type: "Bearer", expires_in: 3600 });
        else {
          const { requests } = JSON.parse(s.text) as { requests: { id: string; url: string }[] };
          json(res, 200, {
            responses: requests.map((r) => ({ id: r.id, status: 200, body: { url: r.url } })),
          });
        }
      });
      const t = tokens();
      const c = client({ batching: true, authenticate: () => t.headers() });
      const s = step();
      const quitter = s.run(() => get(c, "/users/quitter"));
      const others = Promise.all([get(c, "/users/x"), get(c, "/users/y")]);
      await arrived;
      s.lose();
      await assert.rejects(quitter, aborted);
      issue();
      assert.deepEqual(
        (await others).map((r) => r.body.url),
        ["/users/x", "/users/y"],
      );
    });

    test("a step that had lost its lease before asking, when the token request then fails", async () => {
      const arrived = nth(1, (_s, res) => json(res, 401, { error: "invalid_client" }));
      const t = tokens();
      const s = step();
      s.lose();
      await assert.rejects(
        s.run(() => t.token()),
        (e) => e instanceof LeaseLost,
      );
      // The request it set off is refused with nobody waiting for it (afterEach looks for the rejection).
      await arrived;
      await new Promise((r) => setTimeout(r, windowMs * 10));
      await assert.rejects(t.token(), (e: VendorError) => e.failure.code === "AUTH_FAILED");
      assert.equal(peer.seen.length, 2, "the failure was not cached: the next caller asks again");
    });
  });
});

// The emulator kit, driven through a made-up vendor (toy-vendor.ts) so nothing here leans on Microsoft.
import assert from "node:assert/strict";
import { createPublicKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { TokenBuckets, formatRetryAfter } from "../../../emulators/kit/buckets.ts";
import { launch } from "../../../emulators/kit/launcher.ts";
import { decodeState, encodeState, SnapshotFile } from "../../../emulators/kit/snapshot.ts";
import { selfSignedTls } from "../../../emulators/kit/tls.ts";
import { startToy, toyDefinition } from "./toy-vendor.ts";

describe("emulator kit", () => {
  describe("a vendor's server on the kit", () => {
    let toy: Awaited<ReturnType<typeof startToy>>;
    before(async () => {
      toy = await startToy();
    });
    after(() => toy.close());

    it("serves the vendor's route table and renders its misses in the vendor's envelope", async () => {
      const ok = await fetch(`${toy.url}/api/tickets/1`);
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { id: "1", summary: "Printer on fire" });
      const wrongMethod = await fetch(`${toy.url}/api/tickets/1`, { method: "DELETE" });
      assert.equal(wrongMethod.status, 405);
      assert.deepEqual(await wrongMethod.json(), { err: { kind: "method", text: "DELETE" } });
      const wrongPath = await fetch(`${toy.url}/api/nothing`);
      assert.equal(wrongPath.status, 404);
      assert.equal(((await wrongPath.json()) as { err: { kind: string } }).err.kind, "route");
      const badJson = await fetch(`${toy.url}/api/tickets/1`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{",
      });
      assert.equal(((await badJson.json()) as { err: { kind: string } }).err.kind, "framework");
    });

    it("injects a 429 with no Retry-After at all, in the vendor's envelope", async () => {
      toy.admin.injectFault({ kind: "status", status: 429 });
      const reply = await fetch(`${toy.url}/api/tickets/1`);
      assert.equal(reply.status, 429);
      assert.equal(reply.headers.get("retry-after"), null);
      assert.deepEqual(await reply.json(), { err: { kind: "fault", text: "injected 429" } });
      assert.equal((await fetch(`${toy.url}/api/tickets/1`)).status, 200);
    });

    it("refuses a status the vendor cannot render", () => {
      assert.throws(() => toy.admin.injectFault({ kind: "status", status: 418 }), /status must be one of/);
    });

    it("answers late but normally for a slow fault, and logs it", async () => {
      toy.admin.clearCalls();
      toy.admin.injectFault({ kind: "slow", delayMs: 250 });
      const started = Date.now();
      const reply = await fetch(`${toy.url}/api/tickets/1`);
      assert.equal(reply.status, 200);
      assert.ok(Date.now() - started >= 240);
      const [call] = toy.admin.calls();
      assert.equal(call?.fault, "slow");
      assert.equal(call?.tenantId, "toy");
      assert.deepEqual(toy.admin.callCounts(), { "GET /api/tickets/:id": 1 });
    });

    it("logs a request whose caller hung up before the answer: the vendor still acted on it", async () => {
      toy.admin.clearCalls();
      toy.admin.injectFault({ kind: "slow", delayMs: 200 });
      await assert.rejects(fetch(`${toy.url}/api/tickets/1`, { signal: AbortSignal.timeout(40) }));
      for (let i = 0; i < 50 && !toy.admin.calls().length; i++) await new Promise((r) => setTimeout(r, 20));
      const [call] = toy.admin.calls();
      assert.equal(call?.route, "/api/tickets/:id");
      assert.equal(call?.status, 200, "what the emulator answered, to nobody");
      assert.equal(call?.callerGone, true);
      assert.deepEqual(toy.admin.callCounts(), { "GET /api/tickets/:id": 1 });
    });

    it("drops the connection for a reset and holds it for a hang", async () => {
      toy.admin.injectFault({ kind: "reset" });
      await assert.rejects(fetch(`${toy.url}/api/tickets/1`));
      toy.admin.injectFault({ kind: "hang", hangMs: 60_000 });
      await assert.rejects(fetch(`${toy.url}/api/tickets/1`, { signal: AbortSignal.timeout(300) }), {
        name: "TimeoutError",
      });
    });

    it("offers the generic /_admin routes: faults, clock, calls, settings, reset", async () => {
      const listed = (await (await fetch(`${toy.url}/_admin`)).json()) as { routes: { url: string }[] };
      const urls = listed.routes.map((r) => r.url);
      for (const url of [
        "/_admin/faults",
        "/_admin/clock/advance",
        "/_admin/calls",
        "/_admin/settings",
        "/_admin/reset",
      ])
        assert.ok(urls.includes(url), url);
      const fault = await fetch(`${toy.url}/_admin/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ kind: "status", status: 503, retryAfterSeconds: 2, tenant: "toy" }),
      });
      assert.equal(fault.status, 201);
      const refused = await fetch(`${toy.url}/api/tickets/1`);
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get("retry-after"), "2");
      const before = toy.state.clock.now();
      const advanced = await fetch(`${toy.url}/_admin/clock/advance`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ms: 60_000 }),
      });
      assert.equal(advanced.status, 200);
      assert.ok(toy.state.clock.now() - before >= 60_000);
      assert.equal((await fetch(`${toy.url}/_admin/reset`, { method: "POST" })).status, 204);
      assert.equal((await fetch(`${toy.url}/api/tickets/1`)).status, 404, "the vendor's reset ran");
    });

    it("issues client-credential tokens and answers RFC 6749 errors", async () => {
      const form = (fields: Record<string, string>) =>
        fetch(`${toy.url}/auth/token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(fields),
        });
      const issued = await form({
        grant_type: "client_credentials",
        client_id: "toy-client",
        client_secret: "toy-secret",
      });
      assert.deepEqual(await issued.json(), {
        token_type: "Bearer",
        access_token: "toy-token",
        expires_in: 3600,
      });
      const basic = await fetch(`${toy.url}/auth/token`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `Basic ${Buffer.from("toy-client:toy-secret").toString("base64")}`,
        },
        body: new URLSearchParams({ grant_type: "client_credentials" }),
      });
      assert.equal(basic.status, 200);
      const wrong = await form({
        grant_type: "client_credentials",
        client_id: "toy-client",
        client_secret: "no",
      });
      assert.equal(wrong.status, 401);
      assert.equal(((await wrong.json()) as { error: string }).error, "invalid_client");
      const grant = await form({ grant_type: "password", client_id: "toy-client" });
      assert.equal(((await grant.json()) as { error: string }).error, "unsupported_grant_type");
      const missing = await form({});
      assert.equal(((await missing.json()) as { error: string }).error, "invalid_request");
    });
  });

  describe("a self-signed certificate made at start", () => {
    it("names localhost and the loopback addresses, is its own CA, and verifies with its own key", () => {
      const tls = selfSignedTls();
      const cert = new X509Certificate(tls.cert);
      assert.equal(cert.ca, true);
      assert.equal(cert.checkHost("localhost"), "localhost");
      assert.equal(cert.checkIP("127.0.0.1"), "127.0.0.1");
      assert.ok(cert.verify(createPublicKey(tls.key)));
      assert.notEqual(selfSignedTls().cert, tls.cert, "a new key every time");
    });

    it("serves https that a client trusting the certificate accepts", async () => {
      const toy = await startToy({ tls: "generate" });
      try {
        assert.match(toy.url, /^https:/);
        const body = await new Promise<string>((resolve, reject) => {
          get(`${toy.url}/api/tickets/1`, { ca: toy.cert }, (res) => {
            let text = "";
            res.on("data", (c: Buffer) => (text += c.toString()));
            res.on("end", () => resolve(text));
          }).on("error", reject);
        });
        assert.equal(JSON.parse(body).summary, "Printer on fire");
        await assert.rejects(fetch(`${toy.url}/api/tickets/1`), "an untrusting client refuses it");
      } finally {
        await toy.close();
      }
    });
  });

  describe("token buckets", () => {
    it("spends from all buckets or none, names the short one, and refills over the window", () => {
      const buckets = new TokenBuckets();
      const spends = [
        { key: "reads", capacity: 10, windowMs: 1000, cost: 4, reason: "reads" },
        { key: "writes", capacity: 1, windowMs: 1000, cost: 1, reason: "writes" },
      ];
      assert.equal(buckets.spend("t", 0, spends, "storm").ok, true);
      const refused = buckets.spend("t", 0, spends, "storm");
      assert.ok(!refused.ok && refused.reason === "writes" && Math.round(refused.retryAfterMs) === 1000);
      assert.equal(buckets.spend("t", 1000, spends, "storm").ok, true, "refilled after the window");
      assert.equal(buckets.spend("other", 0, spends, "storm").ok, true, "scopes are apart");
    });

    it("drains a scope, and refuses everything during a storm", () => {
      const buckets = new TokenBuckets();
      const spend = [{ key: "r", capacity: 100, windowMs: 10_000, cost: 1, reason: "r" }];
      buckets.exhaust("t", 0);
      const drained = buckets.spend("t", 0, spend, "storm");
      assert.ok(!drained.ok && drained.retryAfterMs === 100);
      buckets.startStorm("u", 5_000);
      const storm = buckets.spend("u", 1_000, spend, "storm");
      assert.ok(!storm.ok && storm.storm && storm.retryAfterMs === 4_000 && storm.reason === "storm");
      assert.equal(buckets.spend("u", 5_000, spend, "storm").ok, true);
      assert.equal(formatRetryAfter(2128), "2.128");
      assert.equal(formatRetryAfter(0), "0.001");
    });
  });

  describe("snapshots", () => {
    it("round-trips Maps, Sets and Buffers, and replaces the file whole", () => {
      const state = { m: new Map([["a", { s: new Set(["x", "y"]) }]]), b: Buffer.from("key"), n: [1, null] };
      assert.deepEqual(decodeState(JSON.parse(JSON.stringify(encodeState(state)))), state);
      const dir = mkdtempSync(join(tmpdir(), "lifecycle-kit-snapshot-"));
      try {
        let value = 1;
        const file = new SnapshotFile(join(dir, "sub", "state.json"), () => ({ value }));
        assert.equal(file.load(), undefined);
        file.flush();
        value = 2;
        file.schedule();
        file.close();
        assert.deepEqual(file.load(), { value: 2 });
        assert.deepEqual(readdirSync(join(dir, "sub")), ["state.json"], "no temporary file left behind");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("the launcher", () => {
    it("starts the named emulators on PORT, over https with --https, and writes their certificates", async () => {
      const dir = mkdtempSync(join(tmpdir(), "lifecycle-kit-launch-"));
      const lines: string[] = [];
      const launched = await launch([toyDefinition], {
        argv: ["toy", "--https", "--cert-out", join(dir, "ca.pem")],
        env: { PORT: "0" },
        out: (line) => lines.push(line),
      });
      try {
        const url = launched.running.get("toy")?.url ?? "";
        assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(lines[0], `emulator toy listening on ${url}`);
        assert.equal(lines.at(-1), "ready");
        assert.ok(new X509Certificate(readFileSync(join(dir, "ca.pem"))).ca);
      } finally {
        await launched.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("names the emulators it knows when asked for one it does not", async () => {
      await assert.rejects(
        launch([toyDefinition], { argv: ["nope"], env: {}, out: () => undefined }),
        /unknown emulator nope; known: toy/,
      );
    });
  });
});

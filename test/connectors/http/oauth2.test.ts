import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { OAuth2Tokens, HttpClient, VendorError } from "../../../src/connectors/http/index.ts";
import { runInStepScope } from "../../../src/observability/step-scope.ts";
import { json, startPeer } from "./peer.ts";

const secret = "Very$ecret/Value+1";

describe("OAuth2 client-credentials tokens against a real token endpoint", () => {
  let peer: Awaited<ReturnType<typeof startPeer>>;
  let issued = 0;
  before(async () => (peer = await startPeer()));
  after(() => peer.close());

  /** A HaloPSA-like token endpoint: form in, a numbered token out after a little latency. */
  const tokenEndpoint = (expiresIn = 3600, delayMs = 50) =>
    peer.on((s, res) => {
      setTimeout(
        () =>
          json(res, 200, { access_token: `tok-${++issued}`, token_type: "Bearer", expires_in: expiresIn }),
        delayMs,
      );
    });
  const tokens = (extra: Partial<ConstructorParameters<typeof OAuth2Tokens>[0]> = {}, now?: () => number) =>
    new OAuth2Tokens(
      {
        api: "graph",
        tokenUrl: `${peer.url}/auth/token?tenant=acme`,
        clientId: "lifecycle-app",
        clientSecret: secret,
        scope: "all",
        ...extra,
      },
      now ? { now } : {},
    );

  test("asks with a form body, then serves the cached token until shortly before it expires", async () => {
    tokenEndpoint(3600);
    let now = 1_000_000;
    const t = tokens({}, () => now);
    const first = await t.token();
    assert.equal(await t.token(), first);
    now += 3600_000 - 61_000; // still more than the refresh margin (60 s) left
    assert.equal(await t.token(), first);
    assert.equal(peer.seen.length, 1);
    const sent = peer.seen[0]!;
    assert.equal(sent.method, "POST");
    assert.equal(sent.url, "/auth/token?tenant=acme");
    assert.equal(sent.headers["content-type"], "application/x-www-form-urlencoded");
    assert.deepEqual(Object.fromEntries(new URLSearchParams(sent.text)), {
      grant_type: "client_credentials",
      client_id: "lifecycle-app",
      client_secret: secret,
      scope: "all",
    });
    now += 2_000; // inside the margin: renewed before it lapses
    const second = await t.token();
    assert.notEqual(second, first);
    assert.equal(peer.seen.length, 2);
  });

  test("concurrent callers share one token request", async () => {
    tokenEndpoint(3600, 150);
    const t = tokens();
    const all = await Promise.all(Array.from({ length: 12 }, () => t.token()));
    assert.equal(new Set(all).size, 1);
    assert.equal(peer.seen.length, 1);
  });

  test("a step that gives up stops waiting; the shared request still serves the others", async () => {
    tokenEndpoint(3600, 200);
    const t = tokens();
    const controller = new AbortController();
    const quitter = runInStepScope({ calls: [], signal: controller.signal }, () => t.token());
    const patient = t.token();
    setTimeout(() => controller.abort(new Error("lease lost")), 20);
    await assert.rejects(quitter, /lease lost/);
    assert.match(await patient, /^tok-/);
    assert.equal(peer.seen.length, 1);
  });

  test("a short-lived token is renewed at half its life", async () => {
    tokenEndpoint(60);
    let now = 0;
    const t = tokens({}, () => now);
    const first = await t.token();
    now = 29_000;
    assert.equal(await t.token(), first);
    now = 31_000;
    assert.notEqual(await t.token(), first);
  });

  test("JSON bodies and HTTP Basic client authentication, for endpoints that want them", async () => {
    tokenEndpoint();
    await tokens({ encoding: "json", clientAuth: "basic", extra: { audience: "api" } }).token();
    const sent = peer.seen[0]!;
    assert.equal(sent.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(sent.text), {
      grant_type: "client_credentials",
      scope: "all",
      audience: "api",
    });
    const basic = Buffer.from(String(sent.headers.authorization).replace(/^Basic /, ""), "base64").toString();
    assert.equal(basic, `lifecycle-app:${encodeURIComponent(secret)}`);
  });

  test("the password grant sends the resource owner in place of client credentials (Datto RMM)", async () => {
    tokenEndpoint();
    await tokens({
      clientId: "public-client",
      clientSecret: "public",
      clientAuth: "basic",
      scope: undefined,
      resourceOwner: { username: "API-KEY", password: secret },
    }).token();
    const sent = peer.seen[0]!;
    assert.deepEqual(Object.fromEntries(new URLSearchParams(sent.text)), {
      grant_type: "password",
      username: "API-KEY",
      password: secret,
    });
    const basic = Buffer.from(String(sent.headers.authorization).replace(/^Basic /, ""), "base64").toString();
    assert.equal(basic, "public-client:public");
  });

  test("a refused credential fails as AUTH_FAILED with the vendor's code, and its body never holds the secret", async () => {
    peer.on((s, res) =>
      json(res, 401, {
        error: "invalid_client",
        error_description: "client authentication failed",
        // Some endpoints echo the request; the record must not.
        request: s.text,
        client_secret: secret,
      }),
    );
    await assert.rejects(tokens().token(), (e: unknown) => {
      assert.ok(e instanceof VendorError);
      assert.equal(e.failure.kind, "permission");
      assert.equal(e.failure.code, "AUTH_FAILED");
      assert.equal(e.vendor.code, "invalid_client");
      assert.equal(e.vendor.status, 401);
      assert.ok(!JSON.stringify(e.failure).includes(secret), JSON.stringify(e.failure));
      assert.ok(!JSON.stringify(e.failure).includes(encodeURIComponent(secret)), JSON.stringify(e.failure));
      return true;
    });
    assert.equal(peer.seen.length, 1, "a wrong credential is not asked again");
  });

  test("an API call answered 401 drops the cached token and goes again with a new one", async () => {
    const t = tokens();
    peer.on((s, res) => {
      if (s.url.startsWith("/auth/token"))
        return json(res, 200, { access_token: `tok-${++issued}`, expires_in: 3600 });
      // The first token was revoked on the vendor's side before its expiry.
      return s.headers.authorization === `Bearer tok-${issued}` && issued > 1
        ? json(res, 200, { ok: true })
        : json(res, 401, { error: "invalid_token" });
    });
    issued = 0;
    const api = new HttpClient({
      api: "graph",
      classify: (a) => ({
        kind: a.status === 401 ? "permission" : "fatal",
        code: "AUTH_FAILED",
        message: "no",
      }),
      authenticate: () => t.headers(),
      reauthenticate: () => t.invalidate(),
    });
    const res = await api.request<{ ok: boolean }>({
      method: "GET",
      url: `${peer.url}/api/Users`,
      call: "GET /api/Users",
    });
    assert.equal(res.body.ok, true);
    assert.deepEqual(
      peer.seen.map((s) => s.url),
      ["/auth/token?tenant=acme", "/api/Users", "/auth/token?tenant=acme", "/api/Users"],
    );
  });
});

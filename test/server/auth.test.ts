import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../../src/server/app.ts";
import { createAccount, disableAccount, revokeToken, signInLinkFor } from "../../src/staff/index.ts";
import { migrate } from "../../src/store/migrate.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { staffToken } from "../support/signed-in.ts";
import { json, seedApprovingClient, type ErrorReply } from "./helpers.ts";

const password = "correct horse battery staple";

describe("staff authentication on the API", () => {
  let store: Store;
  let app: FastifyInstance;
  let now = new Date();

  before(async () => {
    store = await openStore({});
    await migrate(store);
    await seedApprovingClient(store, "acme");
    await seedApprovingClient(store, "globex");
    await createAccount(store, { email: "tech@msp.test", role: "technician", password }, "test");
    app = await buildServer({ store, now: () => now });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const code = (res: Parameters<typeof json>[0]) => json<ErrorReply>(res).error.code;

  test("without a session or token every /api route answers 401, known or not, before its body is read", async () => {
    for (const [method, url] of [
      ["GET", "/api/clients"],
      ["GET", "/api/runs"],
      ["GET", "/api/openapi.json"],
      ["GET", "/api/no-such-route"],
      ["POST", "/api/requests/onboard"],
    ] as const) {
      const res = await app.inject({
        method,
        url,
        payload: method === "POST" ? { nonsense: true } : undefined,
      });
      assert.equal(res.statusCode, 401, `${method} ${url}: ${res.body}`);
      assert.equal(code(res), "LC_ERR_UNAUTHENTICATED");
      assert.match(String(res.headers["www-authenticate"]), /^Bearer/);
    }
  });

  test("public routes stay open: health, the sign-in and link pages", async () => {
    assert.equal((await app.inject({ method: "GET", url: "/healthz" })).statusCode, 200);
    const page = await app.inject({ method: "GET", url: "/sign-in/lct_unknown" });
    assert.equal(page.statusCode, 200);
  });

  test("a wrong, malformed, revoked or expired token, or another scheme, is 401", async () => {
    const good = await staffToken(store, { email: "t1@msp.test", role: "viewer" });
    const [id] = good.slice(4).split(".");
    const revoked = await staffToken(store, { email: "t2@msp.test", role: "viewer" });
    const [p2] = await store.query<{ id: string }>(
      "select id from staff_accounts where email = 't2@msp.test'",
    );
    await revokeToken(
      store,
      { accountId: p2!.id, email: "t2@msp.test", role: "viewer", clients: "all", via: "token" },
      revoked.slice(4).split(".")[0]!,
    );
    const expiring = await staffToken(store, { email: "t3@msp.test", role: "viewer" });
    for (const authorization of [
      `Bearer ${good}x`,
      `Bearer lct_${id}.${"A".repeat(43)}`,
      `Basic ${good}`,
      "Bearer",
      `Bearer ${good} extra`,
      `Bearer ${revoked}`,
    ]) {
      const res = await app.inject({ method: "GET", url: "/api/clients", headers: { authorization } });
      assert.equal(res.statusCode, 401, authorization);
    }
    const ok = await app.inject({
      method: "GET",
      url: "/api/clients",
      headers: { authorization: `Bearer ${expiring}` },
    });
    assert.equal(ok.statusCode, 200);
    now = new Date(Date.now() + 91 * 86_400_000);
    try {
      const late = await app.inject({
        method: "GET",
        url: "/api/clients",
        headers: { authorization: `Bearer ${expiring}` },
      });
      assert.equal(late.statusCode, 401, "a token past its 90 days");
    } finally {
      now = new Date();
    }
  });

  test("the actor is the token's owner: a body naming another actor is refused, not believed", async () => {
    const token = await staffToken(store, { email: "ops@msp.test", role: "admin" });
    const res = await app.inject({
      method: "PUT",
      url: "/api/credentials/acme-graph",
      headers: { authorization: `Bearer ${token}` },
      payload: { kind: "microsoft-app", value: {}, actor: "someone.else@msp.test" },
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.ok(json<ErrorReply>(res).error.fields?.some((f) => f.field === "actor"));
  });

  test("a role without the permission is 403 naming it; a technician of acme is 403 on globex", async () => {
    const viewer = await staffToken(store, { email: "viewer@msp.test", role: "viewer" });
    const denied = await app.inject({
      method: "POST",
      url: "/api/requests/onboard",
      headers: { authorization: `Bearer ${viewer}` },
      payload: {},
    });
    assert.equal(denied.statusCode, 403);
    assert.match(json<ErrorReply>(denied).error.message, /submit/);

    const tech = await staffToken(store, {
      email: "tech-acme@msp.test",
      role: "technician",
      clients: ["acme"],
    });
    const auth = { authorization: `Bearer ${tech}` };
    assert.equal(
      (await app.inject({ method: "GET", url: "/api/clients/acme", headers: auth })).statusCode,
      200,
    );
    assert.equal(
      (await app.inject({ method: "GET", url: "/api/clients/globex", headers: auth })).statusCode,
      403,
    );
    const list = json<{ id: string }[]>(
      await app.inject({ method: "GET", url: "/api/clients", headers: auth }),
    );
    assert.deepEqual(
      list.map((c) => c.id),
      ["acme"],
    );
    const other = await app.inject({
      method: "POST",
      url: "/api/requests/onboard?dryRun=true",
      headers: auth,
      payload: {
        client: "globex",
        firstName: "A",
        lastName: "B",
        start: "now",
        requester: "x@globex.example.com",
      },
    });
    assert.equal(other.statusCode, 403, other.body);
  });

  test("sign-in sets an HttpOnly session cookie; changes need the CSRF token; sign-out ends the session", async () => {
    const signedIn = await app.inject({
      method: "POST",
      url: "/api/auth/sign-in",
      payload: { email: "tech@msp.test", password },
    });
    assert.equal(signedIn.statusCode, 200, signedIn.body);
    const session = signedIn.cookies.find((c) => c.name === "lc_session");
    assert.ok(session?.httpOnly, "HttpOnly");
    assert.equal(session?.sameSite, "Lax");
    const csrfCookie = signedIn.cookies.find((c) => c.name === "_csrf");
    assert.ok(csrfCookie);
    const { csrfToken, email, role } = json<{ csrfToken: string; email: string; role: string }>(signedIn);
    assert.equal(email, "tech@msp.test");
    assert.equal(role, "technician");
    const cookies = { lc_session: session!.value, _csrf: csrfCookie!.value };

    const me = await app.inject({ method: "GET", url: "/api/auth/me", cookies });
    assert.equal(me.statusCode, 200);
    const body = {
      client: "acme",
      firstName: "Csrf",
      lastName: "Test",
      start: "now",
      requester: "hr@acme.example.com",
    };
    const forged = await app.inject({
      method: "POST",
      url: "/api/requests/onboard?dryRun=true",
      cookies,
      payload: body,
    });
    assert.equal(forged.statusCode, 403, forged.body);
    assert.equal(code(forged), "LC_ERR_CSRF");
    const real = await app.inject({
      method: "POST",
      url: "/api/requests/onboard?dryRun=true",
      cookies,
      headers: { "x-csrf-token": csrfToken },
      payload: body,
    });
    assert.notEqual(real.statusCode, 403, real.body);

    const out = await app.inject({
      method: "POST",
      url: "/api/auth/sign-out",
      cookies,
      headers: { "x-csrf-token": csrfToken },
    });
    assert.equal(out.statusCode, 200, out.body);
    assert.equal((await app.inject({ method: "GET", url: "/api/auth/me", cookies })).statusCode, 401);
  });

  test("a wrong password answers 401 with the same words as an unknown address", async () => {
    const wrong = await app.inject({
      method: "POST",
      url: "/api/auth/sign-in",
      payload: { email: "tech@msp.test", password: "nope nope nope nope" },
    });
    const unknown = await app.inject({
      method: "POST",
      url: "/api/auth/sign-in",
      payload: { email: "who@msp.test", password },
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.equal(json<ErrorReply>(wrong).error.message, json<ErrorReply>(unknown).error.message);
    assert.equal(wrong.cookies.length, 0);
  });

  test("the sign-in link page sets the password once and signs in; a second use is refused", async () => {
    await createAccount(store, { email: "new@msp.test", role: "viewer" }, "test");
    const token = await signInLinkFor(store, "new@msp.test", "test");
    assert.ok(token);
    const weak = await app.inject({
      method: "POST",
      url: `/sign-in/${token}`,
      payload: "password=short&confirm=short",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(weak.statusCode, 400, "a weak password is asked again, the link kept");
    const form = `password=${encodeURIComponent(password)}&confirm=${encodeURIComponent(password)}`;
    const headers = { "content-type": "application/x-www-form-urlencoded" };
    const first = await app.inject({ method: "POST", url: `/sign-in/${token}`, payload: form, headers });
    assert.equal(first.statusCode, 200, first.body);
    assert.ok(first.cookies.some((c) => c.name === "lc_session"));
    const again = await app.inject({ method: "POST", url: `/sign-in/${token}`, payload: form, headers });
    assert.equal(again.statusCode, 404);
    const signIn = await app.inject({
      method: "POST",
      url: "/api/auth/sign-in",
      payload: { email: "new@msp.test", password },
    });
    assert.equal(signIn.statusCode, 200);
  });

  test("a disabled account's tokens stop at once", async () => {
    const token = await staffToken(store, { email: "leaver@msp.test", role: "technician" });
    const headers = { authorization: `Bearer ${token}` };
    assert.equal((await app.inject({ method: "GET", url: "/api/runs", headers })).statusCode, 200);
    const res = await disableAccount(store, "leaver@msp.test", "test");
    assert.ok(res.ok);
    assert.equal((await app.inject({ method: "GET", url: "/api/runs", headers })).statusCode, 401);
  });

  test("personal tokens: created over the API no wider than their owner, listed without values, revoked", async () => {
    const tech = await staffToken(store, { email: "tok@msp.test", role: "technician", clients: ["acme"] });
    const headers = { authorization: `Bearer ${tech}` };
    const wider = await app.inject({
      method: "POST",
      url: "/api/auth/tokens",
      headers,
      payload: { name: "x", role: "admin" },
    });
    assert.equal(wider.statusCode, 400, wider.body);
    const made = await app.inject({
      method: "POST",
      url: "/api/auth/tokens",
      headers,
      payload: { name: "ci", role: "viewer" },
    });
    assert.equal(made.statusCode, 201, made.body);
    const { token, info } = json<{ token: string; info: { id: string } }>(made);
    const listed = await app.inject({ method: "GET", url: "/api/auth/tokens", headers });
    assert.ok(!listed.body.includes(token.split(".")[1]!), "never the value");
    const revoke = await app.inject({ method: "DELETE", url: `/api/auth/tokens/${info.id}`, headers });
    assert.equal(revoke.statusCode, 200);
    assert.equal(
      (await app.inject({ method: "GET", url: "/api/runs", headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
      401,
    );
    const all = await app.inject({ method: "GET", url: "/api/auth/tokens?all=true", headers });
    assert.equal(all.statusCode, 403);
  });

  test("staff accounts: an admin adds one and gets its sign-in link; a technician may not", async () => {
    const admin = await staffToken(store, { email: "boss@msp.test", role: "admin" });
    const made = await app.inject({
      method: "POST",
      url: "/api/staff",
      headers: { authorization: `Bearer ${admin}` },
      payload: { email: "Added@MSP.test", role: "approver" },
    });
    assert.equal(made.statusCode, 201, made.body);
    assert.match(json<{ signInLink: string }>(made).signInLink, /\/sign-in\/lct_/);
    const tech = await staffToken(store, { email: "tech2@msp.test", role: "technician" });
    const refused = await app.inject({
      method: "POST",
      url: "/api/staff",
      headers: { authorization: `Bearer ${tech}` },
      payload: { email: "x@msp.test", role: "admin" },
    });
    assert.equal(refused.statusCode, 403);
  });
});

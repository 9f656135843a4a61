import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../../src/server/app.ts";
import { injectingToken, staffToken } from "../support/signed-in.ts";
import { createAccount, disableAccount, sessionPrincipal } from "../../src/staff/index.ts";
import { oidcCallbackPath, type OidcSettings } from "../../src/staff/oidc/index.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { Browser, startOidcPeer, throughProvider, type OidcPeer } from "../support/oidc-peer.ts";
import { assertMatchesDocument, openapi } from "./helpers.ts";

const tenant = "8f3c1a52-4d7e-4b1a-9c2e-5a6b7c8d9e0f";
const otherTenant = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
const clientId = "lifecycle-test";
const clientSecret = "a-client-secret-that-must-never-be-shown-0123456789";

// The identity provider's people, by login. Entra puts the UPN in preferred_username, in any case.
const people = {
  tina: { preferred_username: "Tina.Tech@MSP.example", email: "tina.tech@msp.example", tid: tenant },
  nobody: { preferred_username: "nobody@msp.example", tid: tenant },
  dave: { preferred_username: "dave.gone@msp.example", tid: tenant },
  outsider: { preferred_username: "tina.tech@msp.example", tid: otherTenant },
  nameless: { tid: tenant },
  unverified: { email: "tina.tech@msp.example", email_verified: false, tid: tenant },
};

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

describe("sign-in with the MSP's identity provider (OpenID Connect, against oidc-provider)", () => {
  let store: Store;
  let peer: OidcPeer;
  let app: FastifyInstance;
  let base = "";
  // A second server that matches by the email claim, without a tenant restriction.
  let byEmail: FastifyInstance;
  let byEmailBase = "";

  const settings = (over: Partial<OidcSettings>): OidcSettings => ({
    issuer: new URL(peer.issuer),
    clientId,
    clientSecret,
    claim: "preferred_username",
    publicUrl: () => base,
    ...over,
  });

  before(async () => {
    store = await openStore({});
    for (const [email, role] of [
      ["tina.tech@msp.example", "technician"],
      ["dave.gone@msp.example", "viewer"],
    ] as const) {
      const made = await createAccount(store, { email, role }, "test");
      assert.ok(made.ok, JSON.stringify(made));
    }
    assert.ok((await disableAccount(store, "dave.gone@msp.example", "test")).ok);
    peer = await startOidcPeer(people);
    app = await buildServer({ store, oidc: settings({ tenantId: tenant }) });
    base = await listen(app);
    byEmail = await buildServer({
      store,
      oidc: settings({ claim: "email", publicUrl: () => byEmailBase }),
    });
    byEmailBase = await listen(byEmail);
    peer.serve({
      clientId,
      clientSecret,
      redirectUris: [`${base}${oidcCallbackPath}`, `${byEmailBase}${oidcCallbackPath}`],
    });
  });
  after(async () => {
    await app?.close();
    await byEmail?.close();
    await peer?.close();
    await store?.close();
  });

  const count = async (table: string) =>
    (await store.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;

  /** A fresh browser goes to start, through the provider's login as `login`, up to the callback. */
  async function untilCallback(
    login: string,
    opts: { returnTo?: string; abort?: boolean; at?: string } = {},
  ) {
    const browser = new Browser();
    const start = new URL("/auth/oidc/start", opts.at ?? base);
    if (opts.returnTo !== undefined) start.searchParams.set("returnTo", opts.returnTo);
    const started = await browser.get(start);
    assert.equal(started.status, 302, await started.text());
    const authorizationUrl = new URL(started.headers.get("location")!);
    assert.equal(authorizationUrl.origin, peer.issuer);
    const callback = await throughProvider(browser, authorizationUrl, login, {
      callbackPath: oidcCallbackPath,
      ...(opts.abort ? { abort: true } : {}),
    });
    return { browser, callback, started, authorizationUrl };
  }

  async function lastAudit(action: string) {
    const [row] = await store.query<{ actor: string; subject: string; detail: Record<string, unknown> }>(
      "select actor, subject, detail from audit_log where action = $1 order by id desc limit 1",
      [action],
    );
    return row;
  }

  test("the sign-in page learns that OIDC is on, and where to start it", async () => {
    const res = await fetch(`${base}/api/auth/methods`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { password: true, oidc: { start: "/auth/oidc/start" } });
  });

  test("the JSON answers are the ones the OpenAPI document describes", async () => {
    const doc = await openapi(injectingToken(app, await staffToken(store)));
    const methods = await app.inject({ url: "/api/auth/methods" });
    assertMatchesDocument(doc, "GET", "/api/auth/methods", methods);
    const refused = await app.inject({ url: `${oidcCallbackPath}?code=x&state=y` });
    assert.equal(refused.statusCode, 400);
    assertMatchesDocument(doc, "GET", oidcCallbackPath, refused);
  });

  test("start sends the browser to the provider with PKCE (S256), state and nonce, and a short-lived HttpOnly flow cookie", async () => {
    const { started, authorizationUrl } = await untilCallback("tina");
    const q = authorizationUrl.searchParams;
    assert.equal(q.get("response_type"), "code");
    assert.equal(q.get("client_id"), clientId);
    assert.equal(q.get("redirect_uri"), `${base}${oidcCallbackPath}`);
    assert.equal(q.get("code_challenge_method"), "S256");
    assert.match(q.get("code_challenge") ?? "", /^[\w-]{43}$/);
    assert.ok(q.get("state") && q.get("nonce"));
    assert.ok(!authorizationUrl.href.includes(clientSecret));
    const [flowCookie] = started.headers.getSetCookie();
    assert.match(flowCookie ?? "", /^lc_oidc=lco_[\w-]{12}\.[\w-]{43};/);
    assert.match(flowCookie ?? "", /; Path=\/auth\/oidc\//);
    assert.match(flowCookie ?? "", /; HttpOnly/);
    assert.match(flowCookie ?? "", /; SameSite=Lax/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(flowCookie ?? "")?.[1] ?? "");
    assert.ok(expires - Date.now() <= 10 * 60_000 && expires > Date.now(), "expires within ten minutes");
  });

  test("a known account signs in: a session cookie sessionPrincipal accepts, the page asked for, the audit saying oidc", async () => {
    const before = await count("staff_sessions");
    const { browser, callback } = await untilCallback("tina", { returnTo: "/runs?status=waiting" });
    const res = await browser.get(callback);
    assert.equal(res.status, 303, await res.text());
    assert.equal(res.headers.get("location"), "/runs?status=waiting");
    assert.equal(browser.cookie(base, "lc_oidc"), undefined, "the flow cookie is cleared");
    const cookie = browser.cookie(base, "lc_session");
    assert.ok(cookie);
    const principal = await sessionPrincipal(store, cookie);
    assert.equal(
      principal?.email,
      "tina.tech@msp.example",
      "matched though the provider wrote Tina.Tech@MSP.example",
    );
    assert.equal(principal?.role, "technician");
    assert.equal(await count("staff_sessions"), before + 1);
    const audit = await lastAudit("staff.sign-in");
    assert.equal(audit?.actor, "tina.tech@msp.example");
    assert.equal(audit?.subject, `session:${principal?.sessionId}`);
    assert.deepEqual(audit?.detail, { method: "oidc", issuer: peer.issuer, subject: "tina" });
  });

  test("an identity with no staff account is refused, told an administrator adds staff first, and gets no session", async () => {
    const before = await count("staff_sessions");
    const { browser, callback } = await untilCallback("nobody");
    const res = await browser.get(callback);
    const page = await res.text();
    assert.equal(res.status, 403);
    assert.match(page, /never creates accounts/);
    assert.match(page, /administrator/);
    assert.ok(!page.includes("nobody@msp.example"), "the page does not repeat the identity");
    assert.equal(browser.cookie(base, "lc_session"), undefined);
    assert.equal(await count("staff_sessions"), before);
    const audit = await lastAudit("staff.sign-in-refused");
    assert.equal(audit?.actor, "nobody@msp.example");
    assert.equal(audit?.detail.why, "unknown");
    assert.equal(audit?.detail.method, "oidc");
  });

  test("a disabled account, and an identity without the claim, get the very page an unknown one gets", async () => {
    const before = await count("staff_sessions");
    const pages: string[] = [];
    for (const login of ["nobody", "dave", "nameless"]) {
      const { browser, callback } = await untilCallback(login);
      const res = await browser.get(callback);
      assert.equal(res.status, 403, login);
      pages.push(await res.text());
      assert.equal(browser.cookie(base, "lc_session"), undefined, login);
    }
    assert.equal(pages[1], pages[0], "disabled reads as unknown");
    assert.equal(pages[2], pages[0], "no claim reads as unknown");
    assert.equal(await count("staff_sessions"), before);
    assert.equal((await lastAudit("staff.sign-in-refused"))?.detail.why, "no-claim");
  });

  test("an ID token from another tenant is refused, even naming a known address", async () => {
    const before = await count("staff_sessions");
    const { browser, callback } = await untilCallback("outsider");
    const res = await browser.get(callback);
    assert.equal(res.status, 403);
    assert.match(await res.text(), /another organisation/);
    assert.equal(browser.cookie(base, "lc_session"), undefined);
    assert.equal(await count("staff_sessions"), before);
    assert.equal((await lastAudit("staff.sign-in-refused"))?.detail.why, "tenant");
  });

  test("a tampered state is refused and ends the flow: the untampered callback after it is refused too", async () => {
    const before = await count("staff_sessions");
    const { browser, callback } = await untilCallback("tina");
    const cookies = browser.snapshot();
    const tampered = new URL(callback);
    tampered.searchParams.set("state", `${callback.searchParams.get("state")}x`);
    const res = await browser.get(tampered);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /Start again/);
    browser.restore(cookies);
    const honest = await browser.get(callback);
    assert.equal(honest.status, 400, "the flow was used up by the tampered callback");
    assert.equal(browser.cookie(base, "lc_session"), undefined);
    assert.equal(await count("staff_sessions"), before);
  });

  test("a callback replayed with the cookies it first came with is refused: a flow is used once", async () => {
    const { browser, callback } = await untilCallback("tina");
    const cookies = browser.snapshot();
    assert.equal((await browser.get(callback)).status, 303);
    const after = await count("staff_sessions");
    const replay = new Browser();
    replay.restore(cookies);
    const res = await replay.get(callback);
    assert.equal(res.status, 400);
    assert.equal(replay.cookie(base, "lc_session"), undefined);
    assert.equal(await count("staff_sessions"), after);
  });

  test("a callback in a browser that did not start the flow is refused (no login CSRF); an API client gets the envelope", async () => {
    const before = await count("staff_sessions");
    const { callback } = await untilCallback("tina");
    const res = await fetch(callback, { redirect: "manual", headers: { accept: "application/json" } });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, "LC_ERR_VALIDATION");
    assert.match(body.error.message, /not started in this browser/);
    assert.equal(res.headers.getSetCookie().filter((c) => c.startsWith("lc_session=")).length, 0);
    assert.equal(await count("staff_sessions"), before);
  });

  test("the provider's error (the person cancelled) is shown by its code, and signs nobody in", async () => {
    const before = await count("staff_sessions");
    const { browser, callback } = await untilCallback("tina", { abort: true });
    assert.equal(callback.searchParams.get("error"), "access_denied");
    const res = await browser.get(callback);
    assert.equal(res.status, 403);
    assert.match(await res.text(), /access_denied/);
    assert.equal(browser.cookie(base, "lc_session"), undefined);
    assert.equal(await count("staff_sessions"), before);
  });

  test("returnTo on another origin is not followed: the sign-in lands on /", async () => {
    for (const returnTo of ["https://evil.example/phish", "//evil.example/phish", "/.//evil.example"]) {
      const { browser, callback } = await untilCallback("tina", { returnTo });
      const res = await browser.get(callback);
      assert.equal(res.status, 303, returnTo);
      assert.equal(res.headers.get("location"), "/", returnTo);
    }
    const { browser, callback } = await untilCallback("tina", { returnTo: `${base}/clients/acme` });
    assert.equal(
      (await browser.get(callback)).headers.get("location"),
      "/clients/acme",
      "own origin: its path",
    );
  });

  test("matched by email: a verified address signs in, one the provider says is unverified does not", async () => {
    const signedIn = await untilCallback("tina", { at: byEmailBase });
    assert.equal((await signedIn.browser.get(signedIn.callback)).status, 303);
    const principal = await sessionPrincipal(store, signedIn.browser.cookie(byEmailBase, "lc_session") ?? "");
    assert.equal(principal?.email, "tina.tech@msp.example");

    const before = await count("staff_sessions");
    const refused = await untilCallback("unverified", { at: byEmailBase });
    assert.equal((await refused.browser.get(refused.callback)).status, 403);
    assert.equal(await count("staff_sessions"), before);
    assert.equal((await lastAudit("staff.sign-in-refused"))?.detail.why, "unverified");
  });

  test("a provider that does not answer makes start answer 503, and the next start tries discovery again", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = await buildServer({
      store,
      oidc: settings({ issuer: new URL(`http://127.0.0.1:${port}`) }),
    });
    try {
      for (let i = 0; i < 2; i++) {
        const res = await down.inject({ url: "/auth/oidc/start", headers: { accept: "application/json" } });
        assert.equal(res.statusCode, 503);
        assert.equal(res.json<{ error: { code: string } }>().error.code, "LC_ERR_UNAVAILABLE");
        assert.equal(res.headers["set-cookie"], undefined, "no flow is started");
      }
    } finally {
      await down.close();
    }
  });

  test("without OIDC settings the routes do not exist and the sign-in page is told so", async () => {
    const off = await buildServer({ store });
    try {
      const methods = await off.inject({ url: "/api/auth/methods" });
      assert.deepEqual(methods.json(), { password: true, oidc: null });
      assert.equal((await off.inject({ url: "/auth/oidc/start" })).statusCode, 404);
      assert.equal((await off.inject({ url: oidcCallbackPath })).statusCode, 404);
    } finally {
      await off.close();
    }
  });

  test("no answer carries the client secret", async () => {
    const { browser, callback } = await untilCallback("nobody");
    const res = await browser.get(callback);
    assert.ok(!(await res.text()).includes(clientSecret));
    const audit = await store.query<{ detail: unknown }>("select detail from audit_log");
    assert.ok(!JSON.stringify(audit).includes(clientSecret), "nor does the audit log");
  });
});

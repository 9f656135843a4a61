import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import type { OneTimeLinks } from "../../src/ports/index.ts";
import { keyring, type KeySource } from "../../src/credentials/keys.ts";
import { oneTimeLinks } from "../../src/credentials/one-time-links.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import { buildServer } from "../../src/server/app.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { assertMatchesDocument, json, openapi, type ErrorReply } from "../server/helpers.ts";

const pass = "TAP-9f3k!x";
const inAnHour = () => new Date(Date.now() + 3600_000);

describe("one-time links", () => {
  let store: Store;
  let app: FastifyInstance;
  let links: OneTimeLinks;
  const ring = keyring(randomBytes(32));
  const keys: KeySource = () => ring;
  const pathOf = (url: string) => new URL(url).pathname;

  before(async () => {
    store = await openStore({});
    app = await buildServer({ store, keys });
    links = oneTimeLinks({ sql: store, keys, publicUrl: () => "https://lifecycle.msp.example/" });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const reveal = (path: string, headers: Record<string, string> = {}) =>
    app.inject({ method: "POST", url: `${path}/reveal`, headers });

  test("a link points at the public URL, and only the token's hash and the sealed secret are stored", async () => {
    const { url } = await links.share("run-1:tap", pass, {
      label: "Sarah's first sign-in",
      expiresAt: inAnHour(),
    });
    assert.match(url, /^https:\/\/lifecycle\.msp\.example\/credentials\/[\w-]{43}$/);
    const token = url.split("/").pop() ?? "";
    const dump = JSON.stringify(await store.query("select * from one_time_links"));
    assert.doesNotMatch(dump, new RegExp(`${pass}|${token}`));
  });

  test("the page shows a button and does not use the link up, however often it is fetched", async () => {
    const { url } = await links.share("run-2:tap", pass, {
      label: "Sarah's first sign-in",
      expiresAt: inAnHour(),
    });
    for (let i = 0; i < 3; i++) {
      const page = await app.inject({ method: "GET", url: pathOf(url) });
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers["content-type"]), /text\/html/);
      assert.equal(page.headers["cache-control"], "no-store");
      assert.match(page.body, /<button[^>]*>Show<\/button>/);
      assert.match(page.body, /Sarah&#39;s first sign-in/);
      assert.doesNotMatch(page.body, new RegExp(pass));
    }
    const res = await reveal(pathOf(url));
    assert.equal(res.statusCode, 200);
    assert.deepEqual(json(res), { label: "Sarah's first sign-in", secret: pass });
  });

  test("the secret is revealed once; the second reveal answers 410 and the page says it was used", async () => {
    const { url } = await links.share("run-3:tap", pass, { label: "TAP", expiresAt: inAnHour() });
    const doc = await openapi(app);
    const first = await reveal(pathOf(url));
    assert.equal(first.statusCode, 200);
    assertMatchesDocument(doc, "POST", "/credentials/{token}/reveal", first);
    const second = await reveal(pathOf(url));
    assert.equal(second.statusCode, 410);
    assert.equal(json<ErrorReply>(second).error.code, "LC_ERR_GONE");
    assert.match(json<ErrorReply>(second).error.message, /already opened/);
    assertMatchesDocument(doc, "POST", "/credentials/{token}/reveal", second);
    const page = await app.inject({ method: "GET", url: pathOf(url) });
    assert.equal(page.statusCode, 410);
    assert.match(page.body, /already shown/);
    const [row] = await store.query<{ ciphertext: string | null }>(
      "select ciphertext from one_time_links where key = 'run-3:tap'",
    );
    assert.equal(row?.ciphertext, null, "the sealed secret is erased once shown");
  });

  test("a browser's form post gets the secret as a page", async () => {
    const { url } = await links.share("run-4:tap", pass, { label: "TAP", expiresAt: inAnHour() });
    const res = await app.inject({
      method: "POST",
      url: `${pathOf(url)}/reveal`,
      headers: { accept: "text/html", "content-type": "application/x-www-form-urlencoded" },
      payload: "",
    });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["content-type"]), /text\/html/);
    assert.match(res.body, new RegExp(`<code>${pass.replace("!", "!")}</code>`));
    const again = await app.inject({
      method: "POST",
      url: `${pathOf(url)}/reveal`,
      headers: { accept: "text/html", "content-type": "application/x-www-form-urlencoded" },
      payload: "",
    });
    assert.equal(again.statusCode, 410);
    assert.doesNotMatch(again.body, new RegExp(pass));
  });

  test("an expired link answers 410 to both the page and the reveal", async () => {
    const { url } = await links.share("run-5:tap", pass, {
      label: "TAP",
      expiresAt: new Date(Date.now() - 1000),
    });
    assert.equal((await app.inject({ method: "GET", url: pathOf(url) })).statusCode, 410);
    const res = await reveal(pathOf(url));
    assert.equal(res.statusCode, 410);
    assert.match(json<ErrorReply>(res).error.message, /expired/);
    await links.share("run-6:tap", pass, { label: "TAP", expiresAt: new Date(Date.now() + 60_000) });
    const [row] = await store.query<{ ciphertext: string | null }>(
      `select ciphertext from one_time_links where key = 'run-5:tap'`,
    );
    assert.equal(row?.ciphertext, null, "an expired secret is erased, not kept");
  });

  test("an unknown token answers 404", async () => {
    assert.equal((await app.inject({ method: "GET", url: "/credentials/nope" })).statusCode, 404);
    const res = await reveal("/credentials/nope");
    assert.equal(res.statusCode, 404);
    assert.equal(json<ErrorReply>(res).error.code, "LC_ERR_NOT_FOUND");
  });

  test("sharing again under the same key replaces the secret and retires the earlier link", async () => {
    const first = await links.share("run-6:tap", "old-pass", { label: "TAP", expiresAt: inAnHour() });
    const second = await links.share("run-6:tap", pass, { label: "TAP", expiresAt: inAnHour() });
    assert.notEqual(first.url, second.url);
    assert.equal((await reveal(pathOf(first.url))).statusCode, 404);
    assert.equal(json<{ secret: string }>(await reveal(pathOf(second.url))).secret, pass);
    const [row] = await store.query<{ n: number }>(
      "select count(*)::int as n from one_time_links where key = 'run-6:tap'",
    );
    assert.equal(row?.n, 1);
  });

  test("without a public URL, sharing fails clearly and stores nothing", async () => {
    const nowhere = oneTimeLinks({ sql: store, keys, publicUrl: () => undefined });
    await assert.rejects(
      nowhere.share("run-7:tap", pass, { label: "TAP", expiresAt: inAnHour() }),
      (err: unknown) => err instanceof LifecycleError && /LIFECYCLE_PUBLIC_URL/.test(err.message),
    );
    assert.equal((await store.query("select 1 from one_time_links where key = 'run-7:tap'")).length, 0);
  });
});

import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance, InjectOptions } from "fastify";
import type { LinkOwner, OneTimeLinks } from "../../src/ports/index.ts";
import { keyring, type KeySource } from "../../src/credentials/keys.ts";
import { linksOfRun, oneTimeLinks, reissueLink } from "../../src/credentials/one-time-links.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import { signedInServer } from "../support/signed-in.ts";
import { linkLimits } from "../../src/server/link-pages.ts";
import { verifyAudit } from "../../src/store/audit/verify.ts";
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
  // Each test comes from its own address, so the per-address limit is only met where a test means it.
  let lastOctet = 0;
  const address = () => `198.51.100.${++lastOctet}`;

  before(async () => {
    store = await openStore({});
    app = await signedInServer({ store, keys });
    links = oneTimeLinks({ sql: store, keys, publicUrl: () => "https://lifecycle.msp.example/" });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const owner = (): LinkOwner => ({ runId: randomUUID(), actionKey: "tap" });
  /** Shares `secret` for a new step and returns the link's id and the address its message would carry. */
  async function shared(secret = pass, expiresAt = inAnHour(), o = owner()) {
    const link = await links.share(o, secret, { label: "Sarah's first sign-in", expiresAt });
    const a = await links.address(link.linkId);
    return { ...link, owner: o, url: a.kind === "ready" ? a.url : assert.fail(JSON.stringify(a)) };
  }
  const inject = (opts: InjectOptions & { remoteAddress?: string }, from = address()) =>
    app.inject({ remoteAddress: from, ...opts });
  const reveal = (path: string, headers: Record<string, string> = {}, from = address()) =>
    inject({ method: "POST", url: `${path}/reveal`, headers }, from);

  test("the store keeps the token's hash and the sealed secret; the address is derived again, the same each time", async () => {
    const link = await shared();
    assert.match(link.linkId, /^[0-9a-f-]{36}:tap#1$/);
    assert.equal(link.state, "created");
    assert.match(link.url, /^https:\/\/lifecycle\.msp\.example\/credentials\/[\w-]{43}$/);
    const again = await links.address(link.linkId);
    assert.equal(again.kind === "ready" && again.url, link.url, "a message sent again carries the same link");
    const token = link.url.split("/").pop() ?? "";
    const dump = JSON.stringify(await store.query("select * from one_time_links"));
    assert.doesNotMatch(dump, new RegExp(`${pass}|${token}`));
  });

  test("the page shows a button and does not use the link up, however often it is fetched", async () => {
    const { url } = await shared();
    for (let i = 0; i < 3; i++) {
      const page = await inject({ method: "GET", url: pathOf(url) });
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

  test("the secret is revealed once, the reveal is on the run's timeline and in the audit log by link id; the second answers 410", async () => {
    const link = await shared();
    const doc = await openapi(app);
    const first = await reveal(pathOf(link.url), {}, "203.0.113.7");
    assert.equal(first.statusCode, 200);
    assertMatchesDocument(doc, "POST", "/credentials/{token}/reveal", first);
    const second = await reveal(pathOf(link.url));
    assert.equal(second.statusCode, 410);
    assert.equal(json<ErrorReply>(second).error.code, "LC_ERR_GONE");
    assert.match(json<ErrorReply>(second).error.message, /already opened/);
    assertMatchesDocument(doc, "POST", "/credentials/{token}/reveal", second);
    const page = await inject({ method: "GET", url: pathOf(link.url) });
    assert.equal(page.statusCode, 410);
    assert.match(page.body, /already shown/);
    const [row] = await store.query<{ ciphertext: string | null }>(
      "select ciphertext from one_time_links where run_id = $1",
      [link.owner.runId],
    );
    assert.equal(row?.ciphertext, null, "the sealed secret is erased once shown");

    const events = await store.query<{ type: string; action_key: string; detail: unknown; message: string }>(
      "select type, action_key, detail, message from events where run_id = $1",
      [link.owner.runId],
    );
    assert.deepEqual(
      events.map((e) => [e.type, e.action_key, e.detail]),
      [["link.viewed", "tap", { linkId: link.linkId, state: "viewed" }]],
      "one event, for the one reveal",
    );
    const audit = await store.query<{ actor: string; subject: string; detail: Record<string, unknown> }>(
      "select actor, subject, detail from audit_log where action = 'link.viewed' and subject = $1",
      [link.linkId],
    );
    assert.equal(audit.length, 1, "one audit entry, for the one reveal");
    assert.equal(audit[0]?.detail.address, "203.0.113.7");
    assert.match(audit[0]?.actor ?? "", /203\.0\.113\.7/);
    const token = link.url.split("/").pop() ?? "";
    assert.doesNotMatch(JSON.stringify([events, audit]), new RegExp(`${token}|${pass}`));
    assert.deepEqual((await verifyAudit(store)).problems, []);
    assert.deepEqual(
      (await linksOfRun(store, link.owner.runId)).map((l) => [l.linkId, l.state]),
      [[link.linkId, "viewed"]],
    );
  });

  test("a browser's form post gets the secret as a page", async () => {
    const { url } = await shared();
    const form = { accept: "text/html", "content-type": "application/x-www-form-urlencoded" };
    const res = await inject({ method: "POST", url: `${pathOf(url)}/reveal`, headers: form, payload: "" });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["content-type"]), /text\/html/);
    assert.match(res.body, new RegExp(`<code>${pass}</code>`));
    const again = await inject({ method: "POST", url: `${pathOf(url)}/reveal`, headers: form, payload: "" });
    assert.equal(again.statusCode, 410);
    assert.doesNotMatch(again.body, new RegExp(pass));
  });

  test("an expired link answers 410 to both the page and the reveal, and its secret is erased", async () => {
    const expired = await links.share(owner(), pass, {
      label: "TAP",
      expiresAt: new Date(Date.now() - 1000),
    });
    assert.deepEqual(await links.address(expired.linkId), {
      kind: "unavailable",
      state: "expired",
      reason: `one-time link ${expired.linkId} is expired`,
    });
    const { url, owner: o } = await shared();
    await store.query(
      "update one_time_links set expires_at = now() - interval '1 second' where run_id = $1",
      [o.runId],
    );
    assert.equal((await inject({ method: "GET", url: pathOf(url) })).statusCode, 410);
    const res = await reveal(pathOf(url));
    assert.equal(res.statusCode, 410);
    assert.match(json<ErrorReply>(res).error.message, /expired/);
    await shared();
    const [row] = await store.query<{ ciphertext: string | null }>(
      "select ciphertext from one_time_links where key = $1",
      [expired.linkId.replace(/#\d+$/, "")],
    );
    assert.equal(row?.ciphertext, null, "an expired secret is erased, not kept");
  });

  test("an unknown, a wrong and a malformed token all answer the same 404", async () => {
    const { url } = await shared();
    const good = url.split("/").pop() ?? "";
    const wrong = `${good.slice(0, -1)}${good.endsWith("A") ? "B" : "A"}`;
    const answers = [];
    // A token with U+0000 in it is refused as a field error before any lookup (the server's input hygiene).
    for (const token of ["nope", randomBytes(32).toString("base64url"), wrong, "%27%3C%3E", "a".repeat(90)]) {
      const page = await inject({ method: "GET", url: `/credentials/${token}` });
      const res = await reveal(`/credentials/${token}`);
      answers.push([page.statusCode, page.body, res.statusCode, res.body]);
    }
    assert.equal(new Set(answers.map((a) => JSON.stringify(a))).size, 1, JSON.stringify(answers));
    assert.equal(answers[0]?.[2], 404);
    assert.deepEqual(JSON.parse(String(answers[0]?.[3])), {
      error: { code: "LC_ERR_NOT_FOUND", message: "no such one-time link" },
    });
  });

  test("sharing again for the same step replaces the secret and revokes the earlier link", async () => {
    const o = owner();
    const first = await shared("old-pass", inAnHour(), o);
    const second = await shared(pass, inAnHour(), o);
    assert.equal(second.linkId, `${o.runId}:tap#2`);
    assert.notEqual(first.url, second.url);
    assert.equal((await reveal(pathOf(first.url))).statusCode, 404);
    assert.equal((await links.address(first.linkId)).kind, "unavailable");
    assert.equal(json<{ secret: string }>(await reveal(pathOf(second.url))).secret, pass);
    const [row] = await store.query<{ n: number }>(
      "select count(*)::int as n from one_time_links where run_id = $1",
      [o.runId],
    );
    assert.equal(row?.n, 1);
  });

  test("a re-issue revokes the old link and the new one opens the same secret; an opened link cannot be", async () => {
    const link = await shared();
    const { revoked, link: next } = await store.tx((sql) => reissueLink(sql, keys, link.owner));
    assert.equal(revoked, link.linkId);
    assert.equal(next.linkId, `${link.owner.runId}:tap#2`);
    const a = await links.address(next.linkId);
    assert.ok(a.kind === "ready");
    assert.notEqual(a.url, link.url);
    assert.equal((await reveal(pathOf(link.url))).statusCode, 404, "the old link no longer opens");
    assert.deepEqual(await links.address(link.linkId), {
      kind: "unavailable",
      state: "revoked",
      reason: `one-time link ${link.linkId} was replaced by ${next.linkId}`,
    });
    assert.deepEqual(
      (await linksOfRun(store, link.owner.runId)).map((l) => [l.linkId, l.state]),
      [
        [link.linkId, "revoked"],
        [next.linkId, "created"],
      ],
    );
    assert.equal(json<{ secret: string }>(await reveal(pathOf(a.url))).secret, pass);
    await assert.rejects(
      store.tx((sql) => reissueLink(sql, keys, link.owner)),
      (e: unknown) =>
        e instanceof LifecycleError && e.failure.code === "LINK_SPENT" && /was opened/.test(e.message),
    );
  });

  test("reveals are limited per address: one too many answers 429 in the error envelope", async () => {
    const { url } = await shared();
    const from = address();
    for (let i = 0; i < linkLimits.perAddress.max; i++)
      assert.notEqual(
        (await reveal(`/credentials/${randomBytes(32).toString("base64url")}`, {}, from)).statusCode,
        429,
        `request ${i + 1}`,
      );
    const limited = await reveal(pathOf(url), {}, from);
    assert.equal(limited.statusCode, 429);
    assert.equal(json<ErrorReply>(limited).error.code, "LC_ERR_RATE_LIMITED");
    assert.ok(Number(limited.headers["retry-after"]) > 0, "it says when to try again");
    assertMatchesDocument(await openapi(app), "POST", "/credentials/{token}/reveal", limited);
    assert.equal((await reveal(pathOf(url))).statusCode, 200, "from another address the link still opens");
  });

  test("reveals are limited per link, from however many addresses", async () => {
    const token = randomBytes(32).toString("base64url");
    for (let i = 0; i < linkLimits.perLink.max; i++)
      assert.equal((await reveal(`/credentials/${token}`)).statusCode, 404, `request ${i + 1}`);
    const limited = await reveal(`/credentials/${token}`);
    assert.equal(limited.statusCode, 429);
    assert.equal(json<ErrorReply>(limited).error.code, "LC_ERR_RATE_LIMITED");
    const page = await inject({ method: "GET", url: `/credentials/${token}` });
    assert.equal(page.statusCode, 429, "the page counts against the same link");
  });

  test("without a public URL, sharing and the address fail clearly, and nothing is stored", async () => {
    const nowhere = oneTimeLinks({ sql: store, keys, publicUrl: () => undefined });
    const o = owner();
    await assert.rejects(
      nowhere.share(o, pass, { label: "TAP", expiresAt: inAnHour() }),
      (err: unknown) => err instanceof LifecycleError && /LIFECYCLE_PUBLIC_URL/.test(err.message),
    );
    assert.deepEqual(await linksOfRun(store, o.runId), []);
    const link = await links.share(o, pass, { label: "TAP", expiresAt: inAnHour() });
    await assert.rejects(
      nowhere.address(link.linkId),
      (err: unknown) => err instanceof LifecycleError && /LIFECYCLE_PUBLIC_URL/.test(err.message),
    );
  });
});

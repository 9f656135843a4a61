import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  collect,
  followLinks,
  HttpClient,
  nextFromLinkHeader,
  numberedPages,
  odataJsonBatch,
  VendorError,
  type Classified,
} from "../../../src/connectors/http/index.ts";
import { runInStepScope } from "../../../src/observability/step-scope.ts";
import { json, startPeer } from "./peer.ts";

const classify = (): Classified => ({ kind: "invalid", code: "VENDOR_INVALID", message: "refused" });

describe("paging and batching against a real peer", () => {
  let peer: Awaited<ReturnType<typeof startPeer>>;
  before(async () => (peer = await startPeer()));
  after(() => peer.close());
  const http = (batchWindowMs = 0) =>
    new HttpClient({
      api: "graph",
      classify,
      ...(batchWindowMs
        ? { batching: { windowMs: batchWindowMs, envelope: odataJsonBatch(3), url: `${peer.url}/$batch` } }
        : {}),
    });

  test("next links are followed as given until a page has none", async () => {
    peer.on((s, res) => {
      const n = Number(new URL(s.url, peer.url).searchParams.get("cursor") ?? 0);
      json(res, 200, {
        items: [n * 2, n * 2 + 1],
        pageDetails: { nextPageUrl: n < 2 ? `${peer.url}/contacts?cursor=${n + 1}` : null },
      });
    });
    const c = http();
    const items = await collect(
      followLinks<number>("autotask", `${peer.url}/contacts`, async (url) => {
        const page = await c.request<{ items: number[]; pageDetails: { nextPageUrl: string | null } }>({
          method: "GET",
          url,
          call: "GET /contacts",
        });
        return { items: page.body.items, next: page.body.pageDetails.nextPageUrl };
      }),
    );
    assert.deepEqual(items, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(
      peer.seen.map((s) => s.url),
      ["/contacts", "/contacts?cursor=1", "/contacts?cursor=2"],
    );
  });

  test("a page that links to itself ends in an error, not a loop", async () => {
    peer.on((s, res) => json(res, 200, { items: [1], next: `${peer.url}/loop` }));
    const c = http();
    await assert.rejects(
      collect(
        followLinks<number>("hudu", `${peer.url}/loop`, async (url) => {
          const page = await c.request<{ items: number[]; next: string }>({
            method: "GET",
            url,
            call: "GET /loop",
          });
          return { items: page.body.items, next: page.body.next };
        }),
      ),
      (e: VendorError) => e.failure.code === "MALFORMED_RESPONSE" && e.vendor.api === "hudu",
    );
  });

  test("page numbers stop at a short page, at the total, or when the vendor says it was the last", async () => {
    const people = Array.from({ length: 7 }, (_, i) => `p${i}`);
    peer.on((s, res) => {
      const q = new URL(s.url, peer.url).searchParams;
      const size = Number(q.get("page_size"));
      const page = Number(q.get("page_no"));
      json(res, 200, { users: people.slice((page - 1) * size, page * size), record_count: people.length });
    });
    const c = http();
    const read = (pageSize: number, useTotal: boolean) =>
      collect(
        numberedPages<string>(
          "halopsa",
          async (page, size) => {
            const res = await c.request<{ users: string[]; record_count: number }>({
              method: "GET",
              url: `${peer.url}/api/Users?pageinate=true&page_size=${size}&page_no=${page}`,
              call: "GET /api/Users",
            });
            return { items: res.body.users, ...(useTotal ? { total: res.body.record_count } : {}) };
          },
          { pageSize },
        ),
      );
    assert.deepEqual(await read(3, false), people);
    assert.equal(peer.seen.length, 3, "3 + 3 + 1: the short page is the last");
    peer.seen.length = 0;
    assert.deepEqual(await read(7, true), people);
    assert.equal(peer.seen.length, 1, "the total was reached: no empty page asked for");
    peer.seen.length = 0;
    assert.deepEqual(await read(7, false), people);
    assert.equal(peer.seen.length, 2, "without a total, a full page needs the next (empty) one to end");
  });

  test("Link headers give their rel=next target", () => {
    const header =
      '<https://api.example/company/contacts?page=1>; rel="first", <https://api.example/company/contacts?page=3&x=a,b>; rel="next", <https://api.example/company/contacts?page=9>; rel="last"';
    assert.equal(nextFromLinkHeader(header), "https://api.example/company/contacts?page=3&x=a,b");
    assert.equal(nextFromLinkHeader('<https://a/p?pageId=5>; rel="prev next"'), "https://a/p?pageId=5");
    assert.equal(nextFromLinkHeader('<https://a/p?page=1>; rel="first"'), undefined);
    assert.equal(nextFromLinkHeader(null), undefined);
  });

  test("requests sent together travel as one batch, each with its own answer; a lone one goes direct", async () => {
    peer.on((s, res) => {
      if (s.url !== "/$batch") return json(res, 200, { direct: s.url });
      const { requests } = JSON.parse(s.text) as { requests: { id: string; url: string }[] };
      json(res, 200, {
        responses: requests
          .map((r) => ({
            id: r.id,
            status: r.url.includes("missing") ? 400 : 200,
            headers: { "request-id": `item-${r.id}` },
            body: r.url.includes("missing") ? { code: "Nope" } : { url: r.url },
          }))
          .reverse(),
      });
    });
    const c = http(5);
    const get = (path: string) =>
      c.request<{ url?: string; direct?: string }>({
        method: "GET",
        url: `${peer.url}${path}`,
        batchUrl: path,
        call: `GET ${path}`,
      });
    const [a, b, missing] = await Promise.allSettled([get("/a"), get("/b"), get("/missing")]);
    assert.equal(a.status === "fulfilled" && a.value.body.url, "/a");
    assert.equal(b.status === "fulfilled" && b.value.requestId, "item-2");
    assert.ok(missing.status === "rejected" && missing.reason instanceof VendorError);
    assert.equal(missing.reason.failure.requestId, "item-3");
    assert.deepEqual(
      peer.seen.map((s) => s.url),
      ["/$batch"],
    );
    peer.seen.length = 0;
    assert.equal((await get("/alone")).body.direct, "/alone");
  });

  test("an urgent step's call goes alone at once, while the others' share a batch", async () => {
    peer.on((s, res) => {
      if (s.url !== "/$batch") return json(res, 200, { direct: s.url });
      const { requests } = JSON.parse(s.text) as { requests: { id: string; url: string }[] };
      json(res, 200, { responses: requests.map((r) => ({ id: r.id, status: 200, body: { url: r.url } })) });
    });
    const c = http(50);
    const get = (path: string) =>
      c.request<{ url?: string; direct?: string }>({
        method: "PATCH",
        url: `${peer.url}${path}`,
        batchUrl: path,
        call: `PATCH ${path}`,
        body: {},
      });
    const lockout = runInStepScope({ calls: [], urgent: true }, () => get("/users/leaver"));
    const bulk = Promise.all([get("/users/hire1"), get("/users/hire2")]);
    assert.equal((await lockout).body.direct, "/users/leaver");
    assert.deepEqual(
      (await bulk).map((r) => r.body.url),
      ["/users/hire1", "/users/hire2"],
    );
    // Sent before the batch's window closed, not with it.
    assert.deepEqual(
      peer.seen.map((s) => s.url),
      ["/users/leaver", "/$batch"],
    );
  });

  test("a step that gives up before its batch leaves is taken out of it", async () => {
    peer.on((s, res) => {
      const { requests } = JSON.parse(s.text) as { requests: { id: string; url: string }[] };
      json(res, 200, { responses: requests.map((r) => ({ id: r.id, status: 200, body: { url: r.url } })) });
    });
    const c = http(50);
    const controller = new AbortController();
    const get = (path: string) =>
      c.request<{ url: string }>({
        method: "GET",
        url: `${peer.url}${path}`,
        batchUrl: path,
        call: `GET ${path}`,
      });
    const quitter = runInStepScope({ calls: [], signal: controller.signal }, () => get("/quitter"));
    controller.abort(new Error("lease lost"));
    const others = Promise.all([get("/x"), get("/y")]);
    await assert.rejects(quitter, (e: VendorError) => e.failure.code === "ABORTED");
    assert.deepEqual(
      (await others).map((r) => r.body.url),
      ["/x", "/y"],
    );
    const sent = JSON.parse(peer.seen[0]!.text) as { requests: { url: string }[] };
    assert.deepEqual(
      sent.requests.map((r) => r.url),
      ["/x", "/y"],
    );
  });
});

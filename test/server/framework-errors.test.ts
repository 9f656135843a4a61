import assert from "node:assert/strict";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { test } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { errorCatalogue } from "../../src/server/errors.ts";
import { clientErrorHandler } from "../../src/server/framework-errors.ts";
import { buildServer } from "../../src/server/app.ts";
import { json, stubAdminToken, stubStore, type ErrorReply } from "./helpers.ts";

const store = stubStore(async () => []);
const token = stubAdminToken;
const auth = { authorization: `Bearer ${token}` };

function envelope(res: LightMyRequestResponse, code: keyof typeof errorCatalogue): void {
  assert.equal(res.statusCode, errorCatalogue[code].status, res.body);
  const body = json<ErrorReply>(res);
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.equal(body.error.code, code);
}

test("a path segment too long for the router answers 414 LC_ERR_URI_TOO_LONG, after the bearer check", async () => {
  const app = await buildServer({ store });
  const url = `/api/clients/${"a".repeat(2000)}`;
  envelope(await app.inject({ method: "GET", url }), "LC_ERR_UNAUTHENTICATED");
  const res = await app.inject({ method: "GET", url, headers: auth });
  envelope(res, "LC_ERR_URI_TOO_LONG");
  assert.ok(res.body.length < 200, "the path is not echoed back");
  await app.close();
});

test("an identifier past the route's own limit but within the router's is a field error", async () => {
  const app = await buildServer({ store });
  const res = await app.inject({ method: "GET", url: `/api/clients/${"a".repeat(150)}`, headers: auth });
  envelope(res, "LC_ERR_VALIDATION");
  assert.deepEqual(json<ErrorReply>(res).error.fields, [
    { field: "id", message: "must be at most 100 characters" },
  ]);
  await app.close();
});

test("a %-escape that is not UTF-8 answers 400 LC_ERR_MALFORMED_REQUEST, after the bearer check", async () => {
  const app = await buildServer({ store });
  envelope(await app.inject({ method: "GET", url: "/api/clients/%ED%A0%80" }), "LC_ERR_UNAUTHENTICATED");
  envelope(
    await app.inject({ method: "GET", url: "/api/clients/%ED%A0%80", headers: auth }),
    "LC_ERR_MALFORMED_REQUEST",
  );
  // The one-time link pages are outside /api and its token.
  envelope(await app.inject({ method: "GET", url: "/credentials/%C0" }), "LC_ERR_MALFORMED_REQUEST");
  await app.close();
});

test("a known path with another method answers 405 LC_ERR_METHOD_NOT_ALLOWED with Allow, after auth", async () => {
  const app = await buildServer({ store });
  envelope(await app.inject({ method: "DELETE", url: "/api/clients" }), "LC_ERR_UNAUTHENTICATED");
  const res = await app.inject({ method: "DELETE", url: "/api/clients", headers: auth });
  envelope(res, "LC_ERR_METHOD_NOT_ALLOWED");
  assert.equal(res.headers.allow, "GET, HEAD, POST");
  const put = await app.inject({
    method: "PATCH",
    url: "/api/runs/0b8e4c44-5d0f-4a57-9d25-8e1f6c1f0c11/approve",
    headers: auth,
  });
  envelope(put, "LC_ERR_METHOD_NOT_ALLOWED");
  assert.equal(put.headers.allow, "POST");
  await app.close();
});

test("an unknown /api path is answered after the bearer check; one outside /api is a plain 404", async () => {
  const app = await buildServer({ store });
  envelope(await app.inject({ method: "GET", url: "/api/nothing-here" }), "LC_ERR_UNAUTHENTICATED");
  envelope(await app.inject({ method: "GET", url: "/api/nothing-here", headers: auth }), "LC_ERR_NOT_FOUND");
  envelope(await app.inject({ method: "GET", url: "/nothing-here" }), "LC_ERR_NOT_FOUND");
  await app.close();
});

test("413 and 415 come after the bearer check, in the envelope", async () => {
  const app = await buildServer({ store });
  const url = "/api/runs/0b8e4c44-5d0f-4a57-9d25-8e1f6c1f0c11/cancel";
  const big = { method: "POST" as const, url, payload: `"${"x".repeat(1_100_000)}"` };
  const xml = { method: "POST" as const, url, payload: "<cancel/>" };
  const asJson = { "content-type": "application/json" };
  const asXml = { "content-type": "application/xml" };
  envelope(await app.inject({ ...big, headers: asJson }), "LC_ERR_UNAUTHENTICATED");
  envelope(await app.inject({ ...big, headers: { ...asJson, ...auth } }), "LC_ERR_PAYLOAD_TOO_LARGE");
  envelope(await app.inject({ ...xml, headers: asXml }), "LC_ERR_UNAUTHENTICATED");
  envelope(await app.inject({ ...xml, headers: { ...asXml, ...auth } }), "LC_ERR_UNSUPPORTED_MEDIA_TYPE");
  await app.close();
});

/** Sends raw bytes to a listening server and reads until it closes the connection. */
async function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let out = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => (out += d));
    socket.on("close", () => resolve(out));
    socket.on("error", reject);
    socket.end(bytes);
  });
}

function parseRaw(reply: string): { status: number; body: ErrorReply } {
  const [head = "", body = ""] = reply.split("\r\n\r\n");
  return { status: Number(head.split(" ")[1]), body: JSON.parse(body) as ErrorReply };
}

test("bytes that are not HTTP, and headers too large, are answered by Node's clientError in the envelope", async () => {
  const app = await buildServer({ store });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  const garbage = parseRaw(await raw(port, "NOT HTTP AT ALL\r\n\r\n"));
  assert.equal(garbage.status, 400);
  assert.equal(garbage.body.error.code, "LC_ERR_MALFORMED_REQUEST");
  const huge = parseRaw(
    await raw(port, `GET /api/clients HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(20_000)}\r\n\r\n`),
  );
  assert.equal(huge.status, 431);
  assert.equal(huge.body.error.code, "LC_ERR_HEADERS_TOO_LARGE");
  await app.close();
});

test("a request timeout (Node's ERR_HTTP_REQUEST_TIMEOUT) is written as 408 LC_ERR_TIMEOUT", async () => {
  const destroyedWith: unknown[] = [];
  const server = createServer((socket: Socket) => {
    // Node's own server listens for the error the socket is destroyed with; this bare one records it.
    socket.on("error", (e) => destroyedWith.push(e));
    const err = Object.assign(new Error("Request timeout"), { code: "ERR_HTTP_REQUEST_TIMEOUT" });
    clientErrorHandler(err, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const reply = parseRaw(await raw(port, "GET / HTTP/1.1\r\n"));
  assert.equal(reply.status, 408);
  assert.equal(reply.body.error.code, "LC_ERR_TIMEOUT");
  assert.equal(destroyedWith.length, 1);
  await new Promise((resolve) => server.close(resolve));
});

import assert from "node:assert/strict";
import type { Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { test } from "node:test";
import { buildServer } from "../../src/server/app.ts";
import { defaultLimits } from "../../src/server/hardening/limits.ts";
import { stubAdminToken, stubStore } from "./helpers.ts";

const store = stubStore(async () => [{ "?column?": 1 }]);
const runId = "0b8e4c44-5d0f-4a57-9d25-8e1f6c1f0c11";

/** A socket to the server and everything it sends until it closes, however it closes. */
function open(port: number): { socket: Socket; closed: Promise<string> } {
  const socket = connect(port, "127.0.0.1");
  socket.setEncoding("utf8");
  let out = "";
  socket.on("data", (d: string) => (out += d));
  const closed = new Promise<string>((resolve) => {
    socket.on("close", () => resolve(out));
    socket.on("error", () => undefined);
  });
  return { socket, closed };
}

const connections = (server: Server) =>
  new Promise<number>((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n))));

const connected = (socket: Socket) => new Promise<void>((resolve) => socket.once("connect", resolve));

test("by default a request has 30 s to arrive whole and 15 s for its headers, not Node's 300 s", () => {
  assert.equal(defaultLimits.requestTimeoutMs, 30_000);
  assert.ok(defaultLimits.headersTimeoutMs <= defaultLimits.requestTimeoutMs);
  assert.ok(defaultLimits.idleTimeoutMs > 15_000, "longer than an event stream's keep-alive comment");
});

test("a body trickled in slower than the request timeout is cut off with 408 LC_ERR_TIMEOUT", async () => {
  const app = await buildServer({
    store,
    limits: { requestTimeoutMs: 400, headersTimeoutMs: 300, timeoutCheckMs: 50 },
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  const { socket, closed } = open(port);
  await connected(socket);
  socket.write(
    `POST /api/runs/${runId}/cancel HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      `Authorization: Bearer ${stubAdminToken}\r\n` +
      "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
  );
  // One byte at a time, never reaching the 1,000 announced, for as long as the socket stays open.
  let sent = 1;
  const drip = setInterval(() => {
    if (!socket.destroyed && socket.writable) {
      socket.write(" ");
      sent++;
    }
  }, 20);
  try {
    const reply = await closed;
    assert.ok(sent < 1000, "the server closed the socket before the body was complete");
    assert.match(reply, /^HTTP\/1\.1 408 /);
    assert.match(reply, /"code":"LC_ERR_TIMEOUT"/);
  } finally {
    clearInterval(drip);
    await app.close();
  }
});

test("headers that never finish are cut off with 408 as well", async () => {
  const app = await buildServer({
    store,
    limits: { requestTimeoutMs: 400, headersTimeoutMs: 300, timeoutCheckMs: 50 },
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  const { socket, closed } = open(port);
  await connected(socket);
  socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
  const drip = setInterval(() => socket.writable && socket.write("X-Slow: 1\r\n"), 20);
  try {
    const reply = await closed;
    assert.match(reply, /^HTTP\/1\.1 408 /);
    assert.match(reply, /"code":"LC_ERR_TIMEOUT"/);
  } finally {
    clearInterval(drip);
    await app.close();
  }
});

test("past the connection cap a new connection is closed on accept; one frees a place for the next", async () => {
  const app = await buildServer({ store, limits: { maxConnections: 2 } });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  const held = [open(port), open(port)];
  try {
    await Promise.all(held.map((h) => connected(h.socket)));
    // Accepted by the kernel, then closed by Node without a byte read or written.
    const third = open(port);
    third.socket.write(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    assert.equal(await third.closed, "");

    held[0]!.socket.destroy();
    await held[0]!.closed;
    // The server counts the connection gone when its side of the socket closes, a moment after ours.
    while ((await connections(app.server)) >= 2) await new Promise((r) => setTimeout(r, 10));
    const fourth = open(port);
    fourth.socket.write(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    assert.match(await fourth.closed, /^HTTP\/1\.1 200 /);
  } finally {
    for (const h of held) h.socket.destroy();
    await app.close();
  }
});

import assert from "node:assert/strict";
import { connect, type AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { test } from "node:test";
import type { FastifyRequest, LightMyRequestResponse } from "fastify";
import { buildServer } from "../../src/server/app.ts";
import { ApiError } from "../../src/server/errors.ts";
import { allowedHosts, parseHost } from "../../src/server/hardening/hosts.ts";
import { json, stubStore, type ErrorReply } from "./helpers.ts";

const store = stubStore(async () => [{ "?column?": 1 }]);

function code(res: LightMyRequestResponse): string | undefined {
  return res.statusCode < 400 ? undefined : json<ErrorReply>(res).error.code;
}

const get = (app: Awaited<ReturnType<typeof buildServer>>, host: string, url = "/healthz") =>
  app.inject({ method: "GET", url, headers: { host } });

test("inject's own Host (localhost:80) and every loopback name are answered, on any port", async () => {
  const app = await buildServer({ store });
  assert.equal((await app.inject({ method: "GET", url: "/healthz" })).statusCode, 200);
  for (const host of [
    "localhost",
    "LOCALHOST:3000",
    "127.0.0.1:3000",
    "127.0.0.2",
    "[::1]:8443",
    "localhost.",
  ])
    assert.equal((await get(app, host)).statusCode, 200, host);
  await app.close();
});

test("a name that is not the server's answers 421 LC_ERR_HOST_NOT_ALLOWED, before auth and routing", async () => {
  const app = await buildServer({ store });
  for (const url of ["/healthz", "/api/clients", "/no-such-page", "/credentials/abc"]) {
    const res = await get(app, "rebound.attacker.example:3000", url);
    assert.equal(res.statusCode, 421, url);
    assert.equal(code(res), "LC_ERR_HOST_NOT_ALLOWED");
    assert.match(json<ErrorReply>(res).error.message, /LIFECYCLE_ALLOWED_HOSTS/);
  }
  // A name ending in a loopback name is still somebody else's.
  assert.equal(code(await get(app, "localhost.attacker.example")), "LC_ERR_HOST_NOT_ALLOWED");
  assert.equal(code(await get(app, "127.0.0.1.nip.io")), "LC_ERR_HOST_NOT_ALLOWED");
  await app.close();
});

test("the public URL's name is answered on any port; extra hosts by name, or by name and port", async () => {
  const app = await buildServer({
    store,
    hosts: { publicUrl: "https://Lifecycle.MSP.example/", extra: ["tunnel.example", "lan.example:8443"] },
  });
  for (const host of [
    "lifecycle.msp.example",
    "lifecycle.msp.example:443",
    "LIFECYCLE.msp.example.",
    "tunnel.example:9999",
    "lan.example:8443",
  ])
    assert.equal((await get(app, host)).statusCode, 200, host);
  assert.equal(code(await get(app, "lan.example:8080")), "LC_ERR_HOST_NOT_ALLOWED");
  assert.equal(code(await get(app, "msp.example")), "LC_ERR_HOST_NOT_ALLOWED");
  await app.close();
});

test("a Host that is not a host at all is a malformed request (400), not a name to look up", async () => {
  const app = await buildServer({ store });
  for (const host of ["localhost@rebound.attacker.example", "localhost/x", "local host", "[::1"])
    assert.equal(code(await get(app, host)), "LC_ERR_MALFORMED_REQUEST", host);
  await app.close();
});

test("X-Forwarded-Host is the name asked for only when it comes from a trusted proxy", async () => {
  const trusting = await buildServer({ store, trustProxy: 1, hosts: { publicUrl: "https://lc.example" } });
  const via = (xfh: string) =>
    trusting.inject({
      method: "GET",
      url: "/healthz",
      headers: { host: "127.0.0.1:3000", "x-forwarded-host": xfh },
    });
  assert.equal((await via("lc.example")).statusCode, 200);
  assert.equal(code(await via("rebound.attacker.example")), "LC_ERR_HOST_NOT_ALLOWED");
  await trusting.close();

  const direct = await buildServer({ store });
  const res = await direct.inject({
    method: "GET",
    url: "/healthz",
    headers: { host: "localhost", "x-forwarded-host": "rebound.attacker.example" },
  });
  assert.equal(res.statusCode, 200, "ignored: nobody is trusted to send it");
  await direct.close();
});

/** Sends raw bytes to a listening server and reads until it closes the connection. */
function raw(port: number, bytes: string): Promise<string> {
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

test("over a real socket: a rebound name gets 421, no Host at all gets 400, both in the envelope", async () => {
  const app = await buildServer({ store });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  try {
    const rebound = await raw(
      port,
      `GET /healthz HTTP/1.1\r\nHost: rebound.attacker.example:${port}\r\nConnection: close\r\n\r\n`,
    );
    assert.match(rebound, /^HTTP\/1\.1 421 /);
    assert.match(rebound, /"code":"LC_ERR_HOST_NOT_ALLOWED"/);
    const noHost = await raw(port, "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert.match(noHost, /^HTTP\/1\.1 400 /);
    assert.match(noHost, /"code":"LC_ERR_MALFORMED_REQUEST"/);
    const own = await raw(
      port,
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    );
    assert.match(own, /^HTTP\/1\.1 200 /);
  } finally {
    await app.close();
  }
});

/** The hook alone, against a listening address of the test's choosing. */
async function answers(address: AddressInfo, host: string): Promise<boolean> {
  const hook = allowedHosts({}, () => address);
  try {
    await hook.call(undefined as never, { host } as FastifyRequest, undefined as never);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.code === "LC_ERR_HOST_NOT_ALLOWED") return false;
    throw err;
  }
}

test("the address the server listens on is a name it answers; on 0.0.0.0, each interface's address is", async (t) => {
  const lan = { address: "192.0.2.10", port: 3000, family: "IPv4" };
  assert.equal(await answers(lan, "192.0.2.10:3000"), true);
  assert.equal(await answers(lan, "192.0.2.11:3000"), false);
  const v6 = { address: "2001:db8::10", port: 3000, family: "IPv6" };
  assert.equal(await answers(v6, "[2001:DB8:0::10]:3000"), true);

  const own = Object.values(networkInterfaces())
    .flatMap((a) => a ?? [])
    .find((a) => !a.internal && a.family === "IPv4");
  if (!own) return t.skip("this machine has no non-loopback IPv4 address");
  const all = { address: "0.0.0.0", port: 3000, family: "IPv4" };
  assert.equal(await answers(all, `${own.address}:3000`), true);
  assert.equal(await answers(all, "192.0.2.99:3000"), false);
});

test("parseHost reads a Host as a browser writes it", () => {
  assert.deepEqual(parseHost("Example.COM:8080"), { name: "example.com", port: "8080" });
  assert.deepEqual(parseHost("example.com:80"), { name: "example.com", port: "" });
  assert.deepEqual(parseHost("[0:0:0:0:0:0:0:1]"), { name: "[::1]", port: "" });
  assert.deepEqual(parseHost("bücher.example"), { name: "xn--bcher-kva.example", port: "" });
  assert.equal(parseHost("a@b"), undefined);
  assert.equal(parseHost(""), undefined);
});

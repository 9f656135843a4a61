import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { batch } from "../../../src/connectors/msgraph/batch.ts";
import { VendorError } from "../../../src/connectors/http/index.ts";
import { classifyGraphError } from "../../../src/connectors/msgraph/errors.ts";
import { GraphTransport, type GraphCall } from "../../../src/connectors/msgraph/transport.ts";

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
type Script = (req: IncomingMessage, body: unknown) => Reply;

/** A scripted HTTP peer: each test says what Graph answers, and sees exactly what was sent. */
describe("Graph transport", () => {
  let url = "";
  let script: Script = () => ({ status: 500 });
  const seen: {
    method: string;
    url: string;
    headers: IncomingMessage["headers"];
    body: unknown;
    at: number;
  }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (c) => (text += String(c)));
    req.on("end", () => {
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, at: Date.now() });
      const r = script(req, body);
      res.writeHead(r.status, {
        "content-type": "application/json",
        "request-id": `rid-${seen.length}`,
        ...r.headers,
      });
      res.end(r.body === undefined ? "" : JSON.stringify(r.body));
    });
  });
  const calls: GraphCall[] = [];
  const transport = (extra: Partial<ConstructorParameters<typeof GraphTransport>[0]> = {}) =>
    new GraphTransport({
      baseUrl: url,
      token: async () => "tok",
      backoffBaseMs: 10,
      onCall: (c) => calls.push(c),
      ...extra,
    });

  before(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen.length = 0;
    calls.length = 0;
  });

  test("a 429 is retried no sooner than its fractional Retry-After, and the request ids are kept", async () => {
    let n = 0;
    script = () =>
      ++n === 1
        ? {
            status: 429,
            headers: { "retry-after": "0.25" },
            body: { error: { code: "TooManyRequests", message: "Please retry again later." } },
          }
        : { status: 200, body: { id: "u1" } };
    const res = await transport().request<{ id: string }>("GET", "/users/u1");
    assert.equal(res.body.id, "u1");
    assert.equal(seen.length, 2);
    assert.ok(seen[1]!.at - seen[0]!.at >= 250, `retried after ${seen[1]!.at - seen[0]!.at} ms`);
    assert.deepEqual(
      calls.map((c) => [c.status, c.requestId]),
      [
        [429, "rid-1"],
        [200, "rid-2"],
      ],
    );
    assert.equal(seen[0]!.headers.authorization, "Bearer tok");
    assert.ok(seen[0]!.headers["client-request-id"]);
  });

  test("a Retry-After too long to sleep through is handed back as a throttled failure with the wait", async () => {
    script = () => ({
      status: 429,
      headers: { "retry-after": "120" },
      body: { error: { code: "TooManyRequests", message: "Please retry again later." } },
    });
    await assert.rejects(
      transport().request("GET", "/users"),
      (e: VendorError) =>
        e.failure.kind === "throttled" &&
        e.failure.code === "THROTTLED" &&
        e.failure.retryAfterMs === 120_000 &&
        e.failure.vendor?.api === "graph" &&
        e.failure.vendor.code === "TooManyRequests",
    );
    assert.equal(seen.length, 1);
  });

  test("503 and 504 are retried with backoff; 400 is not", async () => {
    let n = 0;
    script = () => (++n < 3 ? { status: n === 1 ? 503 : 504 } : { status: 204 });
    assert.equal(
      (await transport().request("PATCH", "/users/u1", { body: { accountEnabled: false } })).status,
      204,
    );
    assert.equal(seen.length, 3);
    seen.length = 0;
    script = () => ({
      status: 400,
      body: {
        error: {
          code: "Request_BadRequest",
          message: "Invalid value specified for property 'usageLocation' of resource 'User'.",
        },
      },
    });
    await assert.rejects(
      transport().request("POST", "/users/u1/assignLicense", { body: {} }),
      (e: VendorError) => e.failure.kind === "invalid" && e.status === 400,
    );
    assert.equal(seen.length, 1);
  });

  test("a 404 right after a create is retried within the grace window, and only then", async () => {
    let n = 0;
    const notFound = {
      status: 404,
      body: {
        error: {
          code: "Request_ResourceNotFound",
          message:
            "Resource 'u9' does not exist or one of its queried reference-property objects are not present.",
        },
      },
    };
    script = () => (++n < 3 ? notFound : { status: 204 });
    assert.equal(
      (await transport().request("PUT", "/users/u9/manager/$ref", { body: {}, notFoundGraceMs: 5_000 }))
        .status,
      204,
    );
    seen.length = 0;
    script = () => notFound;
    await assert.rejects(
      transport().request("GET", "/users/u9"),
      (e: VendorError) =>
        e.failure.kind === "not-found" &&
        e.failure.code === "OBJECT_NOT_FOUND" &&
        e.failure.vendor?.code === "Request_ResourceNotFound",
    );
    assert.equal(seen.length, 1);
  });

  test("pages follow @odata.nextLink verbatim and resend ConsistencyLevel on every page", async () => {
    script = (req) =>
      req.url?.includes("skiptoken")
        ? { status: 200, body: { value: [{ id: "c" }] } }
        : {
            status: 200,
            body: {
              value: [{ id: "a" }, { id: "b" }],
              "@odata.count": 3,
              "@odata.nextLink": `${url}/v1.0/users?$count=true&$skiptoken=X1`,
            },
          };
    const all = await transport().all<{ id: string }>("/users?$count=true", { eventual: true });
    assert.deepEqual(
      all.map((u) => u.id),
      ["a", "b", "c"],
    );
    assert.equal(seen[1]!.url, "/v1.0/users?$count=true&$skiptoken=X1");
    assert.ok(seen.every((s) => s.headers.consistencylevel === "eventual"));
  });

  test("a batch goes 20 at a time, matches replies by id in any order, and resends throttled items after their Retry-After", async () => {
    const throttledOnce = new Set<string>();
    script = (_req, body) => {
      const reqs = (body as { requests: { id: string }[] }).requests;
      const responses = reqs.map((r) => {
        if (r.id === "3" && !throttledOnce.has(r.id)) {
          throttledOnce.add(r.id);
          return {
            id: r.id,
            status: 429,
            headers: { "Retry-After": "0.2" },
            body: { error: { code: "TooManyRequests", message: "Please retry again later." } },
          };
        }
        if (r.id === "7")
          return {
            id: r.id,
            status: 400,
            body: {
              error: {
                code: "Request_BadRequest",
                message:
                  "One or more added object references already exist for the following modified properties: 'members'.",
              },
            },
          };
        return { id: r.id, status: 204 };
      });
      return { status: 200, body: { responses: responses.reverse() } };
    };
    const items = Array.from({ length: 25 }, (_, i) => ({
      id: String(i),
      method: "POST",
      url: `/groups/g${i}/members/$ref`,
      body: { "@odata.id": "x" },
    }));
    const results = await batch(transport(), items);
    assert.equal(results.size, 25);
    assert.equal(
      seen.filter((s) => s.url === "/v1.0/$batch").length,
      3,
      "20 + 5, then the throttled one again",
    );
    assert.ok(results.get("3")?.ok);
    const seven = results.get("7");
    assert.ok(seven && !seven.ok && seven.error.failure.code === "ALREADY_MEMBER");
    assert.equal((seen[0]!.body as { requests: unknown[] }).requests.length, 20);
  });
});

test("Graph's error codes map to kinds the engine can branch on", () => {
  const k = (status: number, code: string, message: string) =>
    classifyGraphError(status, { error: { code, message } });
  assert.equal(
    k(
      400,
      "Request_BadRequest",
      "Another object with the same value for property userPrincipalName already exists.",
    ).code,
    "VALUE_CONFLICT",
  );
  assert.equal(
    k(
      400,
      "Request_BadRequest",
      "One or more added object references already exist for the following modified properties: 'members'.",
    ).kind,
    "conflict",
  );
  assert.equal(k(404, "Request_ResourceNotFound", "Resource 'x' does not exist").kind, "not-found");
  assert.equal(
    k(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.").kind,
    "permission",
  );
  assert.equal(k(401, "InvalidAuthenticationToken", "Access token has expired.").kind, "permission");
  assert.equal(k(503, "Request_ThrottledTemporarily", "x").kind, "throttled");
  assert.equal(k(504, "GatewayTimeout", "x").kind, "transient");
  assert.equal(
    k(
      404,
      "MailboxNotEnabledForRESTAPI",
      "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
    ).kind,
    "not-found",
  );
});

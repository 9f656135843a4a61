import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import type { LifecycleError } from "../../../src/domain/errors.ts";
import { classifyExoError } from "../../../src/connectors/exchange/errors.ts";
import { ExoTransport } from "../../../src/connectors/exchange/transport.ts";

const notFound = {
  error: {
    code: "NotFound",
    message: "Error executing cmdlet",
    details: [
      {
        code: "Client",
        target: "",
        message:
          "Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object 'x@y' couldn't be found on 'AM0PR01.PROD.OUTLOOK.COM'.",
      },
    ],
  },
  "adminapi.warnings@odata.type": "#Collection(String)",
  "@adminapi.warnings": [],
};

let url = "";
let replies: { status: number; body: string; headers?: Record<string, string> }[] = [];
const bodies: unknown[] = [];
const paths: string[] = [];
const server = createServer((req, res) => {
  let text = "";
  req.on("data", (c) => (text += String(c)));
  req.on("end", () => {
    bodies.push(JSON.parse(text));
    paths.push(req.url ?? "");
    const r = replies.shift() ?? { status: 500, body: "" };
    res.writeHead(r.status, { "content-type": "application/json", ...r.headers });
    res.end(r.body);
  });
});
before(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));
const exo = () => new ExoTransport({ baseUrl: url, tenant: "acmecorp.com", token: async () => "t" });

test("a cmdlet is posted as CmdletInput and its pages are followed by re-posting the same body", async () => {
  bodies.length = 0;
  replies = [
    {
      status: 200,
      body: JSON.stringify({
        value: [{ Identity: "a" }],
        "@odata.nextLink": `${url}/adminapi/beta/acmecorp.com/InvokeCommand?$skiptoken=2`,
      }),
    },
    {
      status: 200,
      body: JSON.stringify({ value: [{ Identity: "b" }], "@adminapi.warnings": ["no changes"] }),
    },
  ];
  const res = await exo().invoke<{ Identity: string }>("Get-MobileDevice", { Mailbox: "tom@acmecorp.com" });
  assert.deepEqual(
    res.value.map((v) => v.Identity),
    ["a", "b"],
  );
  assert.deepEqual(res.warnings, ["no changes"]);
  assert.deepEqual(bodies[0], {
    CmdletInput: { CmdletName: "Get-MobileDevice", Parameters: { Mailbox: "tom@acmecorp.com" } },
  });
  assert.deepEqual(bodies[1], bodies[0]);
  assert.equal(paths[0], "/adminapi/beta/acmecorp.com/InvokeCommand");
});

test("a cmdlet error becomes a typed failure from the exception Exchange names", async () => {
  replies = [{ status: 404, body: JSON.stringify(notFound) }];
  await assert.rejects(
    exo().invoke("Set-Mailbox", { Identity: "x@y", Type: "Shared" }),
    (e: LifecycleError) =>
      e.failure.kind === "not-found" &&
      e.failure.code === "OBJECT_NOT_FOUND" &&
      e.failure.vendor?.code === "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException" &&
      e.failure.vendor.status === 404 &&
      /couldn't be found/.test(e.message),
  );
});

test("the plain-text concurrency refusal and 429 are retried", async () => {
  replies = [
    {
      status: 503,
      body: "You have reached the maximum number of concurrent requests per tenant. Please wait and try again",
      headers: { "content-type": "text/plain", "retry-after": "0.1" },
    },
    { status: 429, body: "{}", headers: { "retry-after": "0.1" } },
    { status: 200, body: JSON.stringify({ value: [] }) },
  ];
  assert.deepEqual((await exo().invoke("Set-Mailbox", { Identity: "x" })).value, []);
});

test("'already a member' is a conflict the action can read as done", () => {
  const body = {
    error: {
      code: "BadRequest",
      message: "Error executing cmdlet",
      details: [
        {
          message:
            "Ex5A8C11|Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException|The recipient is already a member of the group.",
        },
      ],
    },
  };
  const f = classifyExoError(400, body, "");
  assert.equal(f.kind, "conflict");
  assert.equal(f.code, "ALREADY_MEMBER");
  assert.equal(f.vendorCode, "Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException");
});

test("a long Retry-After is handed back throttled, naming Exchange as the API that answered", async () => {
  replies = [
    {
      status: 429,
      body: JSON.stringify({ error: { code: "TooManyRequests", message: "Too many requests" } }),
      headers: { "retry-after": "60", "request-id": "exo-1" },
    },
  ];
  await assert.rejects(exo().invoke("Get-Mailbox", { Identity: "x" }), (e: LifecycleError) => {
    assert.equal(e.failure.kind, "throttled");
    assert.equal(e.failure.code, "THROTTLED");
    assert.equal(e.failure.retryAfterMs, 60_000);
    assert.equal(e.failure.requestId, "exo-1");
    assert.deepEqual(e.failure.vendor, {
      api: "exchange",
      status: 429,
      code: "TooManyRequests",
      requestId: "exo-1",
      body: '{"error":{"code":"TooManyRequests","message":"Too many requests"}}',
    });
    return true;
  });
  assert.equal(replies.length, 0, "asked once");
});

test("a cmdlet error keeps Exchange's status and body beside our code", async () => {
  replies = [{ status: 404, body: JSON.stringify(notFound), headers: { "request-id": "exo-2" } }];
  await assert.rejects(exo().invoke("Get-Mailbox", { Identity: "x@y" }), (e: LifecycleError) => {
    assert.equal(e.failure.vendor?.status, 404);
    assert.equal(e.failure.vendor?.requestId, "exo-2");
    assert.match(e.failure.vendor?.body ?? "", /ManagementObjectNotFoundException/);
    assert.match(e.message, /^Get-Mailbox: /);
    return true;
  });
});

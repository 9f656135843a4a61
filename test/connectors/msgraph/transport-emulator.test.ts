import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { exchangeResource, ExoTransport } from "../../../src/connectors/exchange/transport.ts";
import { VendorError } from "../../../src/connectors/http/index.ts";
import type { LifecycleError } from "../../../src/domain/errors.ts";
import { TokenSource } from "../../../src/connectors/msgraph/index.ts";
import { GraphTransport } from "../../../src/connectors/msgraph/transport.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../../emulators/microsoft365/index.ts";

let m365: Microsoft365Emulator;
let tokens: TokenSource;
before(async () => {
  m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
  tokens = new TokenSource({ authorityHost: m365.url });
});
after(() => m365.close());

const transport = (batchWindowMs: number) =>
  new GraphTransport({
    baseUrl: m365.url,
    batchWindowMs,
    backoffBaseMs: 10,
    token: () =>
      tokens.token(
        acme.tenantId,
        { clientId: acme.clientId, clientSecret: acme.clientSecret },
        "https://graph.microsoft.com",
      ),
  });

const httpCalls = () =>
  m365.admin.calls({ tenantId: acme.tenantId, api: "graph" }).filter((c) => !c.insideBatch);

test("requests sent together travel as one $batch, and each gets its own answer and error", async () => {
  const t = transport(5);
  await t.request("GET", "/users/mike.chen@acmecorp.com?$select=id"); // token fetched, warm
  m365.admin.clearCalls();
  const [mike, nobody, tom] = await Promise.allSettled([
    t.request<{ displayName: string }>("GET", "/users/mike.chen@acmecorp.com?$select=displayName"),
    t.request("GET", "/users/nobody@acmecorp.com?$select=id"),
    t.request<{ value: unknown[] }>("GET", "/users/tom.williams@acmecorp.com/memberOf?$select=id"),
  ]);
  assert.equal(mike.status === "fulfilled" && mike.value.body.displayName, "Mike Chen");
  assert.ok(nobody.status === "rejected" && nobody.reason instanceof VendorError);
  assert.equal(nobody.reason.failure.kind, "not-found");
  assert.ok(tom.status === "fulfilled" && tom.value.body.value.length > 0);
  const calls = httpCalls();
  assert.equal(calls.length, 1, calls.map((c) => c.url).join(", "));
  assert.match(calls[0]!.url, /\$batch/);
});

test("throttled batched requests are sent again after their Retry-After; a lone request goes direct", async () => {
  const t = transport(5);
  m365.admin.startThrottleStorm(acme.tenantId, { durationMs: 150, retryAfterSeconds: 0.05 });
  const [a, b] = await Promise.all([
    t.request<{ displayName: string }>("GET", "/users/mike.chen@acmecorp.com?$select=displayName"),
    t.request<{ displayName: string }>("GET", "/users/tom.williams@acmecorp.com?$select=displayName"),
  ]);
  assert.deepEqual([a.body.displayName, b.body.displayName], ["Mike Chen", "Tom Williams"]);
  const refused = m365.admin.calls({ tenantId: acme.tenantId }).filter((c) => c.status === 429);
  assert.ok(refused.length > 0, "the budget did refuse calls");
  m365.admin.clearCalls();
  await t.request("GET", "/users/mike.chen@acmecorp.com?$select=id");
  assert.doesNotMatch(httpCalls()[0]!.url, /\$batch/);
});

test("without a window every request is its own call", async () => {
  const t = transport(0);
  await t.request("GET", "/users/mike.chen@acmecorp.com?$select=id");
  m365.admin.clearCalls();
  await Promise.all([1, 2, 3].map(() => t.request("GET", "/users/mike.chen@acmecorp.com?$select=id")));
  assert.equal(httpCalls().length, 3);
});

test("a call that hangs fails as a transient Timeout instead of holding its worker", async () => {
  const t = new GraphTransport({
    baseUrl: m365.url,
    requestTimeoutMs: 300,
    token: () =>
      tokens.token(
        acme.tenantId,
        { clientId: acme.clientId, clientSecret: acme.clientSecret },
        "https://graph.microsoft.com",
      ),
  });
  await t.request("GET", "/users/mike.chen@acmecorp.com?$select=id"); // token first: only the call hangs
  m365.admin.injectFault({ kind: "hang", hangMs: 5000, pathPattern: "/users/tom", count: 1 });
  const t0 = Date.now();
  await assert.rejects(
    t.request("GET", "/users/tom.williams@acmecorp.com?$select=id"),
    (e: LifecycleError) => {
      assert.equal(e.failure.kind, "transient");
      assert.equal(e.failure.code, "TIMEOUT");
      return true;
    },
  );
  assert.ok(Date.now() - t0 < 2000, `gave up after ${Date.now() - t0} ms`);
});

test("an Exchange cmdlet that hangs fails as a transient Timeout too", async () => {
  const exo = new ExoTransport({
    baseUrl: m365.url,
    tenant: acme.tenantId,
    requestTimeoutMs: 300,
    token: () =>
      tokens.token(
        acme.tenantId,
        { clientId: acme.clientId, clientSecret: acme.clientSecret },
        exchangeResource,
      ),
  });
  m365.admin.injectFault({ kind: "hang", hangMs: 5000, pathPattern: "InvokeCommand", count: 1 });
  await assert.rejects(
    exo.invoke("Get-Mailbox", { Identity: "tom.williams@acmecorp.com" }),
    (e: LifecycleError) => {
      assert.equal(e.failure.code, "TIMEOUT");
      assert.equal(e.failure.vendor?.api, "exchange");
      return true;
    },
  );
});

test("cmdlets sent together travel as one Exchange admin-API $batch, each with its own answer", async () => {
  const exo = new ExoTransport({
    baseUrl: m365.url,
    tenant: acme.tenantId,
    batchWindowMs: 5,
    token: () =>
      tokens.token(
        acme.tenantId,
        { clientId: acme.clientId, clientSecret: acme.clientSecret },
        exchangeResource,
      ),
  });
  await exo.invoke("Get-Mailbox", { Identity: "helpdesk@acmecorp.com" }); // token first
  m365.admin.clearCalls();
  const [tom, nobody, mike] = await Promise.allSettled([
    exo.invoke<{ RecipientTypeDetails: string }>("Get-Mailbox", { Identity: "tom.williams@acmecorp.com" }),
    exo.invoke("Get-Mailbox", { Identity: "nobody@acmecorp.com" }),
    exo.invoke("Get-MobileDevice", { Mailbox: "tom.williams@acmecorp.com" }),
  ]);
  assert.equal(tom.status === "fulfilled" && tom.value.value[0]?.RecipientTypeDetails, "UserMailbox");
  assert.ok(nobody.status === "rejected" && (nobody.reason as LifecycleError).failure.kind === "not-found");
  assert.ok(mike.status === "fulfilled" && mike.value.value.length === 1);
  const calls = m365.admin.calls({ tenantId: acme.tenantId, api: "exchange" }).filter((c) => !c.insideBatch);
  assert.equal(calls.length, 1, calls.map((c) => c.url).join(", "));
  assert.match(calls[0]!.url, /\$batch/);
});

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker } from "../../src/engine/worker.ts";
import { signedInServer } from "../support/signed-in.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { seedClient, waitForStatus } from "../support/engine-helpers.ts";
import { testCatalog } from "../support/test-actions.ts";
import { signedIn } from "../support/staff.ts";
import {
  assertMatchesDocument,
  fieldsOf,
  json,
  manager,
  onboardingBody,
  openapi,
  seedApprovingClient,
  type ErrorReply,
} from "./helpers.ts";

let store: Store;
let app: FastifyInstance;
// Acme's onboardings are the manager's to approve: Mike decides, the admin operates.
let mike: Awaited<ReturnType<typeof signedIn>>;

before(async () => {
  store = await openStore({});
  await seedApprovingClient(store, "acme");
  await seedClient(store, "globex");
  app = await signedInServer({ store });
  mike = await signedIn(store, manager);
});

after(async () => {
  await app.close();
  await store.close();
});

interface RunReply {
  id: string;
  status: string;
  planHash: string;
  cancelReason: string | null;
  actions: { key: string; state: string }[];
  events: { id: number; type: string; message: string | null }[];
}

async function submit(
  body: Record<string, unknown> = onboardingBody(),
): Promise<{ runId: string; planHash: string }> {
  const res = await app.inject({ method: "POST", url: "/api/requests/onboard", payload: body });
  assert.equal(res.statusCode, 201, res.body);
  return json<{ runId: string; planHash: string }>(res);
}

const command = (runId: string, verb: string, payload: Record<string, unknown>) =>
  app.inject({
    method: "POST",
    url: `/api/runs/${runId}/${verb}`,
    payload,
    ...(verb === "approve" || verb === "reject" ? { headers: mike.headers } : {}),
  });

test("approving a run awaiting approval answers 200 with the run and the approval recorded", async () => {
  const { runId, planHash } = await submit();
  const res = await command(runId, "approve", {
    planHash,
    note: "welcome aboard",
  });
  assert.equal(res.statusCode, 200, res.body);
  const run = json<RunReply>(res);
  assert.equal(run.id, runId);
  const approved = run.events.find((e) => e.type === "approval.approved");
  assert.match(approved?.message ?? "", /approved by mike\.chen@acme\.example\.com: welcome aboard/);
  assertMatchesDocument(await openapi(app), "POST", "/api/runs/{id}/approve", res);
});

test("approving a plan hash other than the run's answers 409 LC_ERR_CONFLICT", async () => {
  const { runId } = await submit();
  const res = await command(runId, "approve", {
    planHash: "0".repeat(64),
  });
  assert.equal(res.statusCode, 409);
  assert.equal(json<ErrorReply>(res).error.code, "LC_ERR_CONFLICT");
  assertMatchesDocument(await openapi(app), "POST", "/api/runs/{id}/approve", res);
});

test("approving a run that needs no approval answers 409", async () => {
  const { runId } = await submit({
    client: "globex",
    firstName: "Sam",
    lastName: "Ray",
    start: "now",
    requester: "it@globex.example.com",
  });
  const res = await command(runId, "approve", { planHash: "0".repeat(64) });
  assert.equal(res.statusCode, 409);
  assert.match(json<ErrorReply>(res).error.message, /needs no approval/);
});

test("approving a gate step the run does not have answers 404", async () => {
  const { runId } = await submit();
  const res = await command(runId, "approve", { gate: "no-such-step" });
  assert.equal(res.statusCode, 404, res.body);
  assert.equal(json<ErrorReply>(res).error.code, "LC_ERR_NOT_FOUND");
  assertMatchesDocument(await openapi(app), "POST", "/api/runs/{id}/approve", res);
});

test("rejecting a run awaiting approval answers 200 with the rejection recorded", async () => {
  const { runId } = await submit();
  const res = await command(runId, "reject", { note: "not this one" });
  assert.equal(res.statusCode, 200, res.body);
  assert.ok(json<RunReply>(res).events.some((e) => e.type === "approval.rejected"));
});

test("cancelling an unfinished run answers 200 cancelled; cancelling it again answers 409", async () => {
  const { runId } = await submit();
  const first = await command(runId, "cancel", { reason: "duplicate request" });
  assert.equal(first.statusCode, 200, first.body);
  const run = json<RunReply>(first);
  assert.equal(run.status, "cancelled");
  assert.equal(run.cancelReason, "duplicate request");
  assertMatchesDocument(await openapi(app), "POST", "/api/runs/{id}/cancel", first);

  const again = await command(runId, "cancel", {});
  assert.equal(again.statusCode, 409);
  assert.equal(json<ErrorReply>(again).error.code, "LC_ERR_CONFLICT");
});

test("retrying a failed run answers 200 with its failed steps reopened; retrying an unfinished run answers 409", async () => {
  const { runId, planHash } = await submit();
  assert.equal((await command(runId, "approve", { planHash })).statusCode, 200);
  // The test catalogue has none of the onboarding actions, so every step fails at once and the run fails.
  const worker = createWorker({
    queue: sqlStepQueue(store),
    catalog: testCatalog,
    unknownActions: "fail",
    capabilities: () => ({ serviceUrl: "http://127.0.0.1:9" }),
    onError: () => undefined,
  });
  await worker.start();
  try {
    await waitForStatus(store, runId, ["failed"]);
  } finally {
    await worker.stop();
  }
  const res = await command(runId, "retry", {});
  assert.equal(res.statusCode, 200, res.body);
  const run = json<RunReply>(res);
  assert.notEqual(run.status, "failed");
  assert.ok(run.events.some((e) => e.type === "run.retry"));
  assert.ok(
    run.actions
      .filter((a) => a.key !== "approval")
      .every((a) => a.state === "ready" || a.state === "pending"),
  );
  assertMatchesDocument(await openapi(app), "POST", "/api/runs/{id}/retry", res);

  const again = await command(runId, "retry", {});
  assert.equal(again.statusCode, 409);
});

test("a command names its actor from the token, never from the body", async () => {
  const { runId } = await submit();
  for (const verb of ["approve", "reject", "cancel", "retry"]) {
    const res = await command(runId, verb, { actor: "someone.else@acme.example.com" });
    assert.equal(res.statusCode, 400, verb);
    assert.ok(fieldsOf(res).includes("actor"), `${verb}: ${res.body}`);
  }
  const cancelled = await command(runId, "cancel", { reason: "test" });
  assert.equal(cancelled.statusCode, 200, cancelled.body);
  const [audit] = await store.query<{ actor: string }>(
    "select actor from audit_log where action = 'run.cancel' and subject = $1",
    [runId],
  );
  assert.equal(audit?.actor, "test-admin@lifecycle.test");
});

test("an unknown run answers 404 LC_ERR_NOT_FOUND, for reads and commands alike", async () => {
  const id = randomUUID();
  const doc = await openapi(app);
  for (const [method, url, path] of [
    ["GET", `/api/runs/${id}`, "/api/runs/{id}"],
    ["GET", `/api/runs/${id}/events`, "/api/runs/{id}/events"],
    ["GET", `/api/runs/${id}/stream`, "/api/runs/{id}/stream"],
  ] as const) {
    const res = await app.inject({ method, url });
    assert.equal(res.statusCode, 404, url);
    assert.equal(json<ErrorReply>(res).error.code, "LC_ERR_NOT_FOUND");
    assertMatchesDocument(doc, method, path, res);
  }
  for (const verb of ["approve", "reject", "cancel", "retry"]) {
    const res = await command(id, verb, verb === "approve" ? { planHash: "0".repeat(64) } : {});
    assert.equal(res.statusCode, 404, verb);
  }
});

test("a malformed run id answers 400 with a field error on id", async () => {
  for (const url of ["/api/runs/not-a-run", "/api/runs/123/events", "/api/runs/x/stream"]) {
    const res = await app.inject({ method: "GET", url });
    assert.equal(res.statusCode, 400, url);
    assert.deepEqual(fieldsOf(res), ["id"]);
  }
  const res = await command("nope", "cancel", {});
  assert.deepEqual(fieldsOf(res), ["id"]);
});

test("runs are listed newest first and filtered by client, status and limit", async () => {
  const { runId } = await submit();
  const res = await app.inject({
    method: "GET",
    url: "/api/runs?client=acme&status=awaiting-approval&limit=1",
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(
    json<{ id: string }[]>(res).map((r) => r.id),
    [runId],
  );
  assertMatchesDocument(await openapi(app), "GET", "/api/runs", res);

  const globex = json<{ clientId: string }[]>(
    await app.inject({ method: "GET", url: "/api/runs?client=globex" }),
  );
  assert.ok(globex.length > 0 && globex.every((r) => r.clientId === "globex"));
});

test("a run list with a limit out of 1..500 or an unknown status answers 400 naming those fields", async () => {
  for (const [query, field] of [
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["limit=ten", "limit"],
    ["status=done", "status"],
  ] as const) {
    const res = await app.inject({ method: "GET", url: `/api/runs?${query}` });
    assert.equal(res.statusCode, 400, query);
    assert.deepEqual(fieldsOf(res), [field], query);
  }
});

test("a run's events are listed in order, and ?after=N leaves out N and those before it", async () => {
  const { runId } = await submit();
  const all = json<{ id: number; type: string }[]>(
    await app.inject({ method: "GET", url: `/api/runs/${runId}/events` }),
  );
  assert.ok(all.length >= 2);
  assert.deepEqual(
    all.map((e) => e.id),
    [...all.map((e) => e.id)].sort((a, b) => a - b),
  );
  const first = all[0];
  assert.ok(first);
  const res = await app.inject({ method: "GET", url: `/api/runs/${runId}/events?after=${first.id}` });
  assert.deepEqual(
    json<{ id: number }[]>(res).map((e) => e.id),
    all.slice(1).map((e) => e.id),
  );
  assertMatchesDocument(await openapi(app), "GET", "/api/runs/{id}/events", res);
});

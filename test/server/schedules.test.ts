import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { DateTime } from "luxon";
import { catalog } from "../../src/actions/define.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker } from "../../src/engine/worker.ts";
import { buildServer } from "../../src/server/app.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { testClientConfig, waitForStatus } from "../support/engine-helpers.ts";
import { staffToken } from "../support/signed-in.ts";
import type { NoPorts } from "../support/test-actions.ts";
import {
  assertMatchesDocument,
  fieldsOf,
  json,
  manager,
  onboardingBody,
  seedApprovingClient,
  type ErrorReply,
} from "./helpers.ts";

let store: Store;
let app: FastifyInstance;
const token: Record<string, string> = {};

// Ten days ahead, in Berlin (both clients' zone): a wall-clock time and the instant it is.
const day = DateTime.now().setZone("Europe/Berlin").plus({ days: 10 }).toFormat("yyyy-MM-dd");
const berlin = (local: string) => DateTime.fromISO(local, { zone: "Europe/Berlin" }).toUTC().toISO();

type Scheduled = {
  runId: string;
  clientId: string;
  subject: string;
  name: string | null;
  status: string;
  startAt: string;
  startLocal: string;
  timeZone: string;
  utcOffset: string;
};
type Run = {
  id: string;
  status: string;
  startAt: string;
  planHash: string;
  actions: { key: string; state: string }[];
};

const as = (who: string, method: "GET" | "POST", url: string, payload?: unknown) =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token[who]}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

async function submit(client: string, start: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await as("tech", "POST", "/api/requests/onboard", {
    ...onboardingBody({ client, start, ...extra }),
    ...(client === "globex"
      ? { requester: "boss@globex.example.com", manager: "boss@globex.example.com" }
      : {}),
  });
  assert.equal(res.statusCode, 201, res.body);
  return json<{ runId: string }>(res).runId;
}

const planOf = async (runId: string) => {
  const [row] = await store.query<{ plan: { actions: { key: string; params: Record<string, unknown> }[] } }>(
    "select plan from runs where id = $1",
    [runId],
  );
  return row!.plan;
};

before(async () => {
  store = await openStore({});
  await seedApprovingClient(store, "acme");
  await upsertClient(store, testClientConfig("globex"));
  app = await buildServer({ store });
  token.tech = await staffToken(store, { role: "technician", email: "tech@msp.test" });
  token.admin = await staffToken(store, { role: "admin", email: "admin@msp.test" });
  token.mike = await staffToken(store, { role: "approver", email: manager });
  token.acmeViewer = await staffToken(store, { role: "viewer", email: "v-acme@msp.test", clients: ["acme"] });
  token.acmeTech = await staffToken(store, {
    role: "technician",
    email: "t-acme@msp.test",
    clients: ["acme"],
  });
});
after(async () => {
  await app.close();
  await store.close();
});

test("upcoming runs: the start in UTC and on the client's wall clock, the zone named", async () => {
  const runId = await submit("globex", `${day}T09:00`);
  const res = await as("admin", "GET", "/api/schedules?client=globex");
  assert.equal(res.statusCode, 200, res.body);
  assertMatchesDocument(json(await as("admin", "GET", "/api/openapi.json")), "GET", "/api/schedules", res);
  const found = json<Scheduled[]>(res).find((r) => r.runId === runId);
  assert.ok(found, res.body);
  assert.equal(found.startAt, berlin(`${day}T09:00`));
  assert.equal(found.startLocal, `${day}T09:00`);
  assert.equal(found.timeZone, "Europe/Berlin");
  assert.equal(found.utcOffset, DateTime.fromISO(`${day}T09:00`, { zone: "Europe/Berlin" }).toFormat("ZZ"));
  assert.equal(found.name, "Jane Doe");
  assert.equal(found.subject, "jane.doe@globex.example.com");
  assert.equal(found.status, "scheduled");
});

test("an account limited to acme sees none of globex's schedule, and is refused globex's", async () => {
  await submit("globex", `${day}T11:00`);
  const mine = json<Scheduled[]>(await as("acmeViewer", "GET", "/api/schedules"));
  assert.ok(mine.every((r) => r.clientId === "acme"));
  assert.equal((await as("acmeViewer", "GET", "/api/schedules?client=globex")).statusCode, 403);
  const globexRun = await submit("globex", `${day}T12:00`);
  const refused = await as("acmeTech", "POST", `/api/runs/${globexRun}/reschedule`, {
    startAt: { local: `${day}T13:00` },
  });
  assert.equal(refused.statusCode, 403);
});

test("rescheduling moves the run's start and the plan's copies of it, audited, with a new plan hash", async () => {
  const runId = await submit("globex", `${day}T09:00`);
  const before = json<Run>(await as("admin", "GET", `/api/runs/${runId}`));
  const res = await as("tech", "POST", `/api/runs/${runId}/reschedule`, {
    startAt: { local: `${day}T10:30` },
    reason: "starts later",
  });
  assert.equal(res.statusCode, 200, res.body);
  assertMatchesDocument(
    json(await as("admin", "GET", "/api/openapi.json")),
    "POST",
    "/api/runs/{id}/reschedule",
    res,
  );
  const run = json<Run>(res);
  assert.equal(run.startAt, berlin(`${day}T10:30`));
  assert.equal(run.status, "scheduled");
  assert.notEqual(run.planHash, before.planHash);
  const plan = await planOf(runId);
  const createUser = plan.actions.find((a) => a.key === "create-user");
  assert.equal(createUser?.params.employeeHireDate, berlin(`${day}T10:30`));
  assert.ok(
    !JSON.stringify(plan).includes(`${day}T09:00 Europe/Berlin`),
    "the old start is left in the plan",
  );
  const [stored] = await store.query<{
    hash: string;
    steps: number;
    at: Date;
    body: Record<string, unknown>;
  }>(
    `select r.plan_hash as hash, q.start_at as at, q.body,
            (select count(*)::int from actions a where a.run_id = r.id and a.state = 'ready'
                and a.run_at <> r.start_at) as steps
       from runs r join requests q on q.id = r.request_id where r.id = $1`,
    [runId],
  );
  assert.equal(stored?.hash, run.planHash);
  assert.equal(stored?.steps, 0, "a ready step kept the old start");
  assert.equal(stored?.at.toISOString(), berlin(`${day}T10:30`));
  assert.equal(stored?.body.startLocal, `${day}T10:30 Europe/Berlin`);
  const [audit] = await store.query<{ actor: string; detail: Record<string, unknown> }>(
    "select actor, detail from audit_log where action = 'run.reschedule' and subject = $1",
    [runId],
  );
  assert.equal(audit?.actor, "tech@msp.test");
  assert.equal(audit?.detail.to, berlin(`${day}T10:30`));
  assert.equal(audit?.detail.reason, "starts later");
  const listed = json<Scheduled[]>(await as("admin", "GET", "/api/schedules")).find((r) => r.runId === runId);
  assert.equal(listed?.startLocal, `${day}T10:30`);
});

test("an instant with its offset is read as that instant, and shown in the client's zone", async () => {
  const runId = await submit("globex", `${day}T09:00`);
  const res = await as("tech", "POST", `/api/runs/${runId}/reschedule`, { startAt: `${day}T08:00:00-05:00` });
  assert.equal(res.statusCode, 200, res.body);
  const want = DateTime.fromISO(`${day}T08:00:00-05:00`).toUTC().toISO();
  assert.equal(json<Run>(res).startAt, want);
  const local = DateTime.fromISO(want!).setZone("Europe/Berlin").toFormat("yyyy-MM-dd'T'HH:mm");
  const listed = json<Scheduled[]>(await as("admin", "GET", "/api/schedules")).find((r) => r.runId === runId);
  assert.equal(listed?.startLocal, local);
});

test("bad starts are refused naming the field, and change nothing", async () => {
  const runId = await submit("globex", `${day}T09:00`);
  const hash = json<Run>(await as("admin", "GET", `/api/runs/${runId}`)).planHash;
  const cases: [unknown, string][] = [
    [{ startAt: `${day}T09:00` }, "startAt"],
    [{ startAt: { local: "tomorrow" } }, "startAt.local"],
    [{ startAt: { local: `${day}T09:00`, timeZone: "Mars/Olympus" } }, "startAt.timeZone"],
    [{ startAt: "2020-01-01T09:00:00Z" }, "startAt"],
    [{ startAt: { local: "2020-01-01T09:00" } }, "startAt.local"],
    [{}, "startAt"],
    [{ startAt: `${day}T09:00:00Z`, extra: 1 }, "extra"],
  ];
  for (const [body, field] of cases) {
    const res = await as("tech", "POST", `/api/runs/${runId}/reschedule`, body);
    assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    assert.deepEqual(fieldsOf(res), [field], JSON.stringify(body));
  }
  assert.equal(json<Run>(await as("admin", "GET", `/api/runs/${runId}`)).planHash, hash);
});

test("a run whose start has come is refused with LC_ERR_RUN_STARTED", async () => {
  const runId = await submit("globex", "now");
  const res = await as("tech", "POST", `/api/runs/${runId}/reschedule`, {
    startAt: { local: `${day}T09:00` },
  });
  assert.equal(res.statusCode, 409, res.body);
  assert.equal(json<ErrorReply>(res).error.code, "LC_ERR_RUN_STARTED");
  const [row] = await store.query<{ n: number }>(
    "select count(*)::int as n from audit_log where action = 'run.reschedule' and subject = $1",
    [runId],
  );
  assert.equal(row?.n, 0);
});

test("cancel works on a scheduled run: it leaves the schedule and can no longer be moved", async () => {
  const runId = await submit("globex", `${day}T09:00`);
  const res = await as("tech", "POST", `/api/runs/${runId}/cancel`, { reason: "hire withdrawn" });
  assert.equal(res.statusCode, 200, res.body);
  const run = json<Run>(res);
  assert.equal(run.status, "cancelled");
  assert.ok(run.actions.every((a) => a.state === "cancelled"));
  const listed = json<Scheduled[]>(await as("admin", "GET", "/api/schedules"));
  assert.ok(!listed.some((r) => r.runId === runId));
  const moved = await as("tech", "POST", `/api/runs/${runId}/reschedule`, {
    startAt: { local: `${day}T10:00` },
  });
  assert.equal(moved.statusCode, 409);
  assert.equal(json<ErrorReply>(moved).error.code, "LC_ERR_CONFLICT");
});

test("an approved run that is rescheduled needs its approval again: the plan it approved has changed", async () => {
  const runId = await submit("acme", `${day}T09:00`);
  const first = json<Run>(await as("admin", "GET", `/api/runs/${runId}`));
  assert.equal(first.status, "awaiting-approval");
  const ok = await as("mike", "POST", `/api/runs/${runId}/approve`, { planHash: first.planHash });
  assert.equal(ok.statusCode, 200, ok.body);
  // A worker with no steps of its own decides the gate; the run's work waits for its start.
  const worker = createWorker<NoPorts>({
    queue: sqlStepQueue(store),
    catalog: catalog<NoPorts>(),
    capabilities: () => ({}),
    tuning: { pollMs: 30, idleMs: 50 },
  });
  await worker.start();
  try {
    await waitForStatus(store, runId, ["scheduled"]);
  } finally {
    await worker.stop();
  }
  const res = await as("tech", "POST", `/api/runs/${runId}/reschedule`, {
    startAt: { local: `${day}T11:00` },
  });
  assert.equal(res.statusCode, 200, res.body);
  const moved = json<Run>(res);
  assert.equal(moved.status, "awaiting-approval");
  assert.equal(moved.actions.find((a) => a.key === "approval")?.state, "waiting");
  assert.ok(moved.actions.filter((a) => a.key !== "approval").every((a) => a.state === "pending"));
  const stale = await as("mike", "POST", `/api/runs/${runId}/approve`, { planHash: first.planHash });
  assert.equal(stale.statusCode, 409, stale.body);
  const inbox = json<{ runId: string; planHash: string }[]>(await as("mike", "GET", "/api/approvals"));
  assert.equal(inbox.find((a) => a.runId === runId)?.planHash, moved.planHash);
  const again = await as("mike", "POST", `/api/runs/${runId}/approve`, { planHash: moved.planHash });
  assert.equal(again.statusCode, 200, again.body);
});

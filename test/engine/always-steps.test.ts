import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { z } from "zod";
import { catalog } from "../../src/actions/define.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import type { PlannedAction } from "../../src/domain/plan.ts";
import { getRun } from "../../src/engine/read.ts";
import { createRun } from "../../src/engine/runs.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker, type Worker } from "../../src/engine/worker.ts";
import type { Store } from "../../src/store/sql.ts";
import { seedClient, waitForStatus } from "../support/engine-helpers.ts";
import { pgliteUnderTest } from "../support/stores.ts";
import { defineNoPortsAction, type NoPorts } from "../support/test-actions.ts";

const fast = { leaseMs: 2_000, backoffBaseMs: 20, backoffCapMs: 200, pollMs: 30, idleMs: 50 };
const ran: string[] = [];

const works = defineNoPortsAction({
  type: "test.works",
  params: z.looseObject({}),
  ports: [],
  plan: async () => ({ kind: "will-change", summary: "work" }),
  apply: async (_p, ctx) => {
    ran.push(ctx.idempotencyKey);
    return { kind: "done" };
  },
  verify: async () => ({ kind: "verified" }),
});

const breaks = defineNoPortsAction({
  type: "test.breaks",
  params: z.looseObject({}),
  ports: [],
  plan: async () => {
    throw new LifecycleError({ kind: "invalid", code: "INVALID_PARAMS", message: "broken on purpose" });
  },
  apply: async () => ({ kind: "done" }),
  verify: async () => ({ kind: "verified" }),
});

const step = (
  key: string,
  type: string,
  deps: string[] = [],
  extra: Partial<PlannedAction> = {},
): PlannedAction => ({
  key,
  type,
  title: key,
  params: {},
  deps,
  required: true,
  tenant: "always",
  api: "test",
  ...extra,
});

let store: Store;
let cleanup: () => Promise<void>;
let worker: Worker;

before(async () => {
  ({ store, cleanup } = await pgliteUnderTest.open());
  await seedClient(store);
  worker = createWorker<NoPorts>({
    queue: sqlStepQueue(store),
    catalog: catalog<NoPorts>(works, breaks),
    capabilities: () => ({}),
    id: "always",
    tuning: fast,
  });
  await worker.start();
});
after(async () => {
  await worker.stop();
  await cleanup();
});

const run = (actions: PlannedAction[]) =>
  createRun(store, {
    clientId: "acme",
    kind: "onboard",
    subject: "always",
    requester: "tech@msp.example",
    request: {},
    startAt: new Date(),
    plan: { actions },
  });

test("an always step runs after a required failure and what it blocked; the run still fails", async () => {
  const { runId } = await run([
    step("first", "test.works"),
    step("broken", "test.breaks", ["first"]),
    step("downstream", "test.works", ["broken"]),
    step("log", "test.works", ["first", "broken", "downstream"], { always: true, required: false }),
  ]);
  await waitForStatus(store, runId, ["failed"], 20_000);
  const states = Object.fromEntries((await getRun(store, runId)).actions.map((a) => [a.key, a.state]));
  assert.deepEqual(states, { first: "succeeded", broken: "failed", downstream: "blocked", log: "succeeded" });
  assert.ok(ran.includes(`${runId}:log`));
  assert.ok(!ran.includes(`${runId}:downstream`));
});

test("an always step waits for every step it comes after, as any step does when they succeed", async () => {
  const { runId } = await run([
    step("a", "test.works"),
    step("b", "test.works", ["a"]),
    step("log", "test.works", ["a", "b"], { always: true }),
  ]);
  await waitForStatus(store, runId, ["completed"], 20_000);
  const order = ran.filter((k) => k.startsWith(runId));
  assert.deepEqual(order, [`${runId}:a`, `${runId}:b`, `${runId}:log`]);
});

test("a step that is not always, after a failure, is blocked as before", async () => {
  const { runId } = await run([
    step("broken", "test.breaks"),
    step("next", "test.works", ["broken"], { required: false }),
  ]);
  await waitForStatus(store, runId, ["failed"], 20_000);
  const next = (await getRun(store, runId)).actions.find((a) => a.key === "next");
  assert.equal(next?.state, "blocked");
});

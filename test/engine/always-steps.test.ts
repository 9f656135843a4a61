import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { z } from "zod";
import { LifecycleError } from "../../src/domain/errors.ts";
import type { PlannedAction } from "../../src/domain/plan.ts";
import { getRun } from "../../src/engine/read.ts";
import type { Store } from "../../src/store/sql.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import { defineNoPortsAction, noPortsEngine } from "../support/test-actions.ts";

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

let engine: Awaited<ReturnType<typeof noPortsEngine>>;
let store: Store;
before(async () => {
  engine = await noPortsEngine("always", works, breaks);
  store = engine.store;
});
after(() => engine.close());
const run = (actions: PlannedAction[]) => engine.run(actions);

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

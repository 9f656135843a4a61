import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { catalog } from "../../src/actions/define.ts";
import { memoryWork, type NoPorts } from "../support/test-actions.ts";
import type { LifecycleError } from "../../src/domain/errors.ts";
import { gateStep, type Plan, type PlannedAction } from "../../src/domain/plan.ts";
import { getRun } from "../../src/engine/read.ts";
import { createRun, signalRun } from "../../src/engine/runs.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker, type Worker } from "../../src/engine/worker.ts";
import type { Store } from "../../src/store/sql.ts";
import { seedClient, waitForStatus } from "../support/engine-helpers.ts";
import { asStaff } from "../support/staff.ts";
import {
  pgliteUnderTest,
  postgresSkipReason,
  postgresUnderTest,
  type StoreUnderTest,
} from "../support/stores.ts";

// Tasks are done by those who operate runs; the approval by one who may approve.
const helpdesk = asStaff("helpdesk@msp.example", "technician");
const facilities = asStaff("facilities@acme.example.com", "technician");
const mike = asStaff("mike.chen@acme.example.com");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const { action: work, applied } = memoryWork("test.work");

const workStep = (key: string, deps: string[]): PlannedAction => ({
  key,
  type: "test.work",
  title: key,
  params: {},
  deps,
  required: true,
  tenant: "gates",
  api: "test",
});
const handOver = gateStep("hand-over", { kind: "manual-task", who: "helpdesk", ask: "hand the laptop over" });
const badge = gateStep("badge", { kind: "manual-task", who: "facilities", ask: "issue a door badge" });

function gateSuite(sut: StoreUnderTest, skip: string | false) {
  describe(`gates on ${sut.name}`, { skip }, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let worker: Worker;
    const run = (plan: Plan, approval?: { expiresAt: Date; policy: string }) =>
      createRun(store, {
        clientId: "acme",
        kind: "onboard",
        subject: "sarah.johnson@acme.example.com",
        requester: "tech@msp.example",
        request: {},
        startAt: new Date(),
        plan,
        approval,
      });
    const stateOf = async (runId: string) =>
      Object.fromEntries((await getRun(store, runId)).actions.map((a) => [a.key, a.state]));
    const waitForState = async (runId: string, key: string, state: string) => {
      for (let i = 0; i < 1000; i++) {
        if ((await stateOf(runId))[key] === state) return;
        await sleep(10);
      }
      assert.fail(`${key} never became ${state}: ${JSON.stringify(await stateOf(runId))}`);
    };

    before(async () => {
      ({ store, cleanup } = await sut.open());
      await seedClient(store);
      worker = createWorker<NoPorts>({
        queue: sqlStepQueue(store),
        catalog: catalog<NoPorts>(work),
        capabilities: () => ({}),
        tuning: { leaseMs: 2_000, pollMs: 30, idleMs: 50 },
      });
      await worker.start();
    });
    after(async () => {
      await worker.stop();
      assert.equal(worker.busy(), 0, "a worker was left running");
      await cleanup();
    });

    test("a run with two gates: doing one task runs what follows it and leaves the other waiting", async () => {
      const { runId } = await run({
        actions: [handOver, badge, workStep("a", ["hand-over"]), workStep("b", ["badge"])],
      });
      await waitForState(runId, "hand-over", "waiting");
      await waitForState(runId, "badge", "waiting");
      assert.equal((await getRun(store, runId)).status, "waiting");

      await signalRun(store, runId, { kind: "approve", by: helpdesk, gate: "hand-over" });
      await waitForState(runId, "a", "succeeded");
      await sleep(200);
      assert.deepEqual(await stateOf(runId), {
        "hand-over": "succeeded",
        badge: "waiting",
        a: "succeeded",
        b: "pending",
      });
      assert.equal(applied.has(`${runId}:b`), false);

      await signalRun(store, runId, {
        kind: "approve",
        by: facilities,
        gate: "badge",
        note: "badge 4711",
      });
      assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
      const detail = await getRun(store, runId);
      const outcome = detail.actions.find((a) => a.key === "badge")?.outcome;
      assert.match(
        outcome?.kind === "succeeded" ? (outcome.detail ?? "") : "",
        /^done by facilities@acme\.example\.com at .*: badge 4711$/,
      );
      assert.deepEqual(
        detail.events.filter((e) => e.type === "task.done").map((e) => e.actionKey),
        ["hand-over", "badge"],
      );
      const signals = await store.query<{ key: string }>(
        `select action_key as key from signals where run_id = $1 order by id`,
        [runId],
      );
      assert.deepEqual(
        signals.map((s) => s.key),
        ["hand-over", "badge"],
      );
    });

    test("approve without a gate addresses the approval gate; a task behind it waits for its own signal", async () => {
      const { runId, planHash } = await run(
        { actions: [handOver, workStep("a", ["hand-over"])] },
        { expiresAt: new Date(Date.now() + 60_000), policy: "manager" },
      );
      assert.equal(await waitForStatus(store, runId, ["awaiting-approval"]), "awaiting-approval");
      const gate = (
        await store.query<{ params: unknown }>(
          `select params from actions where run_id = $1 and key = 'approval'`,
          [runId],
        )
      )[0];
      assert.deepEqual(gate?.params, {
        kind: "approval",
        who: "manager",
        ask: "approve the plan as shown",
        requestedBy: { emails: ["tech@msp.example"], accountIds: [] },
      });
      await assert.rejects(
        signalRun(store, runId, { kind: "approve", by: helpdesk, gate: "hand-over" }),
        (e: LifecycleError) =>
          e.failure.kind === "conflict" && /not waiting \(it is pending\)/.test(e.message),
      );
      await assert.rejects(
        signalRun(store, runId, { kind: "approve", by: mike, gate: "no-such-step" }),
        (e: LifecycleError) => e.failure.kind === "not-found",
      );

      await signalRun(store, runId, { kind: "approve", by: mike, planHash });
      await waitForState(runId, "hand-over", "waiting");
      assert.equal(await waitForStatus(store, runId, ["waiting"]), "waiting");
      await sleep(200);
      assert.equal((await stateOf(runId)).a, "pending", "the approval was taken for the task too");

      await signalRun(store, runId, { kind: "approve", by: helpdesk, gate: "hand-over" });
      assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
    });

    test("a task declined cancels the run, and nothing after it runs", async () => {
      const { runId } = await run({ actions: [handOver, workStep("a", ["hand-over"])] });
      await waitForState(runId, "hand-over", "waiting");
      await signalRun(store, runId, { kind: "reject", by: helpdesk, gate: "hand-over", note: "left" });
      assert.equal(await waitForStatus(store, runId, ["cancelled"]), "cancelled");
      assert.equal(applied.has(`${runId}:a`), false);
    });

    test("a plan whose gate names no kind is refused and stores nothing", async () => {
      const bad = { ...handOver, params: { who: "helpdesk", ask: "x" } };
      const count = async () =>
        (await store.query<{ n: number }>("select count(*)::int as n from runs"))[0]?.n;
      const before = await count();
      await assert.rejects(
        run({ actions: [bad] }),
        (e: LifecycleError) => e.failure.kind === "invalid" && /hand-over: gate kind/.test(e.message),
      );
      assert.equal(await count(), before);
    });
  });
}

const pgSkip = await postgresSkipReason();
if (pgSkip) console.log(`# ${pgSkip}`);
gateSuite(pgliteUnderTest, false);
gateSuite(postgresUnderTest, pgSkip);

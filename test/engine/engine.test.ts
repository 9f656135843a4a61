import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LifecycleError } from "../../src/domain/errors.ts";
import { claimActions } from "../../src/engine/queries/claim.ts";
import { checkpoint } from "../../src/engine/queries/checkpoint.ts";
import { LeaseLost } from "../../src/engine/step-queue.ts";
import { getRun } from "../../src/engine/read.ts";
import { cancelRun, createRun, retryFailed, setTenantLimit, signalRun } from "../../src/engine/runs.ts";
import { defaultTuning } from "../../src/engine/types.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker, type Worker } from "../../src/engine/worker.ts";
import type { Plan } from "../../src/domain/plan.ts";
import type { Store } from "../../src/store/sql.ts";
import { startCountingService, type CountingService } from "../support/counting-service.ts";
import { seedClient, waitForStatus } from "../support/engine-helpers.ts";
import { asStaff } from "../support/staff.ts";
import {
  pgliteUnderTest,
  postgresSkipReason,
  postgresUnderTest,
  type StoreUnderTest,
} from "../support/stores.ts";
import { linearPlan, randomPlan, testCatalog, type TestCaps } from "../support/test-actions.ts";

const effectsOnly = { queues: ["default"], types: ["test.effect"] };
const fast = { leaseMs: 2_000, backoffBaseMs: 20, backoffCapMs: 200, pollMs: 30, idleMs: 100 };

function engineSuite(sut: StoreUnderTest, skip: string | false) {
  describe(`engine on ${sut.name}`, { skip }, () => {
    let store: Store;
    let service: CountingService;
    let worker: Worker;
    let cleanup: () => Promise<void>;
    let n = 0;
    const tenant = () => `t${++n}`;
    const run = (plan: Plan, extra: Partial<Parameters<typeof createRun>[1]> = {}) =>
      createRun(store, {
        clientId: "acme",
        kind: "onboard",
        subject: "sarah.johnson@acme.example.com",
        requester: "tech@msp.example",
        request: {},
        startAt: new Date(),
        plan,
        ...extra,
      });

    before(async () => {
      ({ store, cleanup } = await sut.open());
      await seedClient(store);
      service = await startCountingService();
      worker = createWorker<TestCaps>({
        queue: sqlStepQueue(store),
        catalog: testCatalog,
        capabilities: () => ({ serviceUrl: service.url }),
        tuning: fast,
      });
      await worker.start();
    });
    after(async () => {
      await worker.stop();
      assert.equal(worker.busy(), 0, "a worker was left running");
      await service.close();
      await cleanup();
    });

    test("a run of dependent steps completes and applies every effect exactly once", async () => {
      const { runId } = await run(randomPlan(8, tenant()));
      assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
      const detail = await getRun(store, runId);
      for (const a of detail.actions) {
        assert.equal(a.state, "succeeded");
        assert.equal(service.counts().get(`${runId}:${a.key}`), 1);
      }
      const types = detail.events.map((e) => e.type);
      assert.ok(types.includes("run.created") && types.includes("action.succeeded"));
      // Each step ran after everything it depends on finished.
      const finished = new Map(detail.actions.map((a) => [a.key, a.finishedAt!.getTime()]));
      for (const a of detail.actions)
        for (const d of a.deps) assert.ok(a.startedAt!.getTime() >= finished.get(d)!);
    });

    test("independent steps run in parallel up to the run's cap", async () => {
      service.configure({ applyMs: 80 });
      const t = tenant();
      await setTenantLimit(store, t, "test", { concurrency: 10, ratePerSecond: 1000 });
      const plan: Plan = {
        actions: Array.from({ length: 6 }, (_, i) => ({
          key: `p${i}`,
          type: "test.effect",
          title: `p${i}`,
          params: { tenant: t },
          deps: [],
          required: true,
          tenant: t,
          api: "test",
        })),
      };
      const { runId } = await run(plan, { maxParallel: 3 });
      assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
      service.configure({ applyMs: 0 });
      assert.equal(service.maxConcurrent(t), 3);
    });

    test("a tenant's concurrency limit holds across runs", async () => {
      service.configure({ applyMs: 40 });
      const t = tenant();
      await setTenantLimit(store, t, "test", { concurrency: 2, ratePerSecond: 1000 });
      const ids = await Promise.all([1, 2, 3].map(() => run(randomPlan(4, t))));
      for (const { runId } of ids)
        assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
      service.configure({ applyMs: 0 });
      assert.ok(service.maxConcurrent(t) <= 2, `saw ${service.maxConcurrent(t)} at once`);
      assert.equal(service.maxConcurrent(t), 2);
    });

    test("throttled calls retry no sooner than Retry-After and all finish", async () => {
      service.configure({ throttleRate: 0.5, retryAfterMs: 300 });
      const ids = await Promise.all([1, 2, 3].map(() => run(randomPlan(5, tenant()))));
      for (const { runId } of ids)
        assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
      service.configure({ throttleRate: 0 });
      assert.ok(service.throttled() > 0, "the service throttled nothing: the test proves nothing");
      assert.deepEqual(service.earlyRetries(), []);
    });

    test("transient failures retry with backoff until they succeed", async () => {
      service.configure({ failRate: 0.4 });
      const { runId } = await run(linearPlan(["a", "b", "c", "d"], tenant()));
      assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
      service.configure({ failRate: 0 });
      for (const k of ["a", "b", "c", "d"]) assert.equal(service.counts().get(`${runId}:${k}`), 1);
    });

    test("a condition that needs time is polled until it holds, holding no worker", async () => {
      const t = tenant();
      const plan: Plan = {
        actions: [
          {
            key: "w",
            type: "test.effect",
            title: "w",
            params: { tenant: t, waitPolls: 3 },
            deps: [],
            required: true,
            tenant: t,
            api: "test",
          },
        ],
      };
      const { runId } = await run(plan);
      assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
      const waits = (await getRun(store, runId)).events.filter((e) => e.type === "action.waiting");
      assert.equal(waits.length, 3);
    });

    test("what apply reported survives a verification that had to wait, beside what each re-read saw", async () => {
      const t = tenant();
      const { runId } = await run(linearPlan(["v"], t, { params: { tenant: t, verifyPolls: 1 } }));
      assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
      const detail = await getRun(store, runId);
      const step = detail.actions[0]!;
      assert.equal(step.state, "succeeded");
      assert.ok(step.outcome?.kind === "succeeded");
      const { appliedAt, ...rest } = step.outcome;
      assert.deepEqual(rest, {
        kind: "succeeded",
        detail: "applied",
        data: { verifyPoll: 2, appliedAs: `${runId}:v` },
      });
      const waiting = detail.events.find((e) => e.type === "action.waiting")?.detail as Record<
        string,
        unknown
      >;
      assert.deepEqual(waiting.data, { verifyPoll: 1 }, "the wait keeps what the re-read saw");
      assert.deepEqual((waiting.applied as { data?: unknown }).data, { appliedAs: `${runId}:v` });
      // The change took effect when it was applied, a verification poll before it was proven.
      assert.ok(appliedAt && Date.parse(appliedAt) < step.finishedAt!.getTime() - 1000, appliedAt);
    });

    test("a long wait is polled less and less often", async () => {
      const t = tenant();
      const plan: Plan = {
        actions: [
          {
            key: "w",
            type: "test.effect",
            title: "w",
            params: { tenant: t, waitPolls: 50 },
            deps: [],
            required: true,
            tenant: t,
            api: "test",
          },
        ],
      };
      const { runId } = await run(plan);
      const waitingRow = async () =>
        (
          await store.query<{ gapMs: number }>(
            `select extract(epoch from (run_at - now())) * 1000 as "gapMs" from actions where run_id = $1 and state = 'waiting'`,
            [runId],
          )
        )[0];
      while (!(await waitingRow())) await new Promise((r) => setTimeout(r, 10));
      // Pretend the step has waited 40 s, and poll it now.
      await store.query(
        `update actions set waiting_since = now() - interval '40 seconds', run_at = now() where run_id = $1`,
        [runId],
      );
      let gap = 0;
      for (let i = 0; i < 200 && gap < 1000; i++) {
        await new Promise((r) => setTimeout(r, 10));
        gap = (await waitingRow())?.gapMs ?? 0;
      }
      assert.ok(gap >= 9_000, `next poll in ${gap} ms after 40 s of waiting`);
      await cancelRun(store, runId, "test");
    });

    test("a failed required step fails the run and blocks what depends on it", async () => {
      const t = tenant();
      const { runId } = await run(linearPlan(["a", "b", "c"], t), { startAt: new Date(Date.now() + 300) });
      service.configure({ rejectKeys: new Set([`${runId}:b`]) });
      assert.equal(
        await waitForStatus(store, runId, ["completed", "failed", "completed-with-warnings"]),
        "failed",
      );
      const states = Object.fromEntries((await getRun(store, runId)).actions.map((a) => [a.key, a.state]));
      assert.deepEqual(states, { a: "succeeded", b: "failed", c: "blocked" });
      const b = (await getRun(store, runId)).actions.find((a) => a.key === "b")!;
      assert.equal(b.attempts, 1, "an invalid-kind failure must not be retried");
      assert.equal(b.outcome?.kind, "failed");
    });

    test("a failed optional step leaves a warning, not a wall: its dependents run, the run is completed with warnings", async () => {
      const t = tenant();
      const plan = linearPlan(["a", "b"], t);
      plan.actions[0]!.required = false;
      // Starts a moment later, so the service knows which call to refuse before any step runs.
      const { runId } = await run(plan, { startAt: new Date(Date.now() + 300) });
      service.configure({ rejectKeys: new Set([`${runId}:a`]) });
      assert.equal(
        await waitForStatus(store, runId, ["completed", "failed", "completed-with-warnings"]),
        "completed-with-warnings",
      );
      const states = Object.fromEntries((await getRun(store, runId)).actions.map((a) => [a.key, a.state]));
      assert.deepEqual(states, { a: "failed", b: "succeeded" });
    });

    test("retrying a failed run re-runs only the failed and blocked steps", async () => {
      const t = tenant();
      const { runId } = await run(linearPlan(["a", "b", "c"], t), { startAt: new Date(Date.now() + 300) });
      service.configure({ rejectKeys: new Set([`${runId}:b`]) });
      assert.equal(await waitForStatus(store, runId, ["failed"]), "failed");
      service.configure({ rejectKeys: new Set() });
      const { reopened } = await retryFailed(store, runId, "tech@msp.example");
      assert.deepEqual(reopened.sort(), ["b", "c"]);
      assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
      assert.equal(service.counts().get(`${runId}:a`), 1);
      assert.equal(service.counts().get(`${runId}:b`), 1);
      const a = (await getRun(store, runId)).actions.find((x) => x.key === "a")!;
      assert.equal(a.attempts, 1, "a succeeded step ran again");
      await assert.rejects(
        retryFailed(store, runId, "tech"),
        (e: LifecycleError) => e.failure.kind === "conflict",
      );
    });

    const mike = asStaff("mike.chen@acme.example.com");

    test("a run that needs approval waits for it, then runs", async () => {
      const { runId, planHash } = await run(linearPlan(["a"], tenant()), {
        approval: { expiresAt: new Date(Date.now() + 60_000), policy: "manager" },
      });
      assert.equal(await waitForStatus(store, runId, ["awaiting-approval"]), "awaiting-approval");
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(service.counts().get(`${runId}:a`), undefined, "ran before approval");
      await assert.rejects(
        signalRun(store, runId, { kind: "approve", by: mike, planHash: "0".repeat(64) }),
        (e: LifecycleError) => e.failure.kind === "conflict",
      );
      await signalRun(store, runId, { kind: "approve", by: mike, planHash });
      assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
      const approval = (await getRun(store, runId)).actions.find((a) => a.key === "approval")!;
      assert.match(
        approval.outcome?.kind === "succeeded" ? (approval.outcome.detail ?? "") : "",
        /approved by mike.chen/,
      );
    });

    test("a rejected run is cancelled and does nothing", async () => {
      const { runId } = await run(linearPlan(["a"], tenant()), {
        approval: { expiresAt: new Date(Date.now() + 60_000), policy: "manager" },
      });
      await waitForStatus(store, runId, ["awaiting-approval"]);
      await signalRun(store, runId, { kind: "reject", by: mike, note: "wrong person" });
      assert.equal(await waitForStatus(store, runId, ["cancelled"]), "cancelled");
      assert.equal(service.counts().get(`${runId}:a`), undefined);
    });

    test("an approval that expires fails the run without running a step", async () => {
      const { runId } = await run(linearPlan(["a"], tenant()), {
        approval: { expiresAt: new Date(Date.now() + 300), policy: "manager" },
      });
      assert.equal(await waitForStatus(store, runId, ["failed"]), "failed");
      const detail = await getRun(store, runId);
      const gate = detail.actions.find((a) => a.key === "approval")!;
      assert.equal(gate.outcome?.kind === "failed" && gate.outcome.error.code, "APPROVAL_EXPIRED");
      assert.equal(detail.actions.find((a) => a.key === "a")!.state, "blocked");
    });

    test("a scheduled run waits for its start time", async () => {
      const startAt = new Date(Date.now() + 1_000);
      const { runId, status } = await run(linearPlan(["a"], tenant()), { startAt });
      assert.equal(status, "scheduled");
      await new Promise((r) => setTimeout(r, 400));
      assert.equal((await getRun(store, runId)).status, "scheduled");
      assert.equal(service.counts().get(`${runId}:a`), undefined);
      assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
      const a = (await getRun(store, runId)).actions[0]!;
      assert.ok(a.startedAt!.getTime() >= startAt.getTime(), "started before its start time");
    });

    test("cancelling a scheduled run stops every step", async () => {
      const { runId } = await run(linearPlan(["a", "b"], tenant()), { startAt: new Date(Date.now() + 500) });
      assert.equal(await cancelRun(store, runId, "tech"), "cancelled");
      await new Promise((r) => setTimeout(r, 800));
      const detail = await getRun(store, runId);
      assert.equal(detail.status, "cancelled");
      assert.deepEqual(
        detail.actions.map((a) => a.state),
        ["cancelled", "cancelled"],
      );
      assert.equal(service.counts().get(`${runId}:a`), undefined);
      await assert.rejects(
        cancelRun(store, runId, "tech"),
        (e: LifecycleError) => e.failure.kind === "conflict",
      );
    });

    test("cancelling during a run lets the step in flight finish and starts no other", async () => {
      service.configure({ applyMs: 300 });
      const { runId } = await run(linearPlan(["a", "b", "c"], tenant()));
      await new Promise((r) => setTimeout(r, 150));
      await cancelRun(store, runId, "tech");
      assert.equal(await waitForStatus(store, runId, ["cancelled"]), "cancelled");
      service.configure({ applyMs: 0 });
      const states = Object.fromEntries((await getRun(store, runId)).actions.map((a) => [a.key, a.state]));
      assert.deepEqual(states, { a: "succeeded", b: "cancelled", c: "cancelled" });
    });

    test("a plan with a cycle is rejected and stores nothing", async () => {
      const before = await store.query<{ n: number }>("select count(*)::int as n from runs");
      const plan = linearPlan(["a", "b"], tenant());
      plan.actions[0]!.deps = ["b"];
      await assert.rejects(
        run(plan),
        (e: LifecycleError) =>
          e.failure.kind === "invalid" && /cycle: a -> b -> a|cycle: b -> a -> b/.test(e.message),
      );
      const after = await store.query<{ n: number }>("select count(*)::int as n from runs");
      assert.deepEqual(after, before);
    });

    test("a worker whose lease was taken over cannot write its stale checkpoint", async () => {
      await worker.stop();
      try {
        const { runId } = await run(linearPlan(["a"], tenant()));
        const [stale] = (await claimActions(store, "stale-worker", 100, 1, effectsOnly)).steps;
        assert.ok(stale);
        await new Promise((r) => setTimeout(r, 150));
        const [fresh] = (await claimActions(store, "fresh-worker", 5_000, 1, effectsOnly)).steps;
        assert.equal(fresh?.key, "a");
        assert.ok(fresh!.fence > stale!.fence);
        assert.equal(fresh!.previousState, "running");
        await assert.rejects(
          checkpoint(
            store,
            stale!,
            { kind: "final", state: "succeeded", outcome: { kind: "succeeded" } },
            defaultTuning,
          ),
          LeaseLost,
        );
        const a = (await getRun(store, runId)).actions[0]!;
        assert.equal(a.state, "running");
        await checkpoint(
          store,
          fresh!,
          { kind: "final", state: "succeeded", outcome: { kind: "succeeded" } },
          defaultTuning,
        );
        assert.equal((await getRun(store, runId)).status, "completed");
      } finally {
        await worker.start();
      }
    });
  });
}

const pgSkip = await postgresSkipReason();
if (pgSkip) console.log(`# ${pgSkip}`);
engineSuite(pgliteUnderTest, false);
engineSuite(postgresUnderTest, pgSkip);

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { z } from "zod";
import { catalog } from "../../src/actions/define.ts";
import { urgentPriority, type Plan } from "../../src/domain/plan.ts";
import { claimActions } from "../../src/engine/queries/claim.ts";
import { throttleTenant } from "../../src/engine/queries/throttle.ts";
import { createRun, setTenantLimit } from "../../src/engine/runs.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker } from "../../src/engine/worker.ts";
import type { Store } from "../../src/store/sql.ts";
import { seedClient, waitForStatus } from "../support/engine-helpers.ts";
import {
  pgliteUnderTest,
  postgresSkipReason,
  postgresUnderTest,
  type StoreUnderTest,
} from "../support/stores.ts";
import { defineNoPortsAction, type NoPorts } from "../support/test-actions.ts";

// Claimed here by hand, never run: no worker of this file has the type.
const held = { queues: ["default"], types: ["test.held"] };
const leaseMs = 60_000;

/** `n` independent steps on one tenant's "test" API, ordinary or urgent (a lock-out). */
const steps = (tenant: string, prefix: string, n: number, priority = 0, type = "test.held"): Plan => ({
  actions: Array.from({ length: n }, (_, i) => ({
    key: `${prefix}${i}`,
    type,
    title: `${prefix}${i}`,
    params: {},
    deps: [],
    required: true,
    tenant,
    api: "test",
    priority,
  })),
});

/** A step that holds its slot until the test lets it go: an onboarding step that takes seconds. */
const releases = new Map<string, () => void>();
const startedKeys: string[] = [];
const slow = defineNoPortsAction({
  type: "test.slow",
  params: z.looseObject({}),
  ports: [],
  plan: async () => ({ kind: "will-change", summary: "hold a slot" }),
  apply: async (_p, ctx) => {
    startedKeys.push(ctx.idempotencyKey);
    await new Promise<void>((resolve) => releases.set(ctx.idempotencyKey, resolve));
    return { kind: "done" };
  },
  verify: async () => ({ kind: "verified" }),
});

function prioritySuite(sut: StoreUnderTest, skip: string | false) {
  describe(`urgent steps preempt the tenant's limits on ${sut.name}`, { skip }, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let n = 0;
    const tenant = () => `prio${++n}`;
    const run = (plan: Plan) =>
      createRun(store, {
        clientId: "acme",
        kind: "offboard",
        subject: "leaver@acme.example.com",
        requester: "tech@msp.example",
        request: {},
        startAt: new Date(),
        plan,
        maxParallel: 1,
      });
    const keysOf = (claimed: { key: string }[]) => claimed.map((c) => c.key).sort();

    before(async () => {
      ({ store, cleanup } = await sut.open());
      await seedClient(store);
    });
    after(() => cleanup());

    test("with every slot taken by ordinary steps, urgent ones still start, up to the priority slots", async () => {
      const t = tenant();
      await setTenantLimit(store, t, "test", { concurrency: 2, ratePerSecond: 1000, prioritySlots: 2 });
      await run(steps(t, "hire-a", 3));
      await run(steps(t, "hire-b", 3));
      assert.deepEqual(keysOf((await claimActions(store, "w1", leaseMs, 10, held)).steps), [
        "hire-a0",
        "hire-b0",
      ]);
      assert.deepEqual(
        await claimActions(store, "w1", leaseMs, 10, held),
        { steps: [], limited: { retryInMs: null } },
        "the cap holds for the bulk, and only a step's end (which wakes every worker) frees a slot",
      );

      // One run's three lock-out steps: its run cap (1) does not hold them back either.
      await run(steps(t, "lock", 3, urgentPriority));
      assert.deepEqual(keysOf((await claimActions(store, "w2", leaseMs, 10, held)).steps), [
        "lock0",
        "lock1",
      ]);
      assert.deepEqual(
        (await claimActions(store, "w2", leaseMs, 10, held)).steps,
        [],
        "past the lane, urgent waits too",
      );
    });

    test("ordinary steps never take the priority slots, even when no urgent step is waiting", async () => {
      const t = tenant();
      await setTenantLimit(store, t, "test", { concurrency: 1, ratePerSecond: 1000, prioritySlots: 3 });
      await run(steps(t, "hire-a", 2));
      await run(steps(t, "hire-b", 2));
      assert.equal((await claimActions(store, "w1", leaseMs, 10, held)).steps.length, 1);
      assert.equal((await claimActions(store, "w1", leaseMs, 10, held)).steps.length, 0);
    });

    test("an urgent step is served from an emptied rate bucket, and the bulk repays the debt", async () => {
      const t = tenant();
      // A bucket of one token that then refills in about a day: empty once one step has started.
      await setTenantLimit(store, t, "test", { concurrency: 10, ratePerSecond: 1, prioritySlots: 1 });
      await store.query(`update tenant_limits set rate_per_second = 0.00001 where tenant = $1`, [t]);
      await run(steps(t, "hire-a", 2));
      await run(steps(t, "hire-b", 2));
      assert.equal((await claimActions(store, "w1", leaseMs, 10, held)).steps.length, 1);
      const empty = await claimActions(store, "w1", leaseMs, 10, held);
      assert.deepEqual(empty.steps, [], "the bucket is empty");
      // A token in about a day (1e-5 a second): the claim says when, for the worker's sleep.
      const retry = empty.limited?.retryInMs ?? 0;
      assert.ok(retry > 80_000_000 && retry <= 100_000_000, `a token again in ${retry} ms`);
      await run(steps(t, "lock", 2, urgentPriority));
      assert.deepEqual(keysOf((await claimActions(store, "w2", leaseMs, 10, held)).steps), ["lock0"]);
      assert.deepEqual(
        (await claimActions(store, "w2", leaseMs, 10, held)).steps,
        [],
        "one token of credit only",
      );
      const [row] = await store.query<{ tokens: number }>(
        `select tokens from tenant_limits where tenant = $1 and api = 'test'`,
        [t],
      );
      assert.ok(row!.tokens < 0, `the urgent step borrowed (tokens ${row!.tokens})`);
    });

    test("another step's 429 holds the bulk back but not an urgent step", async () => {
      const t = tenant();
      await setTenantLimit(store, t, "test", { concurrency: 10, ratePerSecond: 1000, prioritySlots: 3 });
      await run(steps(t, "hire", 2));
      await run(steps(t, "lock", 1, urgentPriority));
      await throttleTenant(store, t, "test", 60_000);
      assert.deepEqual(keysOf((await claimActions(store, "w1", leaseMs, 10, held)).steps), ["lock0"]);
      assert.deepEqual((await claimActions(store, "w1", leaseMs, 10, held)).steps, []);
    });

    test("a worker whose every slot holds a long step still runs a lock-out in its priority slots", async () => {
      const t = tenant();
      startedKeys.length = 0;
      releases.clear();
      await setTenantLimit(store, t, "test", { concurrency: 10, ratePerSecond: 1000, prioritySlots: 3 });
      const worker = createWorker<NoPorts>({
        queue: sqlStepQueue(store),
        catalog: catalog<NoPorts>(slow),
        capabilities: () => ({}),
        slots: 2,
        prioritySlots: 1,
        tuning: { leaseMs: 5_000, pollMs: 30, idleMs: 50 },
      });
      await worker.start();
      try {
        const bulk = await Promise.all([1, 2, 3].map(() => run(steps(t, "hire", 1, 0, "test.slow"))));
        await waitFor(() => startedKeys.length === 2);
        assert.equal(worker.busy(), 2, "both ordinary slots hold a bulk step");

        const lock = await run(steps(t, "lock", 1, urgentPriority, "test.slow"));
        await waitFor(() => startedKeys.some((k) => k.startsWith(lock.runId)));
        assert.equal(startedKeys.length, 3, "the third bulk step still waits for an ordinary slot");
        releases.get(startedKeys.find((k) => k.startsWith(lock.runId))!)!();
        assert.equal(await waitForStatus(store, lock.runId, ["completed", "failed"]), "completed");

        // The bulk finishes as its steps are let go: nothing was lost or run twice for the lock-out.
        for (const b of bulk) {
          await waitFor(() => {
            for (const [k, release] of releases) if (!k.startsWith(lock.runId)) release();
            return startedKeys.filter((k) => k.startsWith(b.runId)).length === 1;
          });
          for (const [k, release] of releases) if (!k.startsWith(lock.runId)) release();
          assert.equal(await waitForStatus(store, b.runId, ["completed", "failed"]), "completed");
        }
      } finally {
        for (const release of releases.values()) release();
        await worker.stop();
      }
    });

    test("a worker held back by a full tenant asks again when a step ends, not every few milliseconds", async () => {
      const t = tenant();
      startedKeys.length = 0;
      releases.clear();
      await setTenantLimit(store, t, "test", { concurrency: 1, ratePerSecond: 1000, prioritySlots: 0 });
      const queue = sqlStepQueue(store);
      let claims = 0;
      const worker = createWorker<NoPorts>({
        queue: { ...queue, claim: (...args) => (claims++, queue.claim(...args)) },
        catalog: catalog<NoPorts>(slow),
        capabilities: () => ({}),
        slots: 4,
        prioritySlots: 0,
        tuning: { leaseMs: 5_000, pollMs: 30, idleMs: 5_000 },
      });
      await worker.start();
      try {
        const runs = await Promise.all([1, 2, 3].map(() => run(steps(t, "hire", 1, 0, "test.slow"))));
        await waitFor(() => startedKeys.length === 1);
        // Two steps are due and the tenant's one slot is taken: nothing to ask until that step ends.
        const before = claims;
        await new Promise((r) => setTimeout(r, 600));
        assert.ok(claims - before <= 1, `${claims - before} claims while nothing could be claimed`);
        // Another tenant's step that falls due meanwhile still starts at its time, not at the idle sleep's
        // end (5 s here).
        const other = tenant();
        await setTenantLimit(store, other, "test", { concurrency: 1, ratePerSecond: 1000, prioritySlots: 0 });
        const later = await createRun(store, {
          clientId: "acme",
          kind: "onboard",
          subject: "later@acme.example.com",
          requester: "tech@msp.example",
          request: {},
          startAt: new Date(Date.now() + 300),
          plan: steps(other, "later", 1, 0, "test.slow"),
          maxParallel: 1,
        });
        await waitFor(() => startedKeys.some((k) => k.startsWith(later.runId)), 3_000);
        releases.get(startedKeys.find((k) => k.startsWith(later.runId))!)!();
        assert.equal(await waitForStatus(store, later.runId, ["completed", "failed"]), "completed");
        releases.get(startedKeys[0]!)!();
        await waitFor(() => startedKeys.length === 3);
        releases.get(startedKeys[2]!)!();
        await waitFor(() => startedKeys.length === 4);
        releases.get(startedKeys[3]!)!();
        for (const r of runs)
          assert.equal(await waitForStatus(store, r.runId, ["completed", "failed"]), "completed");
      } finally {
        for (const release of releases.values()) release();
        await worker.stop();
      }
    });
  });
}

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error("timed out waiting for the condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}

prioritySuite(pgliteUnderTest, false);
prioritySuite(postgresUnderTest, await postgresSkipReason());

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { z } from "zod";
import { catalog } from "../../src/actions/define.ts";
import { defineNoPortsAction, type NoPorts } from "../support/test-actions.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import type { Plan, PlannedAction } from "../../src/domain/plan.ts";
import { getRun } from "../../src/engine/read.ts";
import { createRun } from "../../src/engine/runs.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker, type Worker } from "../../src/engine/worker.ts";
import type { Store } from "../../src/store/sql.ts";
import { seedClient, waitForStatus } from "../support/engine-helpers.ts";
import {
  pgliteUnderTest,
  postgresSkipReason,
  postgresUnderTest,
  type StoreUnderTest,
} from "../support/stores.ts";

const fast = { leaseMs: 2_000, backoffBaseMs: 20, backoffCapMs: 200, pollMs: 30, idleMs: 50 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Applications per idempotency key: a step run twice, or by nobody, shows here. */
const applied = new Map<string, number>();

/** A step that changes only this process's memory, as a real action would: read, change, re-read. */
const memoryAction = (type: string) =>
  defineNoPortsAction({
    type: type,
    params: z.looseObject({}),
    ports: [],
    plan: async (_p, ctx) =>
      applied.has(ctx.idempotencyKey)
        ? { kind: "already-done" }
        : { kind: "will-change", summary: `apply ${ctx.idempotencyKey}` },
    apply: async (_p, ctx) => {
      applied.set(ctx.idempotencyKey, (applied.get(ctx.idempotencyKey) ?? 0) + 1);
      return { kind: "done" };
    },
    verify: async (_p, ctx) =>
      applied.has(ctx.idempotencyKey) ? { kind: "verified" } : { kind: "not-verified", observed: "missing" },
  });

const throttledOnce = new Set<string>();
/** Answers 429 once from "graph" although the planner labelled the step with another API. */
const throttledElsewhere = defineNoPortsAction({
  type: "test.throttled-elsewhere",
  params: z.looseObject({}),
  ports: [],
  plan: async (_p, ctx) => ({ kind: "will-change", summary: `apply ${ctx.idempotencyKey}` }),
  apply: async (_p, ctx) => {
    if (!throttledOnce.has(ctx.idempotencyKey)) {
      throttledOnce.add(ctx.idempotencyKey);
      throw new LifecycleError({
        kind: "throttled",
        code: "THROTTLED",
        message: "429 from graph",
        retryAfterMs: 300,
        vendor: { api: "graph", status: 429, code: "TooManyRequests" },
      });
    }
    return { kind: "done" };
  },
  verify: async () => ({ kind: "verified" }),
});

const step = (key: string, type: string, tenant: string, extra: Partial<PlannedAction> = {}) => ({
  key,
  type,
  title: key,
  params: {},
  deps: [],
  required: true,
  tenant,
  api: "test",
  ...extra,
});

function queueSuite(sut: StoreUnderTest, skip: string | false) {
  describe(`claiming by action type and queue on ${sut.name}`, { skip }, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    const workers: Worker[] = [];
    let n = 0;
    const tenant = () => `q${++n}`;
    const run = (plan: Plan) =>
      createRun(store, {
        clientId: "acme",
        kind: "onboard",
        subject: "sarah.johnson@acme.example.com",
        requester: "tech@msp.example",
        request: {},
        startAt: new Date(),
        plan,
      });
    const start = async (
      id: string,
      types: string[],
      queues?: string[],
      unknownActions?: "wait" | "fail",
    ) => {
      const w = createWorker<NoPorts>({
        unknownActions,
        queue: sqlStepQueue(store),
        catalog: catalog<NoPorts>(
          ...types.map((t) => (t === throttledElsewhere.type ? throttledElsewhere : memoryAction(t))),
        ),
        capabilities: () => ({}),
        queues,
        id,
        tuning: fast,
      });
      workers.push(w);
      await w.start();
      return w;
    };
    const stopAll = async () => {
      for (const w of workers.splice(0)) {
        await w.stop();
        assert.equal(w.busy(), 0, `worker ${w.id} was left running`);
      }
    };
    const attemptsOf = (runId: string) =>
      store.query<{ key: string; worker: string; code: string | null }>(
        `select a.key, t.worker, t.outcome->'error'->>'code' as code
           from attempts t join actions a on a.id = t.action_id where t.run_id = $1 order by t.id`,
        [runId],
      );

    before(async () => {
      ({ store, cleanup } = await sut.open());
      await seedClient(store);
    });
    after(async () => {
      await stopAll();
      await cleanup();
    });

    test("a worker with a partial catalogue leaves the steps it cannot run to a worker that can", async () => {
      try {
        const t = tenant();
        const { runId } = await run({
          actions: [
            step("a", "test.cloud", t),
            step("b", "test.ad", t, { deps: ["a"] }),
            step("c", "test.cloud", t, { deps: ["b"] }),
            step("d", "test.ad", t),
          ],
        });
        await start("cloud-only", ["test.cloud"]);
        for (let i = 0; i < 400 && !applied.has(`${runId}:a`); i++) await sleep(10);
        assert.equal(applied.get(`${runId}:a`), 1);
        await sleep(300);
        const waiting = await getRun(store, runId);
        const byKey = new Map(waiting.actions.map((a) => [a.key, a]));
        assert.deepEqual(
          ["b", "d"].map((k) => [k, byKey.get(k)?.state, byKey.get(k)?.attempts]),
          [
            ["b", "ready", 0],
            ["d", "ready", 0],
          ],
        );
        assert.equal(byKey.get("c")?.state, "pending");

        await start("full", ["test.cloud", "test.ad"]);
        assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
        const attempts = await attemptsOf(runId);
        assert.deepEqual(
          attempts.filter((x) => x.code !== null),
          [],
          "a step failed in a worker that could not run it",
        );
        const ranBy = new Map(attempts.map((x) => [x.key, x.worker]));
        assert.equal(ranBy.get("a"), "cloud-only");
        assert.equal(ranBy.get("b"), "full");
        assert.equal(ranBy.get("d"), "full");
        for (const k of ["a", "b", "c", "d"]) assert.equal(applied.get(`${runId}:${k}`), 1, k);
      } finally {
        await stopAll();
      }
    });

    test("a site's steps go only to the worker serving that site's queue, and it takes nothing else", async () => {
      try {
        const t = tenant();
        const site = "site:acme:berlin";
        const { runId } = await run({
          actions: [
            step("onprem", "test.ad", t, { queue: site }),
            step("cloud", "test.ad", t),
            step("after", "test.cloud", t, { deps: ["onprem"] }),
          ],
        });
        await start("berlin-agent", ["test.ad"], [site]);
        for (let i = 0; i < 400 && !applied.has(`${runId}:onprem`); i++) await sleep(10);
        assert.equal(applied.get(`${runId}:onprem`), 1);
        await sleep(300);
        assert.equal(applied.has(`${runId}:cloud`), false, "the site agent took a default-queue step");

        await start("cloud-worker", ["test.ad", "test.cloud"]);
        assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
        const ranBy = new Map((await attemptsOf(runId)).map((x) => [x.key, x.worker]));
        assert.deepEqual(Object.fromEntries(ranBy), {
          onprem: "berlin-agent",
          cloud: "cloud-worker",
          after: "cloud-worker",
        });
        const [row] = await store.query<{ queue: string }>(
          `select queue from actions where run_id = $1 and key = 'onprem'`,
          [runId],
        );
        assert.equal(row?.queue, site);
      } finally {
        await stopAll();
      }
    });

    test("a worker holding the whole catalogue fails a step nobody can run, visibly, instead of waiting for nobody", async () => {
      try {
        const t = tenant();
        const plan = {
          actions: [step("a", "test.cloud", t), step("psa", "test.not-built-yet", t, { required: false })],
        };
        const { runId } = await run(plan);
        await start("product", ["test.cloud"], undefined, "fail");
        assert.equal(
          await waitForStatus(store, runId, ["completed", "completed-with-warnings", "failed"]),
          "completed-with-warnings",
        );
        const psa = (await getRun(store, runId)).actions.find((a) => a.key === "psa");
        assert.equal(psa?.outcome?.kind === "failed" && psa.outcome.error.code, "UNKNOWN_ACTION");
      } finally {
        await stopAll();
      }
    });

    test("a 429 throttles the API that answered, made a limits row when it had none, not the step's label", async () => {
      try {
        const t = tenant();
        const { runId } = await run({
          actions: [step("x", "test.throttled-elsewhere", t, { api: "exchange" })],
        });
        const before = await store.query(`select 1 from tenant_limits where tenant = $1 and api = 'graph'`, [
          t,
        ]);
        assert.equal(before.length, 0, "the plan made a graph row: the test would prove nothing");
        await start("w", ["test.throttled-elsewhere"]);
        assert.equal(await waitForStatus(store, runId, ["completed", "failed"]), "completed");
        const limits = await store.query<{ api: string; throttled: boolean; concurrency: number }>(
          `select api, throttled_until is not null as throttled, concurrency from tenant_limits where tenant = $1 order by api`,
          [t],
        );
        assert.deepEqual(limits, [
          { api: "exchange", throttled: false, concurrency: 4 },
          { api: "graph", throttled: true, concurrency: 4 },
        ]);
        const history = await store.query<{ started: Date; ended: Date }>(
          `select started_at as started, ended_at as ended from attempts where run_id = $1 order by id`,
          [runId],
        );
        assert.equal(history.length, 2);
        assert.ok(
          history[1]!.started.getTime() - history[0]!.ended.getTime() >= 290,
          "retried before Retry-After",
        );
      } finally {
        await stopAll();
      }
    });
  });
}

const pgSkip = await postgresSkipReason();
if (pgSkip) console.log(`# ${pgSkip}`);
queueSuite(pgliteUnderTest, false);
queueSuite(postgresUnderTest, pgSkip);

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { createRun } from "../../src/engine/runs.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { cleanupsAfterAll } from "../support/cleanups.ts";
import { startCountingService, type CountingService } from "../support/counting-service.ts";
import { seedClient } from "../support/engine-helpers.ts";
import { killHard, spawnWorker, stopGracefully, type WorkerProcess } from "../support/processes.ts";
import { postgresSkipReason, postgresUnderTest } from "../support/stores.ts";
import { randomPlan } from "../support/test-actions.ts";

const RUNS = 110;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stores RUNS runs of 5–10 dependent steps across ten tenants; returns every step's idempotency key. */
async function seedRuns(store: Store): Promise<string[]> {
  await seedClient(store);
  const keys: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const plan = randomPlan(5 + (i % 6), `tenant${i % 10}`);
    const { runId } = await createRun(store, {
      clientId: "acme",
      kind: "onboard",
      subject: `user${i}@acme.example.com`,
      requester: "crash-test",
      request: {},
      startAt: new Date(),
      plan,
    });
    for (const a of plan.actions) keys.push(`${runId}:${a.key}`);
  }
  return keys;
}

async function assertExactlyOnce(store: Store, service: CountingService, keys: string[]): Promise<void> {
  const statuses = await store.query<{ status: string; n: number }>(
    "select status, count(*)::int as n from runs group by status",
  );
  assert.deepEqual(statuses, [{ status: "completed", n: RUNS }]);
  const counts = service.counts();
  const twice = keys.filter((k) => (counts.get(k) ?? 0) > 1);
  const missing = keys.filter((k) => !counts.has(k));
  assert.deepEqual({ twice, missing }, { twice: [], missing: [] });
  assert.equal(counts.size, keys.length);
}

describe("crash: kill -9 at random moments", () => {
  const cleanups = cleanupsAfterAll();

  test("on the embedded store, a worker killed again and again finishes every run with every effect exactly once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lc-crash-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const service = await startCountingService({ applyMs: 3 });
    cleanups.push(() => service.close());
    let store = await openStore({ dataDir: dir });
    const keys = await seedRuns(store);
    await store.close();

    // The embedded store is one process at a time: kill the worker at a random moment, start another on
    // the same folder, and so on; after a dozen kills, let the last one finish.
    let kills = 0;
    for (let round = 0; ; round++) {
      const w = await spawnWorker(`w${round}`, {
        LIFECYCLE_DATA_DIR: dir,
        SERVICE_URL: service.url,
        LEASE_MS: "2000",
        EXIT_WHEN_DONE: "1",
      });
      if (kills >= 12) {
        assert.equal(await w.exited, 0);
        break;
      }
      const finished = await Promise.race([
        w.exited.then(() => true),
        sleep(100 + Math.random() * 900).then(() => false),
      ]);
      if (finished) break;
      await killHard(w);
      kills++;
    }
    assert.ok(kills >= 3, `only ${kills} kills happened: the test proved little`);
    store = await openStore({ dataDir: dir });
    try {
      await assertExactlyOnce(store, service, keys);
      const [interrupted] = await store.query<{ n: number }>(
        "select count(*)::int as n from attempts where in_doubt",
      );
      console.log(`# embedded: ${kills} kills, ${interrupted?.n} steps resumed after an interrupted attempt`);
    } finally {
      await store.close();
    }
  });

  test("on PostgreSQL, three workers killed and restarted at random finish every run with every effect exactly once", async (t) => {
    const skip = await postgresSkipReason();
    if (skip) return t.skip(skip);
    const { store, url, cleanup } = await postgresUnderTest.open();
    cleanups.push(cleanup);
    const service = await startCountingService({ applyMs: 3 });
    cleanups.push(() => service.close());
    const keys = await seedRuns(store);
    const env = { DATABASE_URL: url!, SERVICE_URL: service.url, LEASE_MS: "2000" };
    const workers: WorkerProcess[] = await Promise.all([0, 1, 2].map((i) => spawnWorker(`w${i}`, env)));
    cleanups.push(async () => {
      await Promise.all(workers.map(stopGracefully));
    });
    let kills = 0;
    let n = 3;
    const open = async () =>
      (
        await store.query<{ n: number }>(`select count(*)::int as n from runs where status <> 'completed'`)
      )[0]!.n;
    const deadline = Date.now() + 120_000;
    while ((await open()) > 0 && Date.now() < deadline) {
      await sleep(50 + Math.random() * 300);
      const i = Math.floor(Math.random() * workers.length);
      await killHard(workers[i]!);
      kills++;
      workers[i] = await spawnWorker(`w${n++}`, env);
    }
    while ((await open()) > 0 && Date.now() < deadline) await sleep(100);
    assert.ok(kills >= 3, `only ${kills} kills happened: the test proved little`);
    await assertExactlyOnce(store, service, keys);
    const [interrupted] = await store.query<{ n: number }>(
      "select count(*)::int as n from attempts where in_doubt",
    );
    console.log(`# postgres: ${kills} kills, ${interrupted?.n} steps resumed after an interrupted attempt`);
  });
});

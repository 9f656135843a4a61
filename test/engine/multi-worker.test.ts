import assert from "node:assert/strict";
import { test } from "node:test";
import { createRun, setTenantLimit } from "../../src/engine/runs.ts";
import { cleanupsAfterAll } from "../support/cleanups.ts";
import { startCountingService } from "../support/counting-service.ts";
import { seedClient } from "../support/engine-helpers.ts";
import { killHard, spawnWorker, stopGracefully, type WorkerProcess } from "../support/processes.ts";
import { postgresSkipReason, postgresUnderTest } from "../support/stores.ts";
import { randomPlan } from "../support/test-actions.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups = cleanupsAfterAll();

test("three worker processes never exceed a tenant limit of 2, and a killed worker's steps finish on the others", async (t) => {
  const skip = await postgresSkipReason();
  if (skip) return t.skip(skip);
  const { store, url, cleanup } = await postgresUnderTest.open();
  cleanups.push(cleanup);
  const service = await startCountingService({ applyMs: 40 });
  cleanups.push(() => service.close());
  await seedClient(store);
  const tenants = ["mt0", "mt1", "mt2"];
  for (const tenant of tenants)
    await setTenantLimit(store, tenant, "test", { concurrency: 2, ratePerSecond: 1000 });
  // Workers start first: a process still starting up can stall past its lease, and a lease that ran out
  // frees its slot by design (its holder is presumed dead).
  const env = { DATABASE_URL: url!, SERVICE_URL: service.url, LEASE_MS: "5000" };
  const workers: WorkerProcess[] = await Promise.all(["w0", "w1", "w2"].map((id) => spawnWorker(id, env)));
  cleanups.push(async () => {
    await Promise.all(workers.map(stopGracefully));
  });

  for (let i = 0; i < 30; i++) {
    await createRun(store, {
      clientId: "acme",
      kind: "onboard",
      subject: `u${i}`,
      requester: "test",
      request: {},
      startAt: new Date(),
      plan: randomPlan(5, tenants[i % 3]!),
      maxParallel: 4,
    });
  }
  // Kill w0 while it holds steps, so that they are provably taken over.
  let held: { id: number }[] = [];
  for (let i = 0; i < 3000 && held.length === 0; i++) {
    held = await store.query<{ id: number }>(
      `select id from actions where lease_owner = 'w0' and state = 'running'`,
    );
    if (!held.length) await sleep(5);
  }
  assert.ok(held.length > 0, "w0 never held a step");
  await killHard(workers[0]!);

  const deadline = Date.now() + 90_000;
  const open = async () =>
    (await store.query<{ n: number }>(`select count(*)::int as n from runs where status <> 'completed'`))[0]!
      .n;
  while ((await open()) > 0 && Date.now() < deadline) await sleep(100);
  assert.equal(await open(), 0);

  for (const tenant of tenants) {
    if (service.maxConcurrent(tenant) <= 2) continue;
    const keys = service.peakOverlap(tenant);
    const history = await store.query(
      `select a.run_id || ':' || a.key as key, t.worker, t.attempt, t.in_doubt, t.started_at, t.ended_at, t.outcome->>'kind' as outcome
         from attempts t join actions a on a.id = t.action_id where a.run_id || ':' || a.key = any($1) order by t.started_at`,
      [keys.map((k) => k.split("|")[1])],
    );
    assert.fail(
      `${tenant}: ${service.maxConcurrent(tenant)} at once: ${JSON.stringify({ keys, history }, null, 1)}`,
    );
  }
  assert.ok(
    tenants.some((tenant) => service.maxConcurrent(tenant) === 2),
    "the limit was never reached: the test proved nothing",
  );
  const finishers = await store.query<{ worker: string }>(
    `select distinct worker from attempts where action_id = any($1) and worker <> 'w0'`,
    [held.map((h) => h.id)],
  );
  assert.ok(finishers.length > 0, "w0's steps were not finished by another worker");
  for (const [, n] of service.counts()) assert.equal(n, 1);
  assert.equal(service.counts().size, 150);
});

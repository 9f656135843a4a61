import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { parseClientConfig } from "../src/domain/client.ts";
import { createRun, setTenantLimit } from "../src/engine/runs.ts";
import { sqlStepQueue } from "../src/engine/sql-step-queue.ts";
import { createWorker } from "../src/engine/worker.ts";
import { upsertClient } from "../src/store/clients-repo.ts";
import { openStore } from "../src/store/open.ts";
import type { Store } from "../src/store/sql.ts";
import { noopCatalog, noopPlan, percentile } from "./support/noop.ts";

export const pgAdminUrl = process.env.LIFECYCLE_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export async function seedBenchClient(store: Store): Promise<void> {
  const c = parseClientConfig({
    id: "bench",
    displayName: "Bench",
    domains: ["bench.example.com"],
    timeZone: "UTC",
    usageLocation: "US",
  });
  if (!c.ok) throw new Error(JSON.stringify(c.errors));
  await upsertClient(store, c.value);
}

export async function withPostgresDatabase<T>(fn: (url: string) => Promise<T>): Promise<T | undefined> {
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `lc_bench_${Date.now()}`;
  await admin.query(`create database ${name}`);
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function waitAllDone(store: Store, timeoutMs = 300_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await store.query<{ n: number }>(
      `select count(*)::int as n from runs where status <> 'completed'`,
    );
    if (row?.n === 0) return;
    if (Date.now() > until) throw new Error("benchmark runs did not finish");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Engine overhead per step: a chain of no-op steps runs one after another, so the gap between one step's
 * checkpoint and the next one's is claim + plan/apply/verify bookkeeping + checkpoint, and nothing else.
 */
export async function engineOverhead(
  store: Store,
  steps = 400,
): Promise<{ p50: number; p95: number; n: number }> {
  await seedBenchClient(store);
  await setTenantLimit(store, "bench", "bench", { concurrency: 100, ratePerSecond: 100_000 });
  const worker = createWorker({
    queue: sqlStepQueue(store),
    catalog: noopCatalog,
    capabilities: () => ({}),
    slots: 4,
    tuning: { idleMs: 20 },
  });
  await worker.start();
  try {
    // Warm up the query plans and the JIT before measuring.
    await createRun(store, {
      clientId: "bench",
      kind: "onboard",
      subject: "warmup",
      requester: "bench",
      request: {},
      startAt: new Date(),
      plan: noopPlan(50, "bench", true),
    });
    await waitAllDone(store);
    const { runId } = await createRun(store, {
      clientId: "bench",
      kind: "onboard",
      subject: "chain",
      requester: "bench",
      request: {},
      startAt: new Date(),
      plan: noopPlan(steps, "bench", true),
    });
    await waitAllDone(store);
    const rows = await store.query<{ at: Date }>(
      `select at from events where run_id = $1 and type = 'action.succeeded' order by id`,
      [runId],
    );
    const gaps = rows.slice(1).map((r, i) => r.at.getTime() - rows[i]!.at.getTime());
    return { p50: percentile(gaps, 50), p95: percentile(gaps, 95), n: gaps.length };
  } finally {
    await worker.stop();
  }
}

/** Steps per second through N worker processes on PostgreSQL: 200 runs of 10 independent no-op steps. */
export async function throughput(
  url: string,
  processes: number,
): Promise<{ stepsPerSecond: number; steps: number; ms: number }> {
  const store = await openStore({ databaseUrl: url });
  try {
    await store.query("truncate events, attempts, signals, actions, runs, requests, tenant_limits cascade");
    await seedBenchClient(store);
    const runs = 200;
    const per = 10;
    for (let i = 0; i < runs; i++) {
      await createRun(store, {
        clientId: "bench",
        kind: "onboard",
        subject: `u${i}`,
        requester: "bench",
        request: {},
        startAt: new Date(Date.now() + 3_600_000),
        plan: noopPlan(per, `t${i % 20}`, false),
        maxParallel: 10,
      });
    }
    await store.query(
      `update tenant_limits set concurrency = 100, rate_per_second = 100000, tokens = 100000`,
    );
    const script = fileURLToPath(new URL("./support/noop-worker.ts", import.meta.url));
    const children = await Promise.all(
      Array.from({ length: processes }, () => {
        const child = fork(script, [], {
          execArgv: ["--import", "tsx"],
          env: { ...process.env, DATABASE_URL: url },
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        });
        return new Promise<typeof child>((resolve) => child.once("message", () => resolve(child)));
      }),
    );
    const t0 = performance.now();
    // Everything becomes due at once: the clock starts when the work does.
    await store.query(`update actions set run_at = now() where state = 'ready'`);
    await store.query(`update runs set start_at = now()`);
    await store.query(`select pg_notify('lifecycle_wake', '')`);
    await waitAllDone(store);
    const ms = performance.now() - t0;
    await Promise.all(
      children.map(
        (c) =>
          new Promise((r) => {
            c.once("exit", r);
            c.kill("SIGTERM");
          }),
      ),
    );
    return { stepsPerSecond: (runs * per) / (ms / 1000), steps: runs * per, ms };
  } finally {
    await store.close();
  }
}

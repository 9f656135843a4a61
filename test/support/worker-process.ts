// A worker process for crash and multi-worker tests: the engine with test actions, nothing else.
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker } from "../../src/engine/worker.ts";
import { openStore } from "../../src/store/open.ts";
import { testCatalog, type TestCaps } from "./test-actions.ts";

const store = await openStore({
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: process.env.LIFECYCLE_DATA_DIR || undefined,
});
const worker = createWorker<TestCaps>({
  queue: sqlStepQueue(store),
  catalog: testCatalog,
  capabilities: () => ({ serviceUrl: process.env.SERVICE_URL ?? "" }),
  id: process.env.WORKER_ID,
  slots: Number(process.env.SLOTS ?? 8),
  tuning: {
    leaseMs: Number(process.env.LEASE_MS ?? 1000),
    backoffBaseMs: 20,
    backoffCapMs: 200,
    pollMs: 30,
    idleMs: 100,
  },
});
await worker.start();
process.send?.("ready");
if (process.env.EXIT_WHEN_DONE) {
  // The embedded store has one process at a time, so the test cannot watch from outside: we say when done.
  const timer = setInterval(() => {
    void store
      .query<{ open: number }>(
        `select count(*)::int as open from runs where status not in ('completed', 'completed-with-warnings', 'failed', 'cancelled')`,
      )
      .then(async ([row]) => {
        if (row?.open !== 0) return;
        clearInterval(timer);
        await worker.stop();
        await store.close();
        process.exit(0);
      });
  }, 200);
}
process.on("SIGTERM", () => {
  void worker
    .stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});

// A worker process running no-op steps, for the throughput benchmark.
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker } from "../../src/engine/worker.ts";
import { openStore } from "../../src/store/open.ts";
import { noopCatalog } from "./noop.ts";

const store = await openStore({ databaseUrl: process.env.DATABASE_URL });
const worker = createWorker({
  queue: sqlStepQueue(store),
  catalog: noopCatalog,
  capabilities: () => ({}),
  slots: 8,
  tuning: { idleMs: 50 },
});
await worker.start();
process.send?.("ready");
process.on("SIGTERM", () => {
  void worker
    .stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});

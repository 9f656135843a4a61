// A worker process for the Microsoft crash test: the production catalogue against an emulator URL.
import { productionCatalog } from "../../src/actions/catalog.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker } from "../../src/engine/worker.ts";
import { openStore } from "../../src/store/open.ts";
import type { Microsoft365Emulator } from "../../emulators/microsoft365/index.ts";
import { acmeCapabilities } from "./microsoft.ts";

const store = await openStore({ databaseUrl: process.env.DATABASE_URL });
// Only the URL is used to build connectors; the emulator itself runs in the test process.
const caps = acmeCapabilities({ url: process.env.M365_URL ?? "" } as Microsoft365Emulator);
const worker = createWorker({
  queue: sqlStepQueue(store),
  catalog: productionCatalog(),
  capabilities: () => caps,
  id: process.env.WORKER_ID,
  tuning: { leaseMs: 1000, backoffBaseMs: 20, backoffCapMs: 200, pollMs: 50, idleMs: 50 },
});
await worker.start();
process.send?.("ready");

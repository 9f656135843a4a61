// A worker process as `lifecycle worker` runs one: the product's catalogue and ticket trail, each client's
// ports built by its connectors from the config and the credential store (the emulators' addresses are in
// the stored config; the emulators themselves run in the test process).
import { portsFor, productWorker } from "../../src/composition/index.ts";
import { masterKeys } from "../../src/credentials/keys.ts";
import { openStore } from "../../src/store/open.ts";

const store = await openStore({ databaseUrl: process.env.DATABASE_URL });
const keys = masterKeys(process.env, { embedded: false, dataDir: undefined });
const worker = productWorker(store, {
  id: process.env.WORKER_ID,
  ports: portsFor({ sql: store, keys, publicUrl: () => "https://lifecycle.test" }),
  tuning: { leaseMs: 1000, backoffBaseMs: 20, backoffCapMs: 200, pollMs: 50, idleMs: 50 },
});
await worker.start();
process.send?.("ready");
process.on("SIGTERM", () => {
  void worker
    .stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});

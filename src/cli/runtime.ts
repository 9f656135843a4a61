import { capabilitiesFor, productionCatalog, type Capabilities } from "../actions/index.ts";
import type { ClientConfig } from "../domain/client.ts";
import type { LiveState } from "../planner/live-state.ts";
import { createWorker, type Worker } from "../engine/worker.ts";
import { getClient } from "../store/clients-repo.ts";
import { openStore, storeOptionsFromEnv } from "../store/open.ts";
import type { Store } from "../store/sql.ts";
import type { LifecycleApi } from "./api.ts";
import { lockDataDir, readServerFile } from "./data-dir-lock.ts";
import { directApi } from "./direct-api.ts";
import { httpApi } from "./http-api.ts";

export interface OpenedStore {
  store: Store;
  embedded: boolean;
  dataDir: string;
  release: () => void;
}

export async function openConfiguredStore(env: NodeJS.ProcessEnv): Promise<OpenedStore> {
  const opts = storeOptionsFromEnv(env);
  const embedded = !opts.databaseUrl;
  const dataDir = opts.dataDir ?? "./data";
  const release = embedded ? lockDataDir(dataDir) : () => undefined;
  try {
    const store = await openStore(opts);
    return { store, embedded, dataDir, release };
  } catch (err) {
    release();
    throw err;
  }
}

/** How a process finds a client's connectors; the emulator demo passes its own. */
export type CapabilitiesResolver = (client: ClientConfig | undefined) => Capabilities;

export function startWorker(
  store: Store,
  opts: { slots?: number; capabilities?: CapabilitiesResolver } = {},
): Worker {
  const resolve = opts.capabilities ?? capabilitiesFor;
  return createWorker<Capabilities>({
    store,
    catalog: productionCatalog(),
    capabilities: async (clientId) => resolve(await getClient(store, clientId)),
    slots: opts.slots,
  });
}

/** The planner's live questions, answered by the client's directory when it has one. */
export function liveStateFrom(resolve: CapabilitiesResolver): (client: ClientConfig) => LiveState {
  return (client) => {
    const directory = resolve(client).directory;
    if (!directory) return {};
    return {
      isUsernameTaken: async (upn) => (await directory.findUser(upn)) !== undefined,
      async findUser(upn) {
        const user = await directory.findUser(upn);
        return user && { id: user.id, onPremisesSyncEnabled: user.onPremisesSyncEnabled };
      },
    };
  };
}

/**
 * The CLI's connection: LIFECYCLE_URL if set; else a local embedded server if one is running on the same
 * data folder; else the store itself (with an in-process worker when the embedded store is used, since
 * nothing else can run its steps).
 */
export async function connect(env: NodeJS.ProcessEnv, opts: { worker: boolean }): Promise<LifecycleApi> {
  if (env.LIFECYCLE_URL) return httpApi(env.LIFECYCLE_URL, env.LIFECYCLE_API_TOKEN);
  const storeOpts = storeOptionsFromEnv(env);
  if (!storeOpts.databaseUrl) {
    const running = readServerFile(storeOpts.dataDir ?? "./data");
    if (running) return httpApi(running.url, env.LIFECYCLE_API_TOKEN);
  }
  const opened = await openConfiguredStore(env);
  const worker = opts.worker && opened.embedded ? startWorker(opened.store) : undefined;
  await worker?.start();
  return directApi(opened.store, { beforeClose: async () => worker?.stop(), afterClose: opened.release });
}

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cliTokenFile } from "../staff/index.ts";
import { liveStateOf, portsFor, productWorker, type PortsResolver } from "../composition/index.ts";
import { masterKeys, type KeySource } from "../credentials/keys.ts";
import type { ClientConfig } from "../domain/client.ts";
import type { LiveState } from "../planner/live-state.ts";
import type { Worker } from "../engine/worker.ts";
import { checkpointFileIn } from "../store/audit/anchor.ts";
import { openStore, storeOptionsFromEnv } from "../store/open.ts";
import type { Store } from "../store/sql.ts";
import { CliError, exitCodes, type LifecycleApi } from "./api.ts";
import { lockDataDir, readServerFile } from "./data-dir-lock.ts";
import { directApi } from "./direct-api.ts";
import { httpApi } from "./http-api.ts";

export interface OpenedStore {
  store: Store;
  embedded: boolean;
  dataDir: string;
  /** The master keys: they seal credentials and key the store's audit chain. */
  keys: KeySource;
  release: () => void;
}

export async function openConfiguredStore(env: NodeJS.ProcessEnv): Promise<OpenedStore> {
  const opts = storeOptionsFromEnv(env);
  const embedded = !opts.databaseUrl;
  const dataDir = opts.dataDir ?? "./data";
  const keys = keysFor(env, { embedded, dataDir });
  const release = embedded ? lockDataDir(dataDir) : () => undefined;
  try {
    const store = await openStore({ ...opts, keys });
    return { store, embedded, dataDir, keys, release };
  } catch (err) {
    release();
    throw err;
  }
}

export type { PortsResolver } from "../composition/index.ts";

/** The master keys for this process's store: LIFECYCLE_MASTER_KEY, or the embedded store's key file. */
export function keysFor(env: NodeJS.ProcessEnv, opened: { embedded: boolean; dataDir?: string }): KeySource {
  return masterKeys(env, { embedded: opened.embedded, dataDir: opened.dataDir });
}

/** The product's resolver for a process without a server of its own: links need LIFECYCLE_PUBLIC_URL. */
export function capabilitiesFromEnv(env: NodeJS.ProcessEnv, store: Store, keys: KeySource): PortsResolver {
  return portsFor({ sql: store, keys, publicUrl: () => env.LIFECYCLE_PUBLIC_URL || undefined });
}

export function startWorker(store: Store, opts: { slots?: number; capabilities: PortsResolver }): Worker {
  return productWorker(store, { slots: opts.slots, ports: opts.capabilities });
}

/** The planner's live questions, answered by the client's directory when it has one. */
export function liveStateFrom(resolve: PortsResolver): (client: ClientConfig) => Promise<LiveState> {
  return async (client) => liveStateOf(await resolve(client));
}

/**
 * The CLI's connection: LIFECYCLE_URL if set; else a local embedded server if one is running on the same
 * data folder; else the store itself (with an in-process worker when the embedded store is used, since
 * nothing else can run its steps).
 */
export async function connect(env: NodeJS.ProcessEnv, opts: { worker: boolean }): Promise<LifecycleApi> {
  const storeOpts = storeOptionsFromEnv(env);
  const dataDir = storeOpts.dataDir ?? "./data";
  if (env.LIFECYCLE_URL) return httpApi(env.LIFECYCLE_URL, cliToken(env, dataDir));
  if (!storeOpts.databaseUrl) {
    const running = readServerFile(dataDir);
    if (running) return httpApi(running.url, cliToken(env, dataDir));
  }
  const opened = await openConfiguredStore(env);
  const { keys } = opened;
  const capabilities = capabilitiesFromEnv(env, opened.store, keys);
  const worker = opts.worker && opened.embedded ? startWorker(opened.store, { capabilities }) : undefined;
  await worker?.start();
  return directApi(opened.store, {
    keys,
    // With the embedded store this process is the only one on the data folder, so it keeps the checkpoint.
    audit: { checkpointFile: checkpointFileIn(opened.dataDir), keeper: opened.embedded },
    // The same reads a server makes before storing anything: the pre-flight is not the server's alone.
    live: liveStateFrom(capabilities),
    ports: capabilities,
    beforeClose: async () => worker?.stop(),
    afterClose: opened.release,
  });
}

/**
 * The token the CLI signs in with: LIFECYCLE_TOKEN (a personal token), else the one the server on this
 * machine wrote to its data folder, readable by its owner only: being able to read it is being that operator.
 */
export function cliToken(env: NodeJS.ProcessEnv, dataDir: string): string | undefined {
  if (env.LIFECYCLE_TOKEN) return env.LIFECYCLE_TOKEN.trim();
  try {
    return readFileSync(join(dataDir, cliTokenFile), "utf8").trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(
      `cannot read the CLI's token in ${dataDir}: ${(err as Error).message}; run the CLI as the user who runs the server, or set LIFECYCLE_TOKEN`,
      exitCodes.invalid,
    );
  }
}

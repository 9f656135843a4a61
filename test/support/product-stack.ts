import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { credentialKindsOf } from "../../src/composition/credential-kinds.ts";
import {
  liveStateOf,
  parseClient,
  portsFor,
  productWorker,
  submitRequest,
  type PortsResolver,
  type Submission,
} from "../../src/composition/index.ts";
import type { Connector } from "../../src/connectors/module.ts";
import { keyring, type KeySource } from "../../src/credentials/keys.ts";
import { setCredential } from "../../src/credentials/repo.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import type { Result } from "../../src/domain/result.ts";
import type { Worker } from "../../src/engine/worker.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";

/** A client as the product keeps one in a store: its sealed credentials, its config and its ports. */
export interface WiredClient {
  store: Store;
  /** The master key the credentials are sealed under: what a worker process needs to open them. */
  masterKey: Buffer;
  keys: KeySource;
  client: ClientConfig;
  /** Every client wired, `client` first, by id. */
  clients: ReadonlyMap<string, ClientConfig>;
  resolve: PortsResolver;
  submit(
    kind: "onboard" | "offboard",
    body: Record<string, unknown>,
    actor?: string,
  ): Promise<Result<Submission>>;
}

/**
 * A client wired the way the product wires one, into `store`: its credentials sealed under a fresh
 * master key, its config parsed against `registry`, its ports from portsFor. `others` are more clients of
 * the same MSP, wired into the same store under the same key, so one worker serves them all.
 */
export async function wireClient(
  store: Store,
  opts: {
    registry: readonly Connector[];
    credentials: { ref: string; kind: string; value: unknown }[];
    client: unknown;
    others?: unknown[];
  },
): Promise<WiredClient> {
  const masterKey = randomBytes(32);
  const ring = keyring(masterKey);
  const keys: KeySource = () => ring;
  const kinds = credentialKindsOf(opts.registry);
  for (const c of opts.credentials) {
    const stored = await setCredential(store, keys, kinds, { ...c, actor: "test" });
    assert.ok(stored.ok, JSON.stringify(stored));
  }
  const clients = new Map<string, ClientConfig>();
  for (const input of [opts.client, ...(opts.others ?? [])]) {
    const parsed = parseClient(input, opts.registry);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    await upsertClient(store, parsed.value);
    clients.set(parsed.value.id, parsed.value);
  }
  const client = clients.values().next().value!;
  const resolve = portsFor({
    sql: store,
    keys,
    publicUrl: () => "https://lifecycle.test",
    registry: opts.registry,
  });
  return {
    store,
    masterKey,
    keys,
    client,
    clients,
    resolve,
    submit: (kind, body, actor = "hr@example.test") =>
      submitRequest(store, kind, body, {
        actor,
        live: async (c) => liveStateOf(await resolve(c)),
        registry: opts.registry,
      }),
  };
}

/** The product as a test client sees it: a client wired into an embedded store, and a worker. */
export interface ProductStack extends WiredClient {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * A client wired as the product wires one (wireClient) into a fresh embedded store, and a product
 * worker with fast polls. `seed` runs before the worker starts (people a run will need in the client's
 * systems).
 */
export async function productStack(opts: {
  registry: readonly Connector[];
  credentials: { ref: string; kind: string; value: unknown }[];
  client: unknown;
  others?: unknown[];
  seed?: (resolve: PortsResolver, client: ClientConfig) => Promise<void>;
}): Promise<ProductStack> {
  const store = await openStore({});
  const wired = await wireClient(store, opts);
  await opts.seed?.(wired.resolve, wired.client);
  const worker = productWorker(store, {
    ports: wired.resolve,
    tuning: { idleMs: 20, pollMs: 50, backoffBaseMs: 50, backoffCapMs: 500 },
  });
  await worker.start();
  return {
    ...wired,
    worker,
    async close() {
      await worker.stop();
      await store.close();
    },
  };
}

import { migrate } from "./migrate.ts";
import { openPgliteStore } from "./pglite-store.ts";
import { openPostgresStore } from "./postgres-store.ts";
import type { Store } from "./sql.ts";

export interface StoreOptions {
  /** PostgreSQL connection string; without it the embedded store is used. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded store; undefined keeps it in memory (tests). */
  dataDir?: string | undefined;
  migrate?: boolean;
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  const store = opts.databaseUrl
    ? await openPostgresStore(opts.databaseUrl)
    : await openPgliteStore(opts.dataDir);
  if (opts.migrate !== false) await migrate(store);
  return store;
}

export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.LIFECYCLE_DATA_DIR || "./data",
  };
}

import { ephemeralKeys, type MasterKeys } from "./audit/keys.ts";
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
  /**
   * The master keys the audit chain is keyed from. A store kept in memory keys its chain with a key of
   * its own when none is given; a store that outlives the process needs the real ones to write the log.
   */
  keys?: MasterKeys | undefined;
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  const store = opts.databaseUrl
    ? await openPostgresStore(opts.databaseUrl, { auditKeys: opts.keys })
    : await openPgliteStore(opts.dataDir, opts.keys ?? (opts.dataDir ? undefined : ephemeralKeys()));
  if (opts.migrate !== false) await migrate(store);
  return store;
}

export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.LIFECYCLE_DATA_DIR || "./data",
  };
}

import { randomBytes } from "node:crypto";
import pg from "pg";
import { keyring } from "../../src/credentials/keys.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";

export const pgAdminUrl = process.env.LIFECYCLE_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let pgReachable: Promise<boolean> | undefined;

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether PostgreSQL tests run here. Without a server they skip with one line saying how to enable them;
 * under CI a missing server is a failure, never a quiet skip.
 */
export async function postgresSkipReason(): Promise<string | false> {
  pgReachable ??= reachable();
  if (await pgReachable) return false;
  const why = `PostgreSQL tests skipped: no server at ${pgAdminUrl}; start one (trust auth) or set LIFECYCLE_TEST_PG_URL`;
  if (process.env.CI === "true") throw new Error(`CI requires PostgreSQL: ${why}`);
  return why;
}

/** A fresh, empty PostgreSQL database for one test file; the returned drop() removes it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `lc_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: pgAdminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A master key for stores that outlive one open (PostgreSQL, a data folder): the audit chain is keyed from it. */
const testKey = keyring(randomBytes(32));
export const testKeys = () => testKey;

export interface StoreUnderTest {
  name: "pglite" | "postgres";
  open(): Promise<{ store: Store; url?: string; cleanup: () => Promise<void> }>;
}

export const pgliteUnderTest: StoreUnderTest = {
  name: "pglite",
  async open() {
    const store = await openStore({});
    return { store, cleanup: () => store.close() };
  },
};

export const postgresUnderTest: StoreUnderTest = {
  name: "postgres",
  async open() {
    const db = await freshPostgresDatabase();
    const store = await openStore({ databaseUrl: db.url, keys: testKeys });
    return {
      store,
      url: db.url,
      cleanup: async () => {
        await store.close();
        await db.drop();
      },
    };
  },
};

import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { MasterKeys } from "./audit/keys.ts";
import { makeDataDirPrivate } from "./file-modes.ts";
import type { Sql, Store } from "./sql.ts";

/** The embedded default: PostgreSQL compiled to WASM, persisted in a folder, one process at a time. */
export async function openPgliteStore(
  dataDir: string | undefined,
  auditKeys?: MasterKeys | undefined,
): Promise<Store> {
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // PostgreSQL's default 128 MB of shared buffers is most of PGlite's footprint (357 MB resident against
  // 222 MB at 16 MB, measured here); the embedded store's data is small and the OS caches its files anyway.
  const db = await PGlite.create(dataDir ? `${dataDir}/pglite` : undefined, {
    postgresqlconf: ["shared_buffers=16MB"],
  });
  // After the open, so what initdb just wrote is covered, and before any data goes in. Every process that
  // opens the folder repairs it, the CLI's too, so a folder made by an older version closes on next use.
  if (dataDir) {
    try {
      makeDataDirPrivate(dataDir);
    } catch (err) {
      await db.close();
      throw err;
    }
  }
  return {
    kind: "pglite",
    auditKeys,
    async query<T>(text: string, params?: readonly unknown[]) {
      const res = await db.query<T>(text, params ? [...params] : undefined);
      return res.rows;
    },
    tx<T>(fn: (sql: Sql) => Promise<T>) {
      return db.transaction((t) =>
        fn({
          auditKeys,
          async query<R>(text: string, params?: readonly unknown[]) {
            const res = await t.query<R>(text, params ? [...params] : undefined);
            return res.rows;
          },
        }),
      );
    },
    async listen(channel, onPayload) {
      const unlisten = await db.listen(channel, onPayload);
      return unlisten;
    },
    close: () => db.close(),
  };
}

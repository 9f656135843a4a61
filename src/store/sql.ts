import type { MasterKeys } from "./audit/keys.ts";

/** The one query surface the engine and repositories use, served by PGlite and PostgreSQL alike. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * The master keys the audit chain is keyed from. Carried by the store and its transactions so every
   * audited change, wherever it is made, keys its entry without each caller being handed a key.
   */
  readonly auditKeys?: MasterKeys | undefined;
}

export interface Store extends Sql {
  readonly kind: "pglite" | "postgres";
  /** Runs `fn` in one transaction; a throw rolls everything back. */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /** Subscribes to NOTIFY on a channel; returns the unsubscribe. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** PostgreSQL SQLSTATEs that mean "the same transaction may succeed if run again". */
const retryableStates = new Set(["40001", "40P01"]);

export function isSerializationFailure(err: unknown): boolean {
  return (
    typeof err === "object" && err !== null && retryableStates.has(String((err as { code?: unknown }).code))
  );
}

/** Deadlocks and serialization failures are resolved by PostgreSQL aborting one side; that side tries again. */
export async function txWithRetry<T>(store: Store, fn: (sql: Sql) => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await store.tx(fn);
    } catch (err) {
      if (i >= tries || !isSerializationFailure(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * i + Math.random() * 10));
    }
  }
}

import { createHash } from "node:crypto";
import pg from "pg";
import type { MasterKeys } from "./audit/keys.ts";
import type { Sql, Store } from "./sql.ts";

// int8 (ids, fencing tokens) as numbers, as PGlite returns them: our values stay far below 2^53.
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

// Named statements are parsed and planned once per connection instead of on every call: the engine runs
// the same dozen statements for every step, and planning was most of their cost.
const names = new Map<string, string>();
function prepared(text: string, params?: readonly unknown[]): pg.QueryConfig {
  let name = names.get(text);
  if (!name) {
    name = `lc_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    names.set(text, name);
  }
  return { name, text, values: params ? [...params] : [] };
}

export async function openPostgresStore(
  connectionString: string,
  opts: { poolSize?: number; auditKeys?: MasterKeys | undefined } = {},
): Promise<Store> {
  const { poolSize = 10, auditKeys } = opts;
  const pool = new pg.Pool({ connectionString, max: poolSize, types });
  // An idle client that dies with the server must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  await pool.query("select 1");
  const listeners: pg.Client[] = [];
  return {
    kind: "postgres",
    auditKeys,
    async query<T>(text: string, params?: readonly unknown[]) {
      const res = await pool.query(prepared(text, params));
      return res.rows as T[];
    },
    async tx<T>(fn: (sql: Sql) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query("begin");
        const result = await fn({
          auditKeys,
          async query<R>(text: string, params?: readonly unknown[]) {
            const res = await client.query(prepared(text, params));
            return res.rows as R[];
          },
        });
        await client.query("commit");
        return result;
      } catch (err) {
        await client.query("rollback").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      const client = new pg.Client({ connectionString, types });
      await client.connect();
      client.on("notification", (n) => {
        if (n.channel === channel) onPayload(n.payload ?? "");
      });
      client.on("error", () => undefined);
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      listeners.push(client);
      return async () => {
        listeners.splice(listeners.indexOf(client), 1);
        await client.end().catch(() => undefined);
      };
    },
    async close() {
      await Promise.all(listeners.map((c) => c.end().catch(() => undefined)));
      await pool.end();
    },
  };
}

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Store } from "./sql.ts";

const folder = fileURLToPath(new URL("./migrations/", import.meta.url));

interface Journal {
  entries: { idx: number; tag: string }[];
}

/**
 * Applies drizzle-kit's generated SQL in journal order, once each. One transaction under an advisory lock,
 * so several `lifecycle worker` processes starting together on PostgreSQL cannot race each other; the same
 * code runs on PGlite. (drizzle's own migrators differ per driver and take no lock.)
 */
export async function migrate(store: Store): Promise<{ applied: string[] }> {
  const journal = JSON.parse(readFileSync(`${folder}meta/_journal.json`, "utf8")) as Journal;
  return store.tx(async (sql) => {
    await sql.query("select pg_advisory_xact_lock(7301452)");
    await sql.query(`create table if not exists lifecycle_migrations (
      tag text primary key, hash text not null, applied_at timestamptz not null default now())`);
    const done = new Map(
      (await sql.query<{ tag: string; hash: string }>("select tag, hash from lifecycle_migrations")).map(
        (r) => [r.tag, r.hash],
      ),
    );
    const applied: string[] = [];
    for (const { tag } of [...journal.entries].sort((a, b) => a.idx - b.idx)) {
      const text = readFileSync(`${folder}${tag}.sql`, "utf8");
      const hash = createHash("sha256").update(text).digest("hex");
      const seen = done.get(tag);
      if (seen !== undefined) {
        if (seen !== hash)
          throw new Error(`migration ${tag} was changed after it was applied; add a new one`);
        continue;
      }
      for (const statement of text.split("--> statement-breakpoint")) {
        if (statement.trim()) await sql.query(statement);
      }
      await sql.query("insert into lifecycle_migrations (tag, hash) values ($1, $2)", [tag, hash]);
      applied.push(tag);
    }
    return { applied };
  });
}

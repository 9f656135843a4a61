import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Store } from "../../src/store/sql.ts";

const folder = fileURLToPath(new URL("../../src/store/migrations/", import.meta.url));

/** Brings an empty database to the schema as it stood after `tag`, recorded as the migrator records it. */
export async function migrateUpTo(store: Store, tag: string): Promise<void> {
  const journal = JSON.parse(readFileSync(`${folder}meta/_journal.json`, "utf8")) as {
    entries: { idx: number; tag: string }[];
  };
  await store.query(`create table lifecycle_migrations (
    tag text primary key, hash text not null, applied_at timestamptz not null default now())`);
  for (const entry of [...journal.entries].sort((a, b) => a.idx - b.idx)) {
    const text = readFileSync(`${folder}${entry.tag}.sql`, "utf8");
    for (const statement of text.split("--> statement-breakpoint"))
      if (statement.trim()) await store.query(statement);
    const hash = createHash("sha256").update(text).digest("hex");
    await store.query("insert into lifecycle_migrations (tag, hash) values ($1, $2)", [entry.tag, hash]);
    if (entry.tag === tag) return;
  }
  throw new Error(`no migration ${tag}`);
}

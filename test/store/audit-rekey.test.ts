import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { appendAudit } from "../../src/store/audit.ts";
import { auditRows } from "../../src/store/audit/rows.ts";
import { verifyAudit } from "../../src/store/audit/verify.ts";
import { migrate } from "../../src/store/migrate.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { migrateUpTo } from "../support/migrate-up-to.ts";
import { freshPostgresDatabase, postgresSkipReason, testKeys } from "../support/stores.ts";

/** The chain as the product wrote it before 0008: SHA-256 of a JSON array, no key, details in jsonb order. */
function oldHash(prev: string, at: string, actor: string, action: string, subject: string, detail: unknown) {
  return createHash("sha256")
    .update(JSON.stringify([prev, at, actor, action, subject, detail]))
    .digest("hex");
}

async function writeOldChain(store: Store, entries: [string, string, string, unknown][]) {
  let prev = "0".repeat(64);
  for (const [i, [actor, action, subject, detail]] of entries.entries()) {
    const at = `2026-11-0${i + 1}T09:00:00.000Z`;
    const hash = oldHash(prev, at, actor, action, subject, detail);
    await store.query(
      `insert into audit_log (at, actor, action, subject, detail, prev_hash, hash) values ($1, $2, $3, $4, $5, $6, $7)`,
      [at, actor, action, subject, detail === null ? null : JSON.stringify(detail), prev, hash],
    );
    prev = hash;
  }
}

const oldEntries: [string, string, string, unknown][] = [
  ["tech@msp.example", "credential.set", "acme/graph", { kind: "graph" }],
  ["tech@msp.example", "run.submit", "acme/jane", { runId: "r1", planHash: "p1" }],
  ["lead@msp.example", "credential.remove", "acme/old", null],
];

function rekeySuite(
  name: string,
  skip: string | false,
  open: () => Promise<{ store: Store; drop: () => Promise<void> }>,
) {
  describe(`an unkeyed chain from before migration 0008, on ${name}`, { skip }, () => {
    let store: Store;
    let drop: () => Promise<void>;
    before(async () => {
      ({ store, drop } = await open());
      await migrateUpTo(store, "0007_ticket_trail");
      await writeOldChain(store, oldEntries);
      await migrate(store);
    });
    after(async () => drop());

    test("is checked once and followed by an audit.rekey entry linking to its head, then keyed", async () => {
      const old = await auditRows(store, 0, 10);
      await store.tx((sql) => appendAudit(sql, { actor: "a", action: "run.cancel", subject: "r1" }));
      const rows = await auditRows(store, 0, 10);
      assert.equal(rows.length, 5);
      const [rekey, next] = rows.slice(3);
      assert.equal(rekey!.action, "audit.rekey");
      assert.equal(rekey!.prevHash, old[2]!.hash);
      assert.deepEqual(rekey!.detail, {
        unkeyedRows: 3,
        unkeyedHead: { id: old[2]!.id, hash: old[2]!.hash },
        brokenWhenKeyed: [],
      });
      assert.equal(next!.prevHash, rekey!.hash);
      assert.ok(rekey!.keyId && next!.keyId, "rows from here on are keyed");
      assert.deepEqual((await verifyAudit(store)).problems, []);
    });

    test("an old row rewritten with its old chain recomputed is caught by the keyed entry after it", async () => {
      const old = await auditRows(store, 0, 3);
      let prev = old[0]!.hash;
      const statements: [string, unknown[]][] = [];
      for (const r of old.slice(1)) {
        const actor = r.id === old[1]!.id ? "mallory@evil.example" : r.actor;
        const hash = oldHash(prev, r.at, actor, r.action, r.subject, r.detail);
        statements.push([
          "update audit_log set actor = $2, prev_hash = $3, hash = $4 where id = $1",
          [r.id, actor, prev, hash],
        ]);
        prev = hash;
      }
      await store.tx(async (sql) => {
        await sql.query("alter table audit_log disable trigger audit_log_append_only");
        for (const [text, params] of statements) await sql.query(text, params);
        await sql.query("alter table audit_log enable trigger audit_log_append_only");
      });
      const rekeyId = (await auditRows(store, 0, 10))[3]!.id;
      assert.deepEqual(
        (await verifyAudit(store)).problems.map((p) => [p.kind, p.id]),
        [["unlinked", rekeyId]],
      );
    });
  });
}

rekeySuite("pglite", false, async () => {
  const store = await openStore({ migrate: false });
  return { store, drop: () => store.close() };
});

rekeySuite("postgres", await postgresSkipReason(), async () => {
  const db = await freshPostgresDatabase();
  const store = await openStore({ databaseUrl: db.url, migrate: false, keys: testKeys });
  return {
    store,
    drop: async () => {
      await store.close();
      await db.drop();
    },
  };
});

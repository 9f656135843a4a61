import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { migrate } from "../../src/store/migrate.ts";
import { appendAudit } from "../../src/store/audit.ts";
import { verifyAudit } from "../../src/store/audit/verify.ts";
import type { Store } from "../../src/store/sql.ts";
import {
  pgliteUnderTest,
  postgresSkipReason,
  postgresUnderTest,
  type StoreUnderTest,
} from "../support/stores.ts";

function storeSuite(sut: StoreUnderTest, skip: string | false) {
  describe(`store on ${sut.name}`, { skip }, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await sut.open()));
    after(async () => cleanup());

    test("migrations apply once: a second run applies nothing", async () => {
      assert.deepEqual(await migrate(store), { applied: [] });
      const tables = await store.query<{ t: string }>(
        `select table_name as t from information_schema.tables where table_schema = 'public' order by 1`,
      );
      for (const t of [
        "actions",
        "attempts",
        "audit_log",
        "clients",
        "events",
        "requests",
        "runs",
        "signals",
        "tenant_limits",
        "workflow_versions",
      ]) {
        assert.ok(
          tables.some((r) => r.t === t),
          t,
        );
      }
    });

    test("a detail whose keys jsonb stores in another order still verifies (before any row is edited)", async () => {
      await store.tx((sql) =>
        appendAudit(sql, {
          actor: "a",
          action: "x",
          subject: "s3",
          detail: { extends: "e", remove: ["r"], nested: { zz: 1, a: 2 }, add: [] },
        }),
      );
      assert.deepEqual((await verifyAudit(store)).problems, []);
    });

    // Tampering past the trigger, and what the chain then names, is test/store/audit-tamper.test.ts.
    test("the audit log's chain holds, and the database refuses to change or remove its rows", async () => {
      await store.tx((sql) => appendAudit(sql, { actor: "a", action: "x", subject: "s1", detail: { n: 1 } }));
      await store.tx((sql) => appendAudit(sql, { actor: "b", action: "y", subject: "s2" }));
      assert.deepEqual((await verifyAudit(store)).problems, []);
      await assert.rejects(
        store.query(`update audit_log set actor = 'mallory' where subject = 's1'`),
        /audit_log is append-only: UPDATE refused/,
      );
      await assert.rejects(store.query(`delete from audit_log where subject = 's2'`), /DELETE refused/);
      await assert.rejects(store.query(`truncate audit_log`), /TRUNCATE refused/);
      const report = await verifyAudit(store);
      assert.deepEqual([report.ok, report.entries], [true, 3]);
    });
  });
}

const pgSkip = await postgresSkipReason();
storeSuite(pgliteUnderTest, false);
storeSuite(postgresUnderTest, pgSkip);

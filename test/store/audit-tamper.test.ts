import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import fc from "fast-check";
import { appendAudit } from "../../src/store/audit.ts";
import { advanceCheckpoint, keptCheckpoint } from "../../src/store/audit/anchor.ts";
import { canonicalJson } from "../../src/store/audit/canonical.ts";
import { takeCheckpoint, type AuditCheckpoint } from "../../src/store/audit/checkpoint.ts";
import { auditRows, type AuditRow } from "../../src/store/audit/rows.ts";
import { verifyAudit, type AuditReport } from "../../src/store/audit/verify.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import {
  pgliteUnderTest,
  postgresSkipReason,
  postgresUnderTest,
  type StoreUnderTest,
} from "../support/stores.ts";

/** What someone with write access to the database does: the trigger is theirs to disable. */
async function tamper(store: Store, ...statements: [string, unknown[]?][]): Promise<void> {
  await store.tx(async (sql) => {
    await sql.query("alter table audit_log disable trigger audit_log_append_only");
    for (const [text, params] of statements) await sql.query(text, params);
    await sql.query("alter table audit_log enable trigger audit_log_append_only");
  });
}

const rows = async (store: Store): Promise<AuditRow[]> => auditRows(store, 0, 10_000);
const named = (r: AuditReport) => r.problems.map((p) => [p.kind, p.id]);
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

async function fiveEntries(store: Store): Promise<number[]> {
  for (let n = 1; n <= 5; n++)
    await store.tx((sql) =>
      appendAudit(sql, {
        actor: `tech${n}@msp.example`,
        action: "run.cancel",
        subject: `run-${n}`,
        detail: { n },
      }),
    );
  return (await rows(store)).map((r) => r.id);
}

function tamperSuite(sut: StoreUnderTest, skip: string | false) {
  describe(`audit log tampering on ${sut.name}`, { skip }, () => {
    let store: Store;
    let url: string | undefined;
    let cleanup: () => Promise<void>;
    let ids: number[];
    let dir: string;
    before(async () => ({ store, url, cleanup } = await sut.open()));
    after(async () => cleanup());
    beforeEach(async () => {
      await tamper(store, ["delete from audit_log"]);
      ids = await fiveEntries(store);
      dir = mkdtempSync(join(tmpdir(), "lc-audit-"));
    });
    afterEach(() => rmSync(dir, { recursive: true }));
    const at = (i: number) => ids[i - 1]!;

    test("an untouched log verifies, with its head", async () => {
      const report = await verifyAudit(store);
      assert.deepEqual(report.problems, []);
      assert.equal(report.ok, true);
      assert.equal(report.entries, 5);
      assert.equal(report.head?.id, at(5));
    });

    // An in-memory store is only ever opened once, so only PostgreSQL has a second process to ask.
    const secondProcess = sut.name === "postgres" ? test : test.skip;
    secondProcess(
      "a process without the master key can neither write nor check the log, and says why",
      async () => {
        const keyless = await openStore({ databaseUrl: url!, migrate: false });
        try {
          const missing = { name: "LifecycleError", message: /opened without the master key/ };
          await assert.rejects(
            keyless.tx((sql) => appendAudit(sql, { actor: "a", action: "x", subject: "s" })),
            missing,
          );
          await assert.rejects(verifyAudit(keyless), missing);
        } finally {
          await keyless.close();
        }
        assert.equal((await rows(store)).length, 5);
      },
    );

    test("one edited row is named, and only that row", async () => {
      await tamper(store, [`update audit_log set detail = '{"n": 99}' where id = $1`, [at(3)]]);
      assert.deepEqual(named(await verifyAudit(store)), [["edited", at(3)]]);
    });

    test("an edited row whose chain is recomputed without the key is named, with every row after it", async () => {
      // The attacker rewrites row 3 and re-hashes 3..5 as the old unkeyed chain did (SHA-256 of the row).
      const all = await rows(store);
      let prev = all[1]!.hash;
      const statements: [string, unknown[]][] = [];
      for (const r of all.slice(2)) {
        const actor = r.id === at(3) ? "mallory@evil.example" : r.actor;
        const hash = sha256(canonicalJson({ ...r, actor, prevHash: prev, hash: undefined }));
        statements.push([
          "update audit_log set actor = $2, prev_hash = $3, hash = $4 where id = $1",
          [r.id, actor, prev, hash],
        ]);
        prev = hash;
      }
      await tamper(store, ...statements);
      assert.deepEqual(named(await verifyAudit(store)), [
        ["edited", at(3)],
        ["edited", at(4)],
        ["edited", at(5)],
      ]);
    });

    test("a removed middle row is named by the row that no longer follows its predecessor", async () => {
      await tamper(store, ["delete from audit_log where id = $1", [at(3)]]);
      const report = await verifyAudit(store);
      assert.deepEqual(named(report), [["unlinked", at(4)]]);
      assert.match(report.problems[0]!.message, new RegExp(`row ${at(4)} does not follow row ${at(2)}`));
    });

    test("removed first rows are named", async () => {
      await tamper(store, ["delete from audit_log where id <= $1", [at(2)]]);
      assert.deepEqual(named(await verifyAudit(store)), [["unlinked", at(3)]]);
    });

    test("a removed tail passes the chain but not a checkpoint taken before", async () => {
      const checkpoint = await takeCheckpoint(store);
      await tamper(store, ["delete from audit_log where id >= $1", [at(4)]]);
      assert.deepEqual(named(await verifyAudit(store)), [], "the chain alone cannot see a shorter end");
      const report = await verifyAudit(store, [{ source: "exported.json", checkpoint }]);
      assert.deepEqual(named(report), [["truncated", at(5)]]);
      assert.match(report.problems[0]!.message, new RegExp(`the table ends at row ${at(3)}`));
    });

    test("a log emptied of every row is named as truncated against the kept checkpoint", async () => {
      const file = join(dir, "audit-checkpoint.json");
      assert.equal((await advanceCheckpoint(store, file)).saved, true);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      await tamper(store, ["delete from audit_log"]);
      const report = await verifyAudit(store, keptCheckpoint(file));
      assert.deepEqual(named(report), [["truncated", at(5)]]);
      assert.match(report.problems[0]!.message, /the table is empty/);
      // The next entry must not move the evidence on: the kept checkpoint stays until someone looks.
      await store.tx((sql) => appendAudit(sql, { actor: "a", action: "x", subject: "after" }));
      assert.deepEqual(await advanceCheckpoint(store, file), {
        saved: false,
        reason: "kept-head-gone",
        kept: keptCheckpoint(file)[0]!.checkpoint,
      });
      assert.deepEqual(named(await verifyAudit(store, keptCheckpoint(file))), [["truncated", at(5)]]);
    });

    test("a rewritten head is named against a checkpoint", async () => {
      const checkpoint = await takeCheckpoint(store);
      await tamper(store, ["update audit_log set hash = $2 where id = $1", [at(5), "f".repeat(64)]]);
      assert.deepEqual(named(await verifyAudit(store, [{ source: "c", checkpoint }])), [
        ["edited", at(5)],
        ["rewritten", at(5)],
      ]);
    });

    test("a checkpoint made up to match a shortened log is refused", async () => {
      await tamper(store, ["delete from audit_log where id >= $1", [at(4)]]);
      const real = await takeCheckpoint(store);
      const forged: AuditCheckpoint = {
        ...real,
        id: at(3),
        hash: (await rows(store))[2]!.hash,
        mac: "0".repeat(64),
      };
      assert.deepEqual(named(await verifyAudit(store, [{ source: "forged", checkpoint: forged }])), [
        ["checkpoint-invalid", at(3)],
      ]);
    });

    test("several problems at once are each named, in row order, then the checkpoint's", async () => {
      const checkpoint = await takeCheckpoint(store);
      await tamper(
        store,
        ["update audit_log set subject = 'run-x' where id = $1", [at(1)]],
        ["delete from audit_log where id = $1", [at(3)]],
        ["delete from audit_log where id = $1", [at(5)]],
      );
      assert.deepEqual(named(await verifyAudit(store, [{ source: "c", checkpoint }])), [
        ["edited", at(1)],
        ["unlinked", at(4)],
        ["truncated", at(5)],
      ]);
    });

    test("a row keyed from a master key this process lacks is named as uncheckable", async () => {
      await tamper(store, ["update audit_log set key_id = 'retired-key' where id = $1", [at(2)]]);
      assert.deepEqual(named(await verifyAudit(store)), [["unknown-key", at(2)]]);
    });

    test("an unkeyed row slipped in after keyed ones is named", async () => {
      const last = (await rows(store))[4]!;
      await tamper(store, [
        `insert into audit_log (at, actor, action, subject, prev_hash, hash) values (now(), 'x', 'y', 'z', $1, $2)`,
        [last.hash, "a".repeat(64)],
      ]);
      const report = await verifyAudit(store);
      assert.deepEqual(
        report.problems.map((p) => p.kind),
        ["unkeyed"],
      );
    });

    test("details jsonb reorders, non-ASCII, NFD, emoji, lone surrogates and U+0000 verify as stored", async () => {
      const detail = {
        zebra: "Zo\u00eb",
        a: "e\u0301 (NFD)",
        "nai\u0308ve": [
          "\u65e5\u672c\u8a9e",
          "\u{1f469}\u{1f3fd}\u200d\u{1f4bb}",
          "\ud800 lone",
          "nul\u0000",
        ],
        nested: {
          longest_key_first: 1,
          b: { "\u00e9": true, "e\u0301": false },
          c: -0,
          big: 1e21,
          small: 5e-324,
        },
        surrogates: { "\ud800": 1, "\udc00": 2, "\ufffd": 3 },
        dropped: undefined,
      };
      await store.tx((sql) =>
        appendAudit(sql, { actor: "Zoe\u0308 \udfff", action: "x", subject: "s", detail }),
      );
      assert.deepEqual(named(await verifyAudit(store)), []);
      const row = (await rows(store))[5]!;
      // What was hashed is what is stored: NFC, unstorable code units as U+FFFD, JSON values only.
      assert.equal(row.actor, "Zo\u00eb \ufffd");
      assert.deepEqual(row.detail, {
        zebra: "Zo\u00eb",
        a: "\u00e9 (NFD)",
        "na\u00efve": ["\u65e5\u672c\u8a9e", "\u{1f469}\u{1f3fd}\u200d\u{1f4bb}", "\ufffd lone", "nul\ufffd"],
        // A key NFC or U+FFFD would merge into another is kept apart, so none is lost.
        nested: {
          longest_key_first: 1,
          b: { "\u00e9": true, "e\u0301": false },
          c: 0,
          big: 1e21,
          small: 5e-324,
        },
        surrogates: { "\ufffd": 3, "\ufffd\ufffd": 1, "\ufffd\ufffd\ufffd": 2 },
      });
    });

    test("any detail verifies once stored (fast-check)", async () => {
      const unit = fc.oneof(
        fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
        fc.constantFrom("\ud800", "\udfff", "\u0000", "e\u0301", "\u212b", "👩🏽‍💻"),
      );
      const key = fc.string({ unit, maxLength: 3 });
      const detail = fc.dictionary(key, fc.jsonValue({ stringUnit: unit, maxDepth: 3 }), { maxKeys: 6 });
      await fc.assert(
        fc.asyncProperty(detail, fc.string({ unit }), async (d, actor) => {
          await store.tx((sql) => appendAudit(sql, { actor, action: "prop", subject: "s", detail: d }));
          const report = await verifyAudit(store);
          assert.deepEqual(report.problems, []);
        }),
        { numRuns: 60 },
      );
    });
  });
}

const pgSkip = await postgresSkipReason();
tamperSuite(pgliteUnderTest, false);
tamperSuite(postgresUnderTest, pgSkip);

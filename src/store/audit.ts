import { storableDetail, storableString } from "./audit/canonical.ts";
import { genesis, keyedHash, legacyHash, type ChainedRow } from "./audit/hash.ts";
import { masterKeysOf } from "./audit/keys.ts";
import { auditHead, auditRows, type AuditHead } from "./audit/rows.ts";
import type { Sql } from "./sql.ts";

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  detail?: Record<string, unknown>;
}

/** Told on commit only (NOTIFY waits for it), so whoever anchors the head never anchors a rolled-back one. */
export const auditChannel = "lifecycle_audit";

async function insert(sql: Sql, prev: AuditHead | undefined, e: AuditEntry): Promise<AuditHead> {
  const { current } = masterKeysOf(sql);
  const [next] = await sql.query<{ id: number; at: string }>(
    `select nextval(pg_get_serial_sequence('audit_log', 'id'))::int8 as id,
            to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at`,
  );
  const row: ChainedRow = {
    id: next!.id,
    at: next!.at,
    actor: storableString(e.actor),
    action: storableString(e.action),
    subject: storableString(e.subject),
    detail: e.detail ? storableDetail(e.detail) : null,
    prevHash: prev?.hash ?? genesis,
    keyId: current.id,
  };
  const hash = keyedHash(current.key, row);
  await sql.query(
    `insert into audit_log (id, at, actor, action, subject, detail, prev_hash, hash, key_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      row.id,
      row.at,
      row.actor,
      row.action,
      row.subject,
      row.detail ? JSON.stringify(row.detail) : null,
      row.prevHash,
      hash,
      row.keyId,
    ],
  );
  await sql.query("select pg_notify($1, $2)", [auditChannel, `${row.id} ${hash}`]);
  return { id: row.id, hash };
}

/**
 * Rows written before the chain was keyed (migration 0008) carry an unkeyed SHA-256 anyone could
 * recompute. They are checked once, here, and the keyed chain starts with an `audit.rekey` entry that
 * links to their head and records what the check found: from then on, rewriting any of them changes
 * the head the keyed entry covers, which needs the key to hide.
 */
async function rekey(sql: Sql, head: AuditHead): Promise<AuditHead> {
  const broken: number[] = [];
  let rows = 0;
  let prev = genesis;
  for (let after = 0; ;) {
    const page = await auditRows(sql, after, 1000);
    for (const row of page) {
      rows++;
      if (row.prevHash !== prev || legacyHash(row) !== row.hash) broken.push(row.id);
      prev = row.hash;
    }
    if (page.length < 1000) break;
    after = page[page.length - 1]!.id;
  }
  return insert(sql, head, {
    actor: "lifecycle",
    action: "audit.rekey",
    subject: "audit_log",
    detail: { unkeyedRows: rows, unkeyedHead: head, brokenWhenKeyed: broken },
  });
}

/**
 * Appends in the caller's transaction, keyed with the store's master key. The advisory lock keeps the
 * chain a line, not a tree. Returns the new head.
 */
export async function appendAudit(sql: Sql, e: AuditEntry): Promise<AuditHead> {
  await sql.query("select pg_advisory_xact_lock(7301453)");
  const head = await auditHead(sql);
  const prev = head && head.keyId === null ? await rekey(sql, { id: head.id, hash: head.hash }) : head;
  return insert(sql, prev, e);
}

/** Keys a chain that is still unkeyed, without waiting for the next audited change; a no-op otherwise. */
export async function rekeyAudit(sql: Sql): Promise<AuditHead | undefined> {
  await sql.query("select pg_advisory_xact_lock(7301453)");
  const head = await auditHead(sql);
  return head && head.keyId === null ? rekey(sql, { id: head.id, hash: head.hash }) : undefined;
}

import { createHash } from "node:crypto";
import type { Sql } from "./sql.ts";

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  detail?: Record<string, unknown>;
}

const genesis = "0".repeat(64);

/**
 * The detail as jsonb gives it back: keys shortest first, then by their bytes. Hashing the order it was
 * written in would break the chain on read for any detail with keys jsonb reorders. Chains written
 * before this held only details already in that order, so their hashes are unchanged.
 */
function jsonbOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonbOrder);
  if (typeof value !== "object" || value === null) return value;
  const keys = Object.keys(value).sort(
    (a, b) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)),
  );
  return Object.fromEntries(keys.map((k) => [k, jsonbOrder((value as Record<string, unknown>)[k])]));
}

function entryHash(prevHash: string, at: string, e: AuditEntry): string {
  return createHash("sha256")
    .update(JSON.stringify([prevHash, at, e.actor, e.action, e.subject, jsonbOrder(e.detail ?? null)]))
    .digest("hex");
}

/** Appends in the caller's transaction; the advisory lock keeps the chain a line, not a tree. */
export async function appendAudit(sql: Sql, e: AuditEntry): Promise<void> {
  await sql.query("select pg_advisory_xact_lock(7301453)");
  const [last] = await sql.query<{ hash: string }>("select hash from audit_log order by id desc limit 1");
  const [{ at } = { at: "" }] = await sql.query<{ at: string }>(
    `select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at`,
  );
  const prevHash = last?.hash ?? genesis;
  await sql.query(
    `insert into audit_log (at, actor, action, subject, detail, prev_hash, hash) values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      at,
      e.actor,
      e.action,
      e.subject,
      e.detail ? JSON.stringify(e.detail) : null,
      prevHash,
      entryHash(prevHash, at, e),
    ],
  );
}

/** Re-computes the chain; returns the id of the first row that does not match, or null if all hold. */
export async function verifyAuditChain(sql: Sql): Promise<number | null> {
  const rows = await sql.query<{
    id: number;
    at: string;
    actor: string;
    action: string;
    subject: string;
    detail: Record<string, unknown> | null;
    prevHash: string;
    hash: string;
  }>(
    `select id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, actor, action, subject, detail,
            prev_hash as "prevHash", hash from audit_log order by id`,
  );
  let prev = genesis;
  for (const r of rows) {
    const expected = entryHash(prev, r.at, {
      actor: r.actor,
      action: r.action,
      subject: r.subject,
      ...(r.detail ? { detail: r.detail } : {}),
    });
    if (r.prevHash !== prev || r.hash !== expected) return r.id;
    prev = r.hash;
  }
  return null;
}

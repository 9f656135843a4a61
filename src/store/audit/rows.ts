import type { Sql } from "../sql.ts";
import type { ChainedRow } from "./hash.ts";

export interface AuditRow extends ChainedRow {
  hash: string;
}

export interface AuditHead {
  id: number;
  hash: string;
}

const columns = `id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, actor, action, subject,
  detail, prev_hash as "prevHash", hash, key_id as "keyId"`;

/** Rows in chain order, `limit` at a time after `afterId`. */
export function auditRows(sql: Sql, afterId: number, limit: number): Promise<AuditRow[]> {
  return sql.query<AuditRow>(`select ${columns} from audit_log where id > $1 order by id limit $2`, [
    afterId,
    limit,
  ]);
}

/** The newest rows first, for paging back from the head. */
export function auditRowsBefore(sql: Sql, beforeId: number | undefined, limit: number): Promise<AuditRow[]> {
  return sql.query<AuditRow>(
    `select ${columns} from audit_log where ($1::bigint is null or id < $1) order by id desc limit $2`,
    [beforeId ?? null, limit],
  );
}

export async function auditHead(sql: Sql): Promise<(AuditHead & { keyId: string | null }) | undefined> {
  const [head] = await sql.query<AuditHead & { keyId: string | null }>(
    `select id, hash, key_id as "keyId" from audit_log order by id desc limit 1`,
  );
  return head;
}

export async function auditRowHash(sql: Sql, id: number): Promise<string | undefined> {
  const [row] = await sql.query<{ hash: string }>("select hash from audit_log where id = $1", [id]);
  return row?.hash;
}

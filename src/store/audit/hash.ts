import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical.ts";
import { mac } from "./keys.ts";

export const genesis = "0".repeat(64);

/** A row as the chain covers it; `at` in UTC to the millisecond, as the table holds it. */
export interface ChainedRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: Record<string, unknown> | null;
  prevHash: string;
  keyId: string | null;
}

/**
 * HMAC-SHA256 over the row's canonical JSON, under a key derived from the master key: someone who can
 * write to the database but does not hold the key cannot make a changed row, or a recomputed chain, hold.
 * The id is covered so a row cannot be renumbered into another place.
 */
export function keyedHash(master: Buffer, row: ChainedRow): string {
  const { id, at, actor, action, subject, detail, prevHash, keyId } = row;
  return mac(
    master,
    "chain",
    canonicalJson({ v: 1, id, at, actor, action, subject, detail, prevHash, keyId }),
  );
}

/** The detail in the order jsonb keeps keys (shortest first, then by bytes), as the unkeyed chain hashed it. */
function jsonbOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonbOrder);
  if (typeof value !== "object" || value === null) return value;
  const keys = Object.keys(value).sort(
    (a, b) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)),
  );
  return Object.fromEntries(keys.map((k) => [k, jsonbOrder((value as Record<string, unknown>)[k])]));
}

/** The unkeyed SHA-256 of rows written before migration 0008; kept only to check those rows. */
export function legacyHash(row: ChainedRow): string {
  const { at, actor, action, subject, detail, prevHash } = row;
  return createHash("sha256")
    .update(JSON.stringify([prevHash, at, actor, action, subject, jsonbOrder(detail)]))
    .digest("hex");
}

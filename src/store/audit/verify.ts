import type { Sql } from "../sql.ts";
import { checkpointSignatureProblem, type AuditCheckpoint } from "./checkpoint.ts";
import { genesis, keyedHash, legacyHash } from "./hash.ts";
import { masterKeysOf } from "./keys.ts";
import { auditRowHash, auditRows, type AuditHead } from "./rows.ts";

/**
 * What is wrong, named by row. `edited`: the row's content no longer gives its hash. `unlinked`: the row
 * does not follow the one before it (a row between was removed, or the one before was rewritten).
 * `unknown-key`: keyed with a master key this process was not given, so it cannot be checked. `unkeyed`:
 * an unkeyed row after the chain was keyed, which the product never writes. `truncated`: a checkpoint's
 * head is gone from the table. `rewritten`: a checkpoint's head is there with another hash.
 * `checkpoint-invalid`: the checkpoint itself cannot be trusted.
 */
export type AuditProblemKind =
  "edited" | "unlinked" | "unknown-key" | "unkeyed" | "truncated" | "rewritten" | "checkpoint-invalid";

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The row it is about; for a checkpoint, the row the checkpoint names. */
  id: number;
  message: string;
}

export interface CheckpointToCheck {
  /** Where it came from, for the report: a file's path, or "request". */
  source: string;
  checkpoint: AuditCheckpoint;
}

export interface AuditReport {
  ok: boolean;
  entries: number;
  head: AuditHead | null;
  /** The checkpoints the table was checked against. */
  checkpoints: { source: string; id: number; hash: string; at: string }[];
  problems: AuditProblem[];
}

const page = 1000;
const short = (hash: string) => hash.slice(0, 12);

/**
 * Re-computes the whole chain and checks it against each checkpoint given. Every problem is named, not
 * only the first: one edited row, a removed row and a truncated tail each appear as their own entry.
 */
export async function verifyAudit(sql: Sql, checkpoints: CheckpointToCheck[] = []): Promise<AuditReport> {
  const ring = masterKeysOf(sql);
  const problems: AuditProblem[] = [];
  let entries = 0;
  let before: AuditHead | null = null;
  let keyed = false;
  for (let after = 0; ;) {
    const rows = await auditRows(sql, after, page);
    for (const row of rows) {
      entries++;
      const previous: string = before?.hash ?? genesis;
      if (row.prevHash !== previous)
        problems.push({
          kind: "unlinked",
          id: row.id,
          message: before
            ? `row ${row.id} does not follow row ${before.id} (it links to ${short(row.prevHash)}, row ${before.id} is ${short(before.hash)}): a row between them was removed, or row ${before.id} was rewritten`
            : `row ${row.id} is the first row but links to ${short(row.prevHash)}: the rows before it were removed`,
        });
      if (row.keyId === null) {
        if (keyed)
          problems.push({
            kind: "unkeyed",
            id: row.id,
            message: `row ${row.id} is unkeyed but comes after keyed rows: it was not written by Lifecycle`,
          });
        else if (legacyHash(row) !== row.hash)
          problems.push({
            kind: "edited",
            id: row.id,
            message: `row ${row.id} (written before the chain was keyed) does not match its hash: it was edited`,
          });
      } else {
        keyed = true;
        const master = ring.byId.get(row.keyId);
        if (!master)
          problems.push({
            kind: "unknown-key",
            id: row.id,
            message: `row ${row.id} is keyed from master key ${row.keyId}, which this process was not given (see LIFECYCLE_PREVIOUS_MASTER_KEYS): it cannot be checked`,
          });
        else if (keyedHash(master, row) !== row.hash)
          problems.push({
            kind: "edited",
            id: row.id,
            message: `row ${row.id} does not match its keyed hash: it was edited, or its hash recomputed without the key`,
          });
      }
      before = { id: row.id, hash: row.hash };
    }
    if (rows.length < page) break;
    after = rows[rows.length - 1]!.id;
  }

  for (const { source, checkpoint: c } of checkpoints) {
    const invalid = checkpointSignatureProblem(sql, c);
    if (invalid) {
      problems.push({ kind: "checkpoint-invalid", id: c.id, message: `checkpoint ${source}: ${invalid}` });
      continue;
    }
    if (c.id === 0) continue;
    const hash = await auditRowHash(sql, c.id);
    const ends = before ? `the table ends at row ${before.id}` : "the table is empty";
    if (hash === undefined)
      problems.push({
        kind: "truncated",
        id: c.id,
        message: `checkpoint ${source} of ${c.at} names row ${c.id} (${short(c.hash)}), which is gone; ${ends}: entries were removed from the end`,
      });
    else if (hash !== c.hash)
      problems.push({
        kind: "rewritten",
        id: c.id,
        message: `row ${c.id} has hash ${short(hash)}, not the ${short(c.hash)} checkpoint ${source} recorded at ${c.at}: the chain was rewritten`,
      });
  }

  return {
    ok: problems.length === 0,
    entries,
    head: before,
    checkpoints: checkpoints.map(({ source, checkpoint: c }) => ({
      source,
      id: c.id,
      hash: c.hash,
      at: c.at,
    })),
    problems,
  };
}

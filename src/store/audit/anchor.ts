import { join } from "node:path";
import { auditChannel } from "../audit.ts";
import type { Sql, Store } from "../sql.ts";
import {
  readCheckpointFile,
  saveCheckpointFile,
  signCheckpoint,
  takeCheckpoint,
  type AuditCheckpoint,
} from "./checkpoint.ts";
import { auditRowHash } from "./rows.ts";
import { verifyAudit, type AuditReport, type CheckpointToCheck } from "./verify.ts";

/** Where a server keeps the latest checkpoint: its data folder, readable by its owner only. */
export const checkpointFileIn = (dataDir: string): string => join(dataDir, "audit-checkpoint.json");

/** The data folder's checkpoint as one to verify against, when there is one. */
export function keptCheckpoint(file: string): CheckpointToCheck[] {
  const kept = readCheckpointFile(file);
  return kept ? [{ source: file, checkpoint: kept }] : [];
}

export type AdvanceResult =
  | { saved: true; checkpoint: AuditCheckpoint }
  | { saved: false; reason: "not-later" }
  | { saved: false; reason: "kept-head-gone"; kept: AuditCheckpoint };

/**
 * Moves the kept checkpoint on to `head`, but never past a kept head the table no longer holds: that
 * checkpoint is the evidence of a truncation, and overwriting it with the next entry would erase it.
 * It stays until someone who has looked moves the file away.
 */
export async function advanceCheckpoint(
  sql: Sql,
  file: string,
  next?: AuditCheckpoint,
): Promise<AdvanceResult> {
  const kept = readCheckpointFile(file);
  if (kept && kept.id > 0 && (await auditRowHash(sql, kept.id)) !== kept.hash)
    return { saved: false, reason: "kept-head-gone", kept };
  const checkpoint = next ?? (await takeCheckpoint(sql));
  return saveCheckpointFile(file, checkpoint)
    ? { saved: true, checkpoint }
    : { saved: false, reason: "not-later" };
}

export interface AnchorLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * The server's side of anchoring: verify the log at start (saying what was found, never refusing to
 * start over it), then after every committed entry write its head to the log and the kept checkpoint.
 */
export async function anchorAudit(
  store: Store,
  opts: { file: string; log: AnchorLog },
): Promise<{ report: AuditReport; stop: () => Promise<void> }> {
  const report = await verifyAudit(store, keptCheckpoint(opts.file));
  await advanceCheckpoint(store, opts.file);
  let chain = Promise.resolve();
  const unlisten = await store.listen(auditChannel, (payload) => {
    const [id, hash] = payload.split(" ");
    const head = { id: Number(id), hash: hash ?? "" };
    opts.log.info({ auditHead: head }, "audit head");
    chain = chain.then(async () => {
      try {
        const r = await advanceCheckpoint(store, opts.file, signCheckpoint(store, head));
        if (!r.saved && r.reason === "kept-head-gone")
          opts.log.error(
            { auditHead: head, kept: { id: r.kept.id, hash: r.kept.hash, at: r.kept.at } },
            `audit checkpoint not advanced: row ${r.kept.id} it names is gone from the table (run \`lifecycle audit verify\`)`,
          );
      } catch (err) {
        opts.log.error({ err, auditHead: head }, "audit checkpoint could not be written");
      }
    });
  });
  return {
    report,
    stop: async () => {
      await unlisten();
      await chain;
    },
  };
}

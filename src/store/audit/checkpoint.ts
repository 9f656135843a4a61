import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import type { Sql } from "../sql.ts";
import { canonicalJson } from "./canonical.ts";
import { genesis } from "./hash.ts";
import { mac, masterKeysOf } from "./keys.ts";
import { auditHead } from "./rows.ts";

/**
 * The chain's head as it stood at `at`, kept outside the table: a table that no longer holds this row
 * with this hash lost its tail (or all of it). Signed, so a checkpoint cannot be made up to match a
 * shortened table by someone without the master key.
 */
export const auditCheckpoint = z.strictObject({
  id: z.number().int().min(0).describe("The head's id; 0 for an empty log."),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string().describe("When the checkpoint was taken (UTC)."),
  keyId: z.string().describe("The master key the signature is keyed from."),
  mac: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe("HMAC-SHA256 of the other fields."),
});
export type AuditCheckpoint = z.infer<typeof auditCheckpoint>;

const signed = (c: Omit<AuditCheckpoint, "mac">) =>
  canonicalJson({ v: 1, id: c.id, hash: c.hash, at: c.at, keyId: c.keyId });

export function signCheckpoint(
  sql: Sql,
  head: { id: number; hash: string },
  at: Date = new Date(),
): AuditCheckpoint {
  const { current } = masterKeysOf(sql);
  const body = { id: head.id, hash: head.hash, at: at.toISOString(), keyId: current.id };
  return { ...body, mac: mac(current.key, "checkpoint", signed(body)) };
}

/** The committed head, signed. */
export async function takeCheckpoint(sql: Sql): Promise<AuditCheckpoint> {
  const head = await auditHead(sql);
  return signCheckpoint(sql, head ?? { id: 0, hash: genesis });
}

/** Why the checkpoint's signature does not hold, or undefined when it does. */
export function checkpointSignatureProblem(sql: Sql, c: AuditCheckpoint): string | undefined {
  const master = masterKeysOf(sql).byId.get(c.keyId);
  if (!master) return `it is signed with master key ${c.keyId}, which this process was not given`;
  if (mac(master, "checkpoint", signed(c)) !== c.mac)
    return "its signature does not hold: it was changed, or not made by this installation";
  return undefined;
}

export function parseCheckpoint(text: string, where: string): AuditCheckpoint {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = auditCheckpoint.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `${where} is not an audit checkpoint: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
    );
  return parsed.data;
}

/** The checkpoint kept in `file`, or undefined when there is none yet. */
export function readCheckpointFile(file: string): AuditCheckpoint | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  return parseCheckpoint(text, file);
}

/**
 * Writes the checkpoint unless the file already holds it or a later one (notifications of two commits
 * can be handled out of order). Written beside and renamed over, so a crash never leaves half of one.
 */
export function saveCheckpointFile(file: string, c: AuditCheckpoint): boolean {
  const kept = readCheckpointFile(file);
  if (kept && kept.id >= c.id) return false;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  return true;
}

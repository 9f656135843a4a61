import { createHmac, hkdfSync, randomBytes } from "node:crypto";
import { LifecycleError } from "../../domain/errors.ts";
import type { Sql } from "../sql.ts";

/**
 * The master keys the chain is keyed from, resolved when first needed: credentials/keys.ts's KeySource
 * (one current key and earlier ones by id) fits, without the store importing the credentials layer.
 */
export type MasterKeys = () => {
  current: { id: string; key: Buffer };
  byId: ReadonlyMap<string, Buffer>;
};

export type KeyUse = "chain" | "checkpoint";

const derived = new WeakMap<Buffer, Map<KeyUse, Buffer>>();

/**
 * HKDF-SHA256 from the master key, one key per use, so the audit chain never shares a key with the
 * credential store's AES-GCM (or the chain's key with the checkpoint's).
 */
export function auditKey(master: Buffer, use: KeyUse): Buffer {
  let uses = derived.get(master);
  if (!uses) derived.set(master, (uses = new Map()));
  let key = uses.get(use);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), `lifecycle audit ${use} v1`, 32));
    uses.set(use, key);
  }
  return key;
}

export const mac = (master: Buffer, use: KeyUse, message: string): string =>
  createHmac("sha256", auditKey(master, use)).update(message, "utf8").digest("hex");

/**
 * A store that outlives nothing (the in-memory embedded store tests open) keys its chain with a key made
 * for it; it dies with the store, as do the rows it keyed.
 */
export function ephemeralKeys(): MasterKeys {
  const key = randomBytes(32);
  const id = `ephemeral-${randomBytes(4).toString("hex")}`;
  const ring = { current: { id, key }, byId: new Map([[id, key]]) };
  return () => ring;
}

export function masterKeysOf(sql: Sql): ReturnType<MasterKeys> {
  if (!sql.auditKeys)
    throw new LifecycleError({
      kind: "invalid",
      code: "MASTER_KEY_MISSING",
      message: "this store was opened without the master key, so it cannot write or verify the audit log",
    });
  return sql.auditKeys();
}

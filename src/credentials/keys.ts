import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LifecycleError } from "../domain/errors.ts";

/** The master keys secrets are sealed with: one current key, and earlier ones still able to open old rows. */
export interface Keyring {
  current: { id: string; key: Buffer };
  byId: ReadonlyMap<string, Buffer>;
}

/** Resolves the keyring when first needed, so a process that never touches a secret never needs a key. */
export type KeySource = () => Keyring;

const keyLength = 32;

// A fingerprint, not the key: rows name the key that sealed them without the database learning anything.
export const keyIdOf = (key: Buffer): string =>
  createHash("sha256").update("lifecycle-master-key").update(key).digest("hex").slice(0, 16);

function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== keyLength)
    throw new LifecycleError({
      kind: "invalid",
      code: "MASTER_KEY_INVALID",
      message: `${where} must be ${keyLength} random bytes in base64 (e.g. \`openssl rand -base64 32\`), got ${key.length} bytes`,
    });
  return key;
}

export function keyring(current: Buffer, previous: Buffer[] = []): Keyring {
  const byId = new Map<string, Buffer>();
  for (const k of [...previous, current]) byId.set(keyIdOf(k), k);
  return { current: { id: keyIdOf(current), key: current }, byId };
}

/**
 * The embedded store's key lives beside its data, readable by the owner only. Created exclusively, so two
 * processes racing on a new folder end up with the one key that was written first.
 */
function keyFile(dataDir: string): Buffer {
  const file = join(dataDir, "master.key");
  try {
    writeFileSync(file, `${randomBytes(keyLength).toString("base64")}\n`, { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return decodeKey(readFileSync(file, "utf8"), file);
}

/**
 * LIFECYCLE_MASTER_KEY (base64, 32 bytes) is the current key; LIFECYCLE_PREVIOUS_MASTER_KEYS (comma
 * separated) still open rows sealed before a rotation. Without it, the embedded store keeps a key file in
 * its data folder; PostgreSQL refuses, since a key made up here would not be shared by the other processes.
 */
export function masterKeys(
  env: NodeJS.ProcessEnv,
  where: { embedded: boolean; dataDir: string | undefined },
): KeySource {
  let ring: Keyring | undefined;
  return () => {
    if (ring) return ring;
    const previous = (env.LIFECYCLE_PREVIOUS_MASTER_KEYS ?? "")
      .split(",")
      .filter((s) => s.trim())
      .map((s, i) => decodeKey(s, `LIFECYCLE_PREVIOUS_MASTER_KEYS[${i}]`));
    if (env.LIFECYCLE_MASTER_KEY) {
      ring = keyring(decodeKey(env.LIFECYCLE_MASTER_KEY, "LIFECYCLE_MASTER_KEY"), previous);
    } else if (where.embedded && where.dataDir) {
      ring = keyring(keyFile(where.dataDir), previous);
    } else {
      throw new LifecycleError({
        kind: "invalid",
        code: "MASTER_KEY_MISSING",
        message:
          "LIFECYCLE_MASTER_KEY is not set: with PostgreSQL every Lifecycle process must be given the same " +
          "master key (32 random bytes in base64, e.g. `openssl rand -base64 32`)",
      });
    }
    return ring;
  };
}

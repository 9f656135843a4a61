import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { LifecycleError } from "../domain/errors.ts";
import type { Keyring } from "./keys.ts";

/** A secret as stored: AES-256-GCM under the key named by `keyId`, each part base64. */
export interface Sealed {
  keyId: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/**
 * `context` is authenticated but not stored: it names where the row belongs (its reference), so a row
 * copied under another reference fails to open instead of handing one client's secret to another.
 */
export function seal(ring: Keyring, plaintext: string, context: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return {
    keyId: ring.current.id,
    iv: iv.toString("base64"),
    ciphertext: ciphertext.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
  };
}

export function open(ring: Keyring, sealed: Sealed, context: string): string {
  const key = ring.byId.get(sealed.keyId);
  if (!key)
    throw new LifecycleError({
      kind: "invalid",
      code: "MASTER_KEY_UNKNOWN",
      message: `${context}: sealed with master key ${sealed.keyId}, which this process was not given (see LIFECYCLE_PREVIOUS_MASTER_KEYS)`,
    });
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, "base64")),
      decipher.final(),
    ]).toString("utf8");
  } catch (err) {
    throw new LifecycleError(
      {
        kind: "invalid",
        code: "SECRET_TAMPERED",
        message: `${context}: the stored secret does not authenticate (changed, or moved from another reference)`,
      },
      { cause: err },
    );
  }
}

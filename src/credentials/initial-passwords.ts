import { createHmac } from "node:crypto";
import { LifecycleError } from "../domain/errors.ts";
import type { InitialPasswords, LinkOwner } from "../ports/index.ts";
import type { KeySource } from "./keys.ts";

// No look-alikes (I l 1, O 0): a person may read the password off the vault and type it.
const upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const lower = "abcdefghijkmnopqrstuvwxyz";
const digits = "23456789";
const any = upper + lower + digits;
const groups = 4;
const groupLength = 5;

/**
 * Four groups of five joined by hyphens ("Kq7vb-…"): each group opens with an upper-case letter, a
 * lower-case one and a digit, and the hyphen is the symbol, so every password meets Entra's rule (8 to 256
 * characters, three of the four kinds) whatever the hash; about 95 bits.
 */
export function passwordFrom(bytes: Buffer): string {
  let at = 0;
  // Two bytes per character: the modulo's bias stays under 0.1 %.
  const pick = (alphabet: string) => alphabet[bytes.readUInt16BE((at += 2) - 2) % alphabet.length]!;
  return Array.from({ length: groups }, () =>
    [upper, lower, digits, ...Array<string>(groupLength - 3).fill(any)].map(pick).join(""),
  ).join("-");
}

/** The password of one step, from one master key: HMAC, keyed apart from every other use of the key. */
export function derivedPassword(masterKey: Buffer, owner: LinkOwner): string {
  const passwordKey = createHmac("sha256", masterKey).update("lifecycle initial password").digest();
  const bytes = createHmac("sha512", passwordKey).update(`${owner.runId}\u0000${owner.actionKey}`).digest();
  return passwordFrom(bytes);
}

/** The product's InitialPasswords, over the master keys (see the port). */
export function initialPasswords(deps: { keys: KeySource }): InitialPasswords {
  return {
    derive(owner, keyId) {
      const ring = deps.keys();
      const id = keyId ?? ring.current.id;
      const key = ring.byId.get(id);
      if (!key)
        return Promise.reject(
          new LifecycleError({
            kind: "invalid",
            code: "MASTER_KEY_UNKNOWN",
            message: `the initial password of step ${owner.actionKey} of run ${owner.runId} was made with master key ${id}, which this process was not given (see LIFECYCLE_PREVIOUS_MASTER_KEYS)`,
          }),
        );
      return Promise.resolve({ password: derivedPassword(key, owner), keyId: id });
    },
  };
}

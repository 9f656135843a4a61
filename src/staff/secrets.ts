import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * A bearer secret as handed out: `<prefix>_<id>.<secret>`. The id finds the row; only the secret's SHA-256
 * is stored. The secret is 32 random bytes, so a fast hash is enough: nothing is left to brute-force.
 */
export interface IssuedSecret {
  id: string;
  /** The whole value, shown once: cookie, token or link. */
  value: string;
  hash: string;
}

export const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

export function issueSecret(prefix: string): IssuedSecret {
  // An id is typed as an argument (`lifecycle tokens revoke <id>`): one starting with "-" reads as an option.
  let id: string;
  do id = randomBytes(9).toString("base64url");
  while (id.startsWith("-"));
  const secret = randomBytes(32).toString("base64url");
  return { id, value: `${prefix}_${id}.${secret}`, hash: sha256(secret) };
}

/** The id and secret of a presented value, if it has the shape; anything else is no secret of ours. */
export function parseSecret(prefix: string, value: string): { id: string; secret: string } | undefined {
  const m = new RegExp(`^${prefix}_([A-Za-z0-9_-]{12})\\.([A-Za-z0-9_-]{43})$`).exec(value);
  return m?.[1] && m[2] ? { id: m[1], secret: m[2] } : undefined;
}

/** Compares a presented secret with a stored hash in time that says nothing about how close it was. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(sha256(secret), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

import { hash, verify } from "@node-rs/argon2";
import { fail, ok, type Result } from "../domain/result.ts";

/**
 * argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 30 ms here, which
 * bounds a guessing attacker without making sign-in slow. The parameters live in the hash, so raising
 * them later still verifies old hashes.
 */
const params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const minPasswordLength = 12;
const maxPasswordLength = 256;

/** NIST 800-63B: length, not composition rules; refuse only what is short, too long or the address itself. */
export function checkPassword(password: string, email?: string): Result<string> {
  if (password.length < minPasswordLength)
    return fail("password", `must be at least ${minPasswordLength} characters`);
  if (password.length > maxPasswordLength)
    return fail("password", `must be at most ${maxPasswordLength} characters`);
  if (email && password.trim().toLowerCase() === email.toLowerCase())
    return fail("password", "must not be the sign-in address");
  return ok(password.normalize("NFC"));
}

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize("NFC"), params);
}

export async function passwordMatches(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password.normalize("NFC"));
  } catch {
    // A malformed stored hash signs nobody in; it is not the presenter's error to see.
    return false;
  }
}

// Verified against when the address is unknown, so the answer takes as long as for a real account and
// timing does not tell which addresses have one.
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hash("not-a-password-of-anyone", params);
  return decoy;
}

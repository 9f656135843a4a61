import type { LinkOwner } from "./one-time-links.ts";

/** A new account's first password, and the master key it came from (a fingerprint, never the key). */
export interface InitialPassword {
  password: string;
  keyId: string;
}

/**
 * The password a new account is created with where the client keeps it in its vault: derived from the
 * master key and the step that creates the account, so it is stored nowhere and the step that hands it to
 * the vault (or a retry after a crash) derives the same one again. It satisfies Entra's complexity rules;
 * the directory forces a change at the first sign-in.
 */
export interface InitialPasswords {
  /**
   * The step's password. With `keyId` (what an earlier call returned), from that master key, so a rotation
   * between the create and the vault write changes nothing; without, from the current one.
   */
  derive(owner: LinkOwner, keyId?: string): Promise<InitialPassword>;
}

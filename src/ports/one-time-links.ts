/**
 * Where a one-time link stands. "revoked" is a link replaced by a re-issue; the others are the one link
 * of a step as it is now.
 */
export type LinkState = "created" | "viewed" | "expired" | "revoked";

/** The step a link belongs to: its secret, its events and its audit entries are filed under it. */
export interface LinkOwner {
  runId: string;
  actionKey: string;
}

/** What a step may keep of a link it made: its id and state, never its address. */
export interface SharedLink {
  linkId: string;
  state: "created";
  expiresAt: Date;
}

/** The address to put in the one message that carries the link, or why there is none to put there. */
export type LinkAddress =
  | { kind: "ready"; url: string; expiresAt: Date }
  | { kind: "unavailable"; state: LinkState | "unknown"; reason: string };

/**
 * Hands a secret (a Temporary Access Pass) to a person through a link that shows it once and expires.
 * The store keeps a hash of the link's token; the token is derived again from the master key when a
 * message is written, so nothing that records a step (outcome, event, log) ever holds it.
 */
export interface OneTimeLinks {
  /** Seals the secret for the step; sharing again for the same step replaces secret and link. */
  share(owner: LinkOwner, secret: string, opts: { label: string; expiresAt: Date }): Promise<SharedLink>;
  /**
   * The link's address as it stands now. The same link always gives the same address, so a message sent
   * again after a crash carries the same (single) valid link.
   */
  address(linkId: string): Promise<LinkAddress>;
}

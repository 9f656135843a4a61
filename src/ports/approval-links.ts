/** The address to put in the one message that asks an approver, or why no link can be made now. */
export type ApprovalLinkAddress =
  { kind: "ready"; linkId: string; url: string; expiresAt: Date } | { kind: "unavailable"; reason: string };

/**
 * Asks a run's approvers by address through links that carry one decision each and expire with the
 * approval. The store keeps a hash of each link's token; the token is derived again from the master key
 * when a message is written, so nothing that records a step ever holds it.
 */
export interface ApprovalLinks {
  /** When the run's approval expires, while it still waits for a decision; undefined once decided. */
  pending(runId: string): Promise<{ expiresAt: Date } | undefined>;
  /**
   * The approver's link to the run's approval: made the first time, the same link (and address) after,
   * so a message sent again after a crash carries the one valid link.
   */
  linkFor(runId: string, approver: string): Promise<ApprovalLinkAddress>;
}

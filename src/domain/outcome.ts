import type { Failure } from "./errors.ts";

/** What an action's `plan` found: nothing to do, a change to make, or a reason to wait or skip. */
export type PlanResult =
  | { kind: "already-done"; detail?: string }
  | { kind: "will-change"; summary: string; from?: unknown; to?: unknown }
  | { kind: "skip"; reason: string }
  | Wait;

/**
 * A condition that needs time. `needs: "person"` when only someone acting ends it (a seat to buy, a task
 * to do): the ticket is told, where time alone (a mailbox provisioning) is not worth a note.
 */
export type Wait = { kind: "wait"; for: string; retryInMs?: number; deadlineMs?: number; needs?: "person" };

// A type, not an interface: outcomes are checked against index-signature schemas at the API edge.
export type AppliedChange = {
  detail?: string;
  requestId?: string;
  data?: Record<string, unknown>;
};

/** When the vendor accepted the change: the moment it took effect, before verification re-read it. */
export type Applied = AppliedChange & { appliedAt?: string };

/** What `apply` reports; `verify` runs after a "done". */
export type ApplyResult = ({ kind: "done" } & AppliedChange) | Wait;

/** `data`: what the re-read saw, kept with the step's outcome whichever way it went. */
export type VerifyResult =
  | { kind: "verified"; detail?: string; data?: Record<string, unknown> }
  /** `settled`: waiting will not change it (nobody is going to), so fail now instead of polling on. */
  | { kind: "not-verified"; observed: string; settled?: boolean; data?: Record<string, unknown> };

/** One request a connector made to a vendor on a step's behalf: which call, and the vendor's id for it. */
export type VendorCall = {
  /** The vendor API that answered, as its connector names it ("graph", "exchange"). */
  api: string;
  /** "GET /users/{upn}" for Graph (no query string: it may name people), the cmdlet for Exchange. */
  call: string;
  status: number;
  requestId?: string;
  at: string;
};

/** The vendor calls an attempt made, for the evidence and for the vendor's support. */
type WithCalls = { calls?: VendorCall[] };

/** The outcome recorded for a step. Exactly one per finished step; "waiting" is the only non-final one. */
export type Outcome =
  | ({ kind: "succeeded" } & Applied & WithCalls)
  | { kind: "already-done"; detail?: string }
  | { kind: "skipped"; reason: string }
  /** Never started: a required step it depends on (directly or further up) failed. */
  | { kind: "blocked"; reason: string; by: string[] }
  | {
      kind: "waiting";
      for: string;
      until: string;
      needs?: "person";
      /** A change already made whose verification is still pending: kept so its data is not lost. */
      applied?: Applied;
      /** What the last re-read saw, while the verification waits for it to change. */
      data?: Record<string, unknown>;
    }
  /** `data`: what a verification that did not hold saw (its failure's message says it in words). */
  | ({ kind: "failed"; error: Failure; data?: Record<string, unknown> } & WithCalls);

export type OutcomeKind = Outcome["kind"];

/** Every kind, for schemas at the edge. */
export const outcomeKinds = [
  "succeeded",
  "already-done",
  "skipped",
  "blocked",
  "waiting",
  "failed",
] as const satisfies readonly OutcomeKind[];
// Fails to compile when the union gains a kind the list lacks, so the API cannot fall behind the domain.
const _everyKindListed: Exclude<OutcomeKind, (typeof outcomeKinds)[number]> extends never ? true : never =
  true;

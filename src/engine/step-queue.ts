import type { ClaimedAction, EngineTuning, Lease, Transition } from "./types.ts";

/** Which steps a worker may take: only the queues it serves and the action types it can run. */
export interface ClaimFilter {
  queues: readonly string[];
  /** "any": the worker takes every type, and fails those it lacks (see WorkerOptions.unknownActions). */
  types: readonly string[] | "any";
  /** Only urgent steps (priority from `urgentPriority`): what a worker's priority slots may take. */
  urgentOnly?: boolean;
}

/** The filter's types as the claim queries take them: null for any type. */
export const typesParam = (filter: ClaimFilter): readonly string[] | null =>
  filter.types === "any" ? null : filter.types;

/**
 * What a claim took, and, when a limit turned a due step away, when looking again may be worth it:
 * `retryInMs` is when the soonest emptied rate bucket has a token again, or null when only a running
 * step's end frees room (and every end wakes the workers, so there is nothing to poll for).
 */
export interface Claim {
  steps: ClaimedAction[];
  limited?: { retryInMs: number | null };
}

/** The shared limits bucket a 429 holds back: the client tenant and the API that answered. */
export interface RateBucket {
  tenant: string;
  api: string;
}

export interface SignalRow {
  kind: "approve" | "reject";
  actor: string;
  planHash: string | null;
  note: string | null;
  at: Date;
}

export interface GateSignals {
  signals: SignalRow[];
  /** The queue's clock, not the worker's: a gate's expiry is the same instant for every worker. */
  now: Date;
}

/**
 * Everything a worker asks of the place its steps come from. The SQL queue serves workers beside the
 * database; a site agent, which never reaches the database, will be handed one that asks over HTTPS.
 * Every write names the claim it was made under (`fence`): a write under a lease taken over throws LeaseLost.
 */
export interface StepQueue {
  /** Takes up to `max` due steps under a lease of `leaseMs`, within the tenant and run limits. */
  claim(worker: string, leaseMs: number, max: number, filter: ClaimFilter): Promise<Claim>;
  /** Says `apply` is about to change something, and what; refused once the lease has run out. */
  markApplying(step: ClaimedAction, summary: string): Promise<void>;
  /** Records the end of an attempt, with what it unblocks. */
  checkpoint(step: ClaimedAction, t: Transition, tuning: EngineTuning): Promise<void>;
  /** Extends a lease still held; false when it was lost (ran out, or another worker took the step). */
  renewLease(lease: Lease, leaseMs: number): Promise<boolean>;
  /** Holds back every worker's steps for the bucket for `ms`. */
  throttle(bucket: RateBucket, ms: number): Promise<void>;
  /** When the next step the filter allows falls due (null: none is waiting). */
  /**
   * When the next step the filter allows falls due (null: none is waiting); with `laterOnly`, the next
   * one not due yet (asked when every due one is held back by a limit).
   */
  nextDueAt(filter: ClaimFilter, opts?: { laterOnly?: boolean }): Promise<Date | null>;
  /** What people have said to a claimed gate step. */
  gateSignals(step: ClaimedAction): Promise<GateSignals>;
  /** Calls `onWake` whenever new work may be claimable; returns the unsubscribe. */
  listen(onWake: () => void): Promise<() => Promise<void>>;
}

export class LeaseLost extends Error {
  constructor(readonly actionKey: string) {
    super(`lease on ${actionKey} was taken over by another worker`);
  }
}

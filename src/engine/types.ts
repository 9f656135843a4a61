import type { Applied, Outcome } from "../domain/outcome.ts";
import type { ActionState } from "../domain/run-status.ts";

/** An action row as a worker holds it after claiming: `fence` proves the claim on every later write. */
export interface ClaimedAction {
  id: number;
  runId: string;
  clientId: string;
  key: string;
  type: string;
  title: string;
  params: Record<string, unknown>;
  deps: string[];
  required: boolean;
  tenant: string;
  api: string;
  queue: string;
  /** Ports this step has served by another of the client's systems than the default (from the plan). */
  bind: Record<string, string> | null;
  phase: "plan" | "apply" | "verify";
  /** From `urgentPriority` up, its vendor calls go alone, not in a batch with slower ones. */
  priority: number;
  attempts: number;
  maxAttempts: number;
  fence: number;
  /** The state the row had before this claim: "running" means a lease expired mid-attempt. */
  previousState: ActionState;
  /** No attempt of this step was ever claimed before this one (a retried run's reopened step has had some). */
  firstAttempt: boolean;
  deadlineAt: Date | null;
  /** When this attempt's claim was taken. */
  claimedAt: Date;
  /** In the verify phase: what this step's apply reported before verification had to wait. */
  applied: Applied | null;
  /** Data reported by finished dependencies, by action key. */
  outputs: Record<string, Record<string, unknown>>;
  /** The run's cached status at claim time; a claim changes it only from "scheduled" or "waiting". */
  runStatus: string;
  planHash: string;
  runStartAt: Date;
  worker: string;
}

/**
 * A tenant+API bucket's budget: steps at once, step starts per second, and how far past both an urgent
 * step may go (see queries/claim.ts).
 */
export interface TenantLimit {
  concurrency: number;
  ratePerSecond: number;
  prioritySlots?: number | undefined;
}

/**
 * What a tenant+API bucket gets when nobody configured it. Three priority slots: the three lock-out steps
 * of an offboarding (revoke sessions, reset password, block sign-in) start at once however busy the
 * tenant is.
 */
export const defaultLimit = { concurrency: 4, ratePerSecond: 20, prioritySlots: 3 };

export interface Lease {
  actionId: number;
  fence: number;
}

/** What a step's attempt ends in, for the checkpoint to write. */
export type Transition =
  | {
      kind: "final";
      state: "succeeded" | "already-done" | "skipped" | "failed";
      outcome: Outcome;
      cancelRun?: string;
    }
  | {
      kind: "wait";
      outcome: Extract<Outcome, { kind: "waiting" }>;
      retryInMs: number;
      deadlineMs?: number;
      phase: "plan" | "verify";
    }
  | {
      kind: "retry";
      outcome: Extract<Outcome, { kind: "failed" }>;
      retryAfterMs?: number;
      phase: "plan" | "verify";
    };

export interface EngineTuning {
  leaseMs: number;
  /** Base of the exponential backoff between attempts of a transient failure. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Between polls of a condition ("mailbox provisioned") when the action names no interval. */
  pollMs: number;
  /** The longest gap between polls of a condition, however long it has been waited for. */
  pollCapMs: number;
  /** How long a worker with nothing to claim sleeps before looking again, unless woken. */
  idleMs: number;
}

export const defaultTuning: EngineTuning = {
  leaseMs: 30_000,
  backoffBaseMs: 1_000,
  backoffCapMs: 5 * 60_000,
  pollMs: 5_000,
  pollCapMs: 60_000,
  idleMs: 1_000,
};

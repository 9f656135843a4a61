import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import type { VendorCall } from "../domain/outcome.ts";

export type { VendorCall };

/** What a step lends the code running on its behalf: where its vendor calls go, and when to give up. */
export interface StepScope {
  calls: VendorCall[];
  /** Aborted when the step's lease is lost (or the worker stops): its calls should stop too. */
  signal?: AbortSignal;
  /**
   * The step is urgent (a lock-out): its calls must not wait for others' (a coalesced batch answers when
   * its slowest item does).
   */
  urgent?: boolean;
}

const current = new AsyncLocalStorage<StepScope>();

/**
 * Connector instances are shared by every step of a client, so the step is found from the async context,
 * not passed down through the capability interfaces: whoever runs a step runs it inside its scope.
 */
export function runInStepScope<T>(scope: StepScope, fn: () => Promise<T>): Promise<T> {
  return current.run(scope, fn);
}

export function recordVendorCall(call: Omit<VendorCall, "at">): void {
  current.getStore()?.calls.push({ ...call, at: new Date().toISOString() });
}

/** The signal of the step this code runs for; undefined outside a step (the planner, tests, the CLI). */
export function stepSignal(): AbortSignal | undefined {
  return current.getStore()?.signal;
}

/** Whether the step this code runs for is urgent; false outside a step. */
export function stepIsUrgent(): boolean {
  return current.getStore()?.urgent ?? false;
}

/**
 * Runs work that several steps share (a token request, a batch) outside whichever step happened to start
 * it: neither that step's signal nor its record reaches the work, so one step losing its lease does not
 * end it for the others waiting on it.
 */
export function outsideStepScope<T>(fn: () => T): T {
  return current.exit(fn);
}

/** `fn`, run later from anywhere (a shared timer), still runs as the step that made it. */
export function boundToStep<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return AsyncResource.bind(fn);
}

import { z } from "zod";
import { parseInput } from "./admin.ts";
import type { TokenBuckets } from "./buckets.ts";

/** A throttle storm as the admin surfaces take it: every request 429 for `durationMs`. */
const stormInput = z.strictObject({
  durationMs: z.number().positive(),
  /** The Retry-After the 429s carry; the storm's time left when absent. */
  retryAfterSeconds: z.number().positive().optional(),
});
export type StormInput = z.input<typeof stormInput>;

/** Starts a storm on `scope` from an admin request's body, checked (a bad one is the admin's 400). */
export function startStormFrom(buckets: TokenBuckets, scope: string, nowMs: number, input: unknown): void {
  const s = parseInput(stormInput, input);
  buckets.startStorm(
    scope,
    nowMs + s.durationMs,
    s.retryAfterSeconds !== undefined ? s.retryAfterSeconds * 1000 : undefined,
  );
}

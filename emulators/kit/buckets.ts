/**
 * Token buckets keyed by whatever a vendor budgets on (api, tenant, app, mailbox …), each refilling
 * continuously over its window. A scope (usually the tenant) can be drained, forgotten, or put under a
 * storm that refuses everything for a while. Bucket names and budgets belong to the vendor.
 */

export interface Bucket {
  capacity: number;
  tokens: number;
  perMs: number;
  updatedAt: number;
}

/** One bucket a request spends from: created full (or from the scope's drain) on first use. */
export interface Spend<Reason extends string = string> {
  key: string;
  capacity: number;
  windowMs: number;
  cost: number;
  /** Why a refusal happened, as the vendor names it (Graph's x-ms-throttle-information). */
  reason: Reason;
}

export type SpendOutcome<Reason extends string = string> =
  { ok: true; buckets: Bucket[] } | { ok: false; retryAfterMs: number; reason: Reason; storm: boolean };

export class TokenBuckets {
  private readonly buckets = new Map<string, { scope: string; bucket: Bucket }>();
  private readonly storms = new Map<string, { until: number; retryAfterMs: number | undefined }>();
  private readonly drainedAt = new Map<string, number>();

  /** Spends from every bucket or from none: a refusal names the first bucket that was short. */
  spend<Reason extends string>(
    scope: string,
    now: number,
    spends: readonly Spend<Reason>[],
    stormReason: Reason,
  ): SpendOutcome<Reason> {
    const storm = this.storms.get(scope);
    if (storm && storm.until > now) {
      return {
        ok: false,
        retryAfterMs: storm.retryAfterMs ?? storm.until - now,
        reason: stormReason,
        storm: true,
      };
    }
    const taken = spends.map((s) => ({ spend: s, bucket: this.bucket(scope, s, now) }));
    for (const t of taken) refill(t.bucket, now);
    const short = taken.find((t) => t.bucket.tokens < t.spend.cost);
    if (short) {
      const wait = (short.spend.cost - short.bucket.tokens) / short.bucket.perMs;
      return { ok: false, retryAfterMs: wait, reason: short.spend.reason, storm: false };
    }
    for (const t of taken) t.bucket.tokens -= t.spend.cost;
    return { ok: true, buckets: taken.map((t) => t.bucket) };
  }

  /** Empties every bucket of the scope; they refill at their normal rate from now. */
  exhaust(scope: string, now: number): void {
    this.drainedAt.set(scope, now);
    for (const entry of this.buckets.values()) {
      if (entry.scope !== scope) continue;
      entry.bucket.tokens = 0;
      entry.bucket.updatedAt = now;
    }
  }

  /** Forgets the scope's buckets and drain, e.g. after its budget changed. */
  forget(scope: string): void {
    for (const [key, entry] of [...this.buckets]) if (entry.scope === scope) this.buckets.delete(key);
    this.drainedAt.delete(scope);
  }

  startStorm(scope: string, until: number, retryAfterMs?: number): void {
    this.storms.set(scope, { until, retryAfterMs });
  }

  stopStorm(scope: string): void {
    this.storms.delete(scope);
  }

  reset(): void {
    this.buckets.clear();
    this.storms.clear();
    this.drainedAt.clear();
  }

  private bucket(scope: string, spend: Spend, now: number): Bucket {
    const key = `${scope}|${spend.key}`;
    const existing = this.buckets.get(key)?.bucket;
    if (existing && existing.capacity === spend.capacity) return existing;
    const perMs = spend.capacity / spend.windowMs;
    const drained = this.drainedAt.get(scope);
    const tokens = drained === undefined ? spend.capacity : Math.min(spend.capacity, (now - drained) * perMs);
    const bucket = { capacity: spend.capacity, tokens, perMs, updatedAt: now };
    this.buckets.set(key, { scope, bucket });
    return bucket;
  }
}

function refill(bucket: Bucket, now: number): void {
  const elapsed = Math.max(0, now - bucket.updatedAt);
  bucket.tokens = Math.min(bucket.capacity, bucket.tokens + elapsed * bucket.perMs);
  bucket.updatedAt = now;
}

/** Seconds, fractional when needed ("2.128"), never zero: a zero tells a client to retry at once. */
export function formatRetryAfter(ms: number): string {
  const seconds = Math.max(0.001, Math.ceil(ms) / 1000);
  return Number.isInteger(seconds) ? String(seconds) : String(Number(seconds.toFixed(3)));
}

import type { RateLimit, Settings } from "./settings.ts";

/**
 * Datto's budget is a rolling window, not a bucket (reference §5): a request counts for exactly 60 s after
 * it was answered, and past the limit every request is refused "until the count falls below 600 in the
 * last 60 seconds". Refused requests do not count, or the window would never clear. Kept as the times of
 * the requests answered; a few hundred numbers at most.
 */
export type Admission = { ok: true; slow: boolean } | { ok: false; status: 429 | 403; retryAfterMs: number };

export class RateWindow {
  private all: number[] = [];
  private writes: number[] = [];
  private refusedInARow = 0;
  private readonly blocked = new Map<string, number>();

  admit(now: number, write: boolean, address: string, settings: Settings): Admission {
    const limit = settings.rateLimit;
    this.prune(now, limit.windowMs);
    const until = this.blocked.get(address);
    if (until !== undefined && until > now) return { ok: false, status: 403, retryAfterMs: until - now };
    if (until !== undefined) this.blocked.delete(address);
    const full = this.all.length >= limit.requests;
    const writesFull = write && this.writes.length >= limit.writes;
    if (full || writesFull) {
      this.refusedInARow += 1;
      const block = settings.ipBlock;
      if (block && this.refusedInARow >= block.afterRefusals) {
        this.refusedInARow = 0;
        this.blocked.set(address, now + block.durationMs);
        return { ok: false, status: 403, retryAfterMs: block.durationMs };
      }
      // Room comes back when the oldest request that fills the window turns 60 s old.
      const oldest = Math.min(
        full ? (this.all[this.all.length - limit.requests] ?? now) : Infinity,
        writesFull ? (this.writes[this.writes.length - limit.writes] ?? now) : Infinity,
      );
      return { ok: false, status: 429, retryAfterMs: Math.max(1, oldest + limit.windowMs - now) };
    }
    this.refusedInARow = 0;
    this.all.push(now);
    if (write) this.writes.push(now);
    return { ok: true, slow: this.all.length > limit.requests * limit.slowdownRatio };
  }

  /** What GET /v2/system/request_rate reports: the requests in the window now. */
  count(now: number, windowMs: number): number {
    this.prune(now, windowMs);
    return this.all.length;
  }

  /** Fills the window as if `requests` had just been answered; it clears `windowMs` later. */
  exhaust(now: number, limit: RateLimit): void {
    this.all = Array.from({ length: limit.requests }, () => now);
    this.writes = Array.from({ length: limit.writes }, () => now);
  }

  block(address: string, until: number): void {
    this.blocked.set(address, until);
  }

  reset(): void {
    this.all = [];
    this.writes = [];
    this.refusedInARow = 0;
    this.blocked.clear();
  }

  private prune(now: number, windowMs: number): void {
    const cutoff = now - windowMs;
    while (this.all.length && this.all[0]! <= cutoff) this.all.shift();
    while (this.writes.length && this.writes[0]! <= cutoff) this.writes.shift();
  }
}

/**
 * Emulator time. Delays (replication lag, provisioning, token expiry, bucket refill) compare against
 * this clock, so a test can jump ahead with `advance` instead of sleeping. Latency and hangs use real
 * timers: they exist to be felt by the client.
 */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`clock can only move forward, got ${ms}`);
    this.offsetMs += ms;
  }

  /** How far emulator time runs ahead of the wall clock; a snapshot keeps it across restarts. */
  get offset(): number {
    return this.offsetMs;
  }

  set offset(ms: number) {
    this.offsetMs = Math.max(0, ms);
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

export function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

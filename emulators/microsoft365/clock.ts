/**
 * Emulator time. Delays (replication lag, mailbox provisioning, conversions, token expiry, throttle
 * refill) compare against this clock, so a test can jump ahead with `advance` instead of sleeping.
 * Latency and hangs use real timers: they exist to be felt by the client.
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

  reset(): void {
    this.offsetMs = 0;
  }
}

/** Graph's innerError date: UTC, seconds precision, no zone suffix ("2022-02-14T13:27:37"). */
export function graphDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Entity timestamps: UTC with a Z and no fractional seconds, as the directory returns them. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

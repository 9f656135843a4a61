/**
 * Retry-After is seconds (Graph sends fractions, e.g. "2.128") or an HTTP date; absent or unreadable means
 * "use your own backoff".
 */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  // Date.parse reads "-5" as a year: an HTTP date always names its day or month in letters.
  if (!/[A-Za-z]/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * Exponential backoff with jitter: without a Retry-After, callers refused together must not all come back
 * at the same instant and be refused together again.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs = 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** attempt) * (0.5 + Math.random() / 2);
}

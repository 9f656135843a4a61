import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local HTTP service that stands in for a vendor API in engine tests: it counts every side effect by
 * idempotency key (duplicates are never merged, so a double apply shows), measures concurrency per tenant,
 * and can answer 429 with Retry-After and record whether a retry came too early.
 */
export interface CountingService {
  url: string;
  /** Times each key was applied (POSTed). */
  counts(): Map<string, number>;
  maxConcurrent(tenant: string): number;
  /** The applies in flight when a tenant's maximum was reached: what to look at when a limit broke. */
  peakOverlap(tenant: string): string[];
  earlyRetries(): string[];
  throttled(): number;
  configure(c: Partial<ServiceConfig>): void;
  close(): Promise<void>;
}

export interface ServiceConfig {
  /** How long an apply takes, ms. */
  applyMs: number;
  /** Fraction (0–1) of first applies per key answered 429. */
  throttleRate: number;
  retryAfterMs: number;
  /** Fraction of applies answered 500 (transient). */
  failRate: number;
  /** Keys that always fail 400 (a non-retryable failure). */
  rejectKeys: Set<string>;
}

export async function startCountingService(initial: Partial<ServiceConfig> = {}): Promise<CountingService> {
  const config: ServiceConfig = {
    applyMs: 0,
    throttleRate: 0,
    retryAfterMs: 300,
    failRate: 0,
    rejectKeys: new Set(),
    ...initial,
  };
  const counts = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const maxSeen = new Map<string, number>();
  const notBefore = new Map<string, number>();
  const early: string[] = [];
  let throttledCount = 0;
  const current = new Set<string>();
  const overlaps = new Map<string, string[]>();

  const body = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    let text = "";
    for await (const chunk of req) text += String(chunk);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  const server: Server = createServer((req, res) => {
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "GET" && url.pathname === "/effects") {
      const key = url.searchParams.get("key") ?? "";
      return send(200, { exists: (counts.get(key) ?? 0) > 0 });
    }
    if (req.method === "POST" && url.pathname === "/effects") {
      void body(req).then(async (b) => {
        const key = String(b.key);
        const tenant = String(b.tenant ?? "default");
        const now = Date.now();
        const nb = notBefore.get(key);
        if (nb !== undefined && now < nb) early.push(`${key} came ${nb - now} ms early`);
        if (config.rejectKeys.has(key)) return send(400, { error: "rejected by test" });
        if (nb === undefined && Math.random() < config.throttleRate) {
          notBefore.set(key, now + config.retryAfterMs);
          throttledCount++;
          return send(429, { error: "throttled" }, { "retry-after": String(config.retryAfterMs / 1000) });
        }
        if (Math.random() < config.failRate) return send(503, { error: "try later" });
        const n = (inFlight.get(tenant) ?? 0) + 1;
        inFlight.set(tenant, n);
        current.add(`${tenant}|${key}|${now}`);
        if (n > (maxSeen.get(tenant) ?? 0))
          overlaps.set(
            tenant,
            [...current].filter((c) => c.startsWith(`${tenant}|`)),
          );
        maxSeen.set(tenant, Math.max(maxSeen.get(tenant) ?? 0, n));
        if (config.applyMs) await new Promise((r) => setTimeout(r, config.applyMs));
        counts.set(key, (counts.get(key) ?? 0) + 1);
        current.delete(`${tenant}|${key}|${now}`);
        inFlight.set(tenant, (inFlight.get(tenant) ?? 1) - 1);
        send(201, { applied: key });
      });
      return;
    }
    send(404, { error: "no route" });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => new Map(counts),
    maxConcurrent: (tenant) => maxSeen.get(tenant) ?? 0,
    peakOverlap: (tenant) => overlaps.get(tenant) ?? [],
    earlyRetries: () => [...early],
    throttled: () => throttledCount,
    configure: (c) => Object.assign(config, c),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

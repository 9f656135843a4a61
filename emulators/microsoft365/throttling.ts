/**
 * Token buckets per tenant and app, with the service's published budgets (reference §0.4) as
 * defaults. Identity (users, groups, licences) spends resource units by route cost and, for writes,
 * also a write unit; Outlook spends one request per app and mailbox; Intune and the Exchange admin
 * API one request per app and tenant. A "storm" refuses everything for a tenant for a while.
 */

export type BucketKind = "identity" | "outlook" | "intune" | "exchange";

export interface ThrottleBudget {
  identity: {
    /** "auto" sizes by the tenant's users: S 3,500, M 5,000, L 8,000 per window. */
    resourceUnits: number | "auto";
    windowMs: number;
    writes: number;
    writeWindowMs: number;
  };
  outlook: { requests: number; windowMs: number };
  intune: { requests: number; writes: number; windowMs: number };
  exchange: { requests: number; windowMs: number };
}

export type ThrottleBudgetInput = { [K in keyof ThrottleBudget]?: Partial<ThrottleBudget[K]> };

export const defaultBudget: ThrottleBudget = {
  identity: { resourceUnits: "auto", windowMs: 10_000, writes: 3_000, writeWindowMs: 150_000 },
  outlook: { requests: 10_000, windowMs: 600_000 },
  intune: { requests: 2_000, writes: 200, windowMs: 20_000 },
  exchange: { requests: 30_000, windowMs: 3_600_000 },
};

const sizeUnits = { S: 3_500, M: 5_000, L: 8_000 } as const;

interface Bucket {
  capacity: number;
  tokens: number;
  perMs: number;
  updatedAt: number;
}

export interface ThrottleRequest {
  kind: BucketKind;
  tenantId: string;
  tenantSize: "S" | "M" | "L";
  appId: string;
  cost: number;
  write: boolean;
  /** Outlook budgets are per mailbox as well as per app. */
  mailboxId?: string;
  now: number;
}

export type ThrottleOutcome =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; retryAfterMs: number; headers: Record<string, string> };

export class Throttler {
  private readonly buckets = new Map<string, Bucket>();
  private readonly budgets = new Map<string, ThrottleBudget>();
  private readonly storms = new Map<string, { until: number; retryAfterMs: number | undefined }>();
  private readonly drainedAt = new Map<string, number>();

  budgetFor(tenantId: string): ThrottleBudget {
    return this.budgets.get(tenantId) ?? defaultBudget;
  }

  setBudget(tenantId: string, input: ThrottleBudgetInput): ThrottleBudget {
    const current = this.budgetFor(tenantId);
    const next: ThrottleBudget = {
      identity: { ...current.identity, ...input.identity },
      outlook: { ...current.outlook, ...input.outlook },
      intune: { ...current.intune, ...input.intune },
      exchange: { ...current.exchange, ...input.exchange },
    };
    this.budgets.set(tenantId, next);
    this.dropBuckets(tenantId);
    this.drainedAt.delete(tenantId);
    return next;
  }

  /** Empties every bucket of the tenant; they refill at their normal rate from now. */
  exhaust(tenantId: string, now: number): void {
    this.drainedAt.set(tenantId, now);
    for (const [key, bucket] of this.buckets) {
      if (key.split("|")[1] === tenantId) {
        bucket.tokens = 0;
        bucket.updatedAt = now;
      }
    }
  }

  startStorm(tenantId: string, until: number, retryAfterMs?: number): void {
    this.storms.set(tenantId, { until, retryAfterMs });
  }

  stopStorm(tenantId: string): void {
    this.storms.delete(tenantId);
  }

  reset(): void {
    this.buckets.clear();
    this.budgets.clear();
    this.storms.clear();
    this.drainedAt.clear();
  }

  check(req: ThrottleRequest): ThrottleOutcome {
    const storm = this.storms.get(req.tenantId);
    if (storm && storm.until > req.now) {
      const wait = storm.retryAfterMs ?? storm.until - req.now;
      return {
        ok: false,
        retryAfterMs: wait,
        headers: this.refusalHeaders(req, "ResourceUnitLimitExceeded"),
      };
    }
    const budget = this.budgetFor(req.tenantId);
    const spend: { bucket: Bucket; cost: number; information: string }[] = [];
    const base = `${req.kind}|${req.tenantId}|${req.appId}`;
    if (req.kind === "identity") {
      const units =
        budget.identity.resourceUnits === "auto" ? sizeUnits[req.tenantSize] : budget.identity.resourceUnits;
      spend.push({
        bucket: this.bucket(`${base}|ru`, units, budget.identity.windowMs, req),
        cost: req.cost,
        information: "ResourceUnitLimitExceeded",
      });
      if (req.write) {
        const writes = this.bucket(`${base}|w`, budget.identity.writes, budget.identity.writeWindowMs, req);
        spend.push({ bucket: writes, cost: 1, information: "WriteLimitExceeded" });
      }
    } else if (req.kind === "outlook") {
      const key = `${base}|${req.mailboxId ?? "-"}`;
      spend.push({
        bucket: this.bucket(key, budget.outlook.requests, budget.outlook.windowMs, req),
        cost: 1,
        information: "RequestLimitExceeded",
      });
    } else if (req.kind === "intune") {
      spend.push({
        bucket: this.bucket(`${base}|r`, budget.intune.requests, budget.intune.windowMs, req),
        cost: 1,
        information: "RequestLimitExceeded",
      });
      if (req.write) {
        spend.push({
          bucket: this.bucket(`${base}|w`, budget.intune.writes, budget.intune.windowMs, req),
          cost: 1,
          information: "WriteLimitExceeded",
        });
      }
    } else {
      spend.push({
        bucket: this.bucket(base, budget.exchange.requests, budget.exchange.windowMs, req),
        cost: 1,
        information: "RequestLimitExceeded",
      });
    }
    for (const s of spend) refill(s.bucket, req.now);
    const short = spend.find((s) => s.bucket.tokens < s.cost);
    if (short) {
      const wait = (short.cost - short.bucket.tokens) / short.bucket.perMs;
      return { ok: false, retryAfterMs: wait, headers: this.refusalHeaders(req, short.information) };
    }
    for (const s of spend) s.bucket.tokens -= s.cost;
    return { ok: true, headers: this.successHeaders(req, spend[0]?.bucket) };
  }

  private bucket(key: string, capacity: number, windowMs: number, req: ThrottleRequest): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.capacity !== capacity) {
      const perMs = capacity / windowMs;
      const drained = this.drainedAt.get(req.tenantId);
      const tokens = drained === undefined ? capacity : Math.min(capacity, (req.now - drained) * perMs);
      bucket = { capacity, tokens, perMs, updatedAt: req.now };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private dropBuckets(tenantId: string): void {
    for (const key of [...this.buckets.keys()]) if (key.split("|")[1] === tenantId) this.buckets.delete(key);
  }

  private successHeaders(req: ThrottleRequest, bucket: Bucket | undefined): Record<string, string> {
    if (!bucket) return {};
    if (req.kind === "exchange") {
      const resetMs = req.now + (bucket.capacity - bucket.tokens) / bucket.perMs;
      return {
        "Rate-Limit-Limit": String(bucket.capacity),
        "Rate-Limit-Remaining": String(Math.floor(bucket.tokens)),
        "Rate-Limit-Reset": new Date(resetMs).toISOString(),
      };
    }
    const headers: Record<string, string> = {};
    if (req.kind === "identity") headers["x-ms-resource-unit"] = String(req.cost);
    const used = 1 - bucket.tokens / bucket.capacity;
    if (used > 0.8) headers["x-ms-throttle-limit-percentage"] = used.toFixed(1);
    return headers;
  }

  private refusalHeaders(req: ThrottleRequest, information: string): Record<string, string> {
    if (req.kind === "exchange") return {};
    const scope =
      req.kind === "identity"
        ? `Tenant_Application/ReadWrite/${req.appId}/${req.tenantId}`
        : req.kind === "outlook"
          ? `Application_Mailbox/${req.appId}/${req.mailboxId ?? ""}`
          : `Tenant_Application/Intune/${req.appId}/${req.tenantId}`;
    return { "x-ms-throttle-scope": scope, "x-ms-throttle-information": information };
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

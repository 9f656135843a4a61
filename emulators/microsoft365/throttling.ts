import { TokenBuckets, type Bucket, type Spend } from "../kit/buckets.ts";

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

type Information = "ResourceUnitLimitExceeded" | "WriteLimitExceeded" | "RequestLimitExceeded";

/** Graph's and Exchange's budgets over the kit's buckets, scoped by tenant, with the service's headers. */
export class Throttler {
  private readonly buckets = new TokenBuckets();
  private readonly budgets = new Map<string, ThrottleBudget>();

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
    this.buckets.forget(tenantId);
    return next;
  }

  /** Empties every bucket of the tenant; they refill at their normal rate from now. */
  exhaust(tenantId: string, now: number): void {
    this.buckets.exhaust(tenantId, now);
  }

  startStorm(tenantId: string, until: number, retryAfterMs?: number): void {
    this.buckets.startStorm(tenantId, until, retryAfterMs);
  }

  stopStorm(tenantId: string): void {
    this.buckets.stopStorm(tenantId);
  }

  reset(): void {
    this.buckets.reset();
    this.budgets.clear();
  }

  check(req: ThrottleRequest): ThrottleOutcome {
    const outcome = this.buckets.spend(req.tenantId, req.now, this.spends(req), "ResourceUnitLimitExceeded");
    if (!outcome.ok)
      return { ok: false, retryAfterMs: outcome.retryAfterMs, headers: refusalHeaders(req, outcome.reason) };
    return { ok: true, headers: successHeaders(req, outcome.buckets[0]) };
  }

  private spends(req: ThrottleRequest): Spend<Information>[] {
    const budget = this.budgetFor(req.tenantId);
    const base = `${req.kind}|${req.appId}`;
    if (req.kind === "identity") {
      const units =
        budget.identity.resourceUnits === "auto" ? sizeUnits[req.tenantSize] : budget.identity.resourceUnits;
      const ru: Spend<Information> = {
        key: `${base}|ru`,
        capacity: units,
        windowMs: budget.identity.windowMs,
        cost: req.cost,
        reason: "ResourceUnitLimitExceeded",
      };
      if (!req.write) return [ru];
      const w = budget.identity;
      return [
        ru,
        {
          key: `${base}|w`,
          capacity: w.writes,
          windowMs: w.writeWindowMs,
          cost: 1,
          reason: "WriteLimitExceeded",
        },
      ];
    }
    if (req.kind === "outlook") {
      const o = budget.outlook;
      const key = `${base}|${req.mailboxId ?? "-"}`;
      return [{ key, capacity: o.requests, windowMs: o.windowMs, cost: 1, reason: "RequestLimitExceeded" }];
    }
    if (req.kind === "intune") {
      const i = budget.intune;
      const reads: Spend<Information> = {
        key: `${base}|r`,
        capacity: i.requests,
        windowMs: i.windowMs,
        cost: 1,
        reason: "RequestLimitExceeded",
      };
      if (!req.write) return [reads];
      return [
        reads,
        { key: `${base}|w`, capacity: i.writes, windowMs: i.windowMs, cost: 1, reason: "WriteLimitExceeded" },
      ];
    }
    const e = budget.exchange;
    return [
      { key: base, capacity: e.requests, windowMs: e.windowMs, cost: 1, reason: "RequestLimitExceeded" },
    ];
  }
}

function successHeaders(req: ThrottleRequest, bucket: Bucket | undefined): Record<string, string> {
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

function refusalHeaders(req: ThrottleRequest, information: string): Record<string, string> {
  if (req.kind === "exchange") return {};
  const scope =
    req.kind === "identity"
      ? `Tenant_Application/ReadWrite/${req.appId}/${req.tenantId}`
      : req.kind === "outlook"
        ? `Application_Mailbox/${req.appId}/${req.mailboxId ?? ""}`
        : `Tenant_Application/Intune/${req.appId}/${req.tenantId}`;
  return { "x-ms-throttle-scope": scope, "x-ms-throttle-information": information };
}

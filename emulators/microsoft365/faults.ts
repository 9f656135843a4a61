import { randomUUID } from "node:crypto";

/**
 * Injected failures, consumed first come first served: the next `count` requests that match answer
 * with a 5xx, lose their connection, or hang past any sane client timeout. Admin routes never match.
 */

export type FaultKind =
  | { kind: "status"; status: 500 | 502 | 503 | 504; retryAfterSeconds?: number }
  | { kind: "reset" }
  | { kind: "hang"; hangMs?: number };

export type FaultInput = FaultKind & {
  count?: number;
  /** A regular expression (source) tested against the path and query, e.g. "/users/.+/assignLicense". */
  pathPattern?: string;
  method?: string;
  /** Tenant id or domain, matched against the token's tenant or the tenant in the path. */
  tenant?: string;
};

export type FaultRule = FaultKind & {
  id: string;
  remaining: number;
  pathPattern: string | undefined;
  method: string | undefined;
  tenantId: string | undefined;
};

export interface FaultProbe {
  method: string;
  url: string;
  tenantId: string | undefined;
  /** Batch items travel inside another request: losing or hanging their connection means nothing. */
  insideBatch: boolean;
}

export class Faults {
  private rules: FaultRule[] = [];

  add(input: FaultInput, tenantId: string | undefined): FaultRule {
    if (input.pathPattern !== undefined) new RegExp(input.pathPattern);
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`fault count must be a positive integer, got ${count}`);
    const base = {
      id: randomUUID(),
      remaining: count,
      pathPattern: input.pathPattern,
      method: input.method?.toUpperCase(),
      tenantId,
    };
    const rule: FaultRule =
      input.kind === "status"
        ? {
            ...base,
            kind: "status",
            status: input.status,
            ...(input.retryAfterSeconds !== undefined ? { retryAfterSeconds: input.retryAfterSeconds } : {}),
          }
        : input.kind === "reset"
          ? { ...base, kind: "reset" }
          : { ...base, kind: "hang", ...(input.hangMs !== undefined ? { hangMs: input.hangMs } : {}) };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Consumes and returns the first rule that matches, if any. */
  take(probe: FaultProbe): FaultRule | undefined {
    const rule = this.rules.find((r) => matches(r, probe));
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule;
  }
}

function matches(rule: FaultRule, probe: FaultProbe): boolean {
  if (probe.insideBatch && rule.kind !== "status") return false;
  if (rule.method && rule.method !== probe.method.toUpperCase()) return false;
  if (rule.tenantId && rule.tenantId !== probe.tenantId) return false;
  if (rule.pathPattern && !new RegExp(rule.pathPattern).test(probe.url)) return false;
  return true;
}

/** Bodies for injected statuses, in Graph's error shape. Unconfirmed texts: the service varies them. */
export const faultBodies: Record<500 | 502 | 503 | 504, { code: string; message: string }> = {
  500: { code: "InternalServerError", message: "An internal server error occurred." },
  502: { code: "BadGateway", message: "The server received an invalid response from an upstream server." },
  503: { code: "ServiceUnavailable", message: "Service is unavailable. Please try again later." },
  504: {
    code: "GatewayTimeout",
    message: "The gateway did not receive a response from the upstream server in time.",
  },
};

export const defaultHangMs = 5 * 60_000;

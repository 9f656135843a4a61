import { randomUUID } from "node:crypto";
import { z } from "zod";

/**
 * Injected failures, consumed first come first served: the next `count` requests that match answer
 * with any status (a 429 with or without Retry-After, a 5xx), lose their connection, hang past any sane
 * client timeout, or answer normally but late. Admin routes never match. The vendor renders a status
 * fault in its own error envelope.
 */

const positive = z.number().positive();

const faultCommon = {
  count: z.number().int().min(1).default(1),
  /** A regular expression (source) tested against the path and query, e.g. "/users/.+/assignLicense". */
  pathPattern: z.string().optional(),
  method: z.string().optional(),
  /** Tenant id or domain (resolved by the vendor), matched against the tenant a request names. */
  tenant: z.string().optional(),
};

/**
 * The admin's fault schema for a vendor. `statuses` are those the vendor renders in its own envelope
 * (any 4xx/5xx the vendor declares; a status it cannot render verbatim is refused rather than invented).
 */
export function faultInputFor(statuses: readonly number[]) {
  return z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("status"),
      status: z
        .number()
        .int()
        .refine((s) => statuses.includes(s), { message: `status must be one of ${statuses.join(", ")}` }),
      /** Left out, the answer carries no Retry-After at all: a client must back off on its own. */
      retryAfterSeconds: z.number().min(0).optional(),
      ...faultCommon,
    }),
    z.object({ kind: z.literal("reset"), ...faultCommon }),
    z.object({ kind: z.literal("hang"), hangMs: positive.optional(), ...faultCommon }),
    z.object({ kind: z.literal("slow"), delayMs: positive, ...faultCommon }),
  ]);
}

type FaultSchema = ReturnType<typeof faultInputFor>;
export type FaultSeed = z.input<FaultSchema>;
export type FaultParsed = z.output<FaultSchema>;

export type FaultKind =
  | { kind: "status"; status: number; retryAfterSeconds?: number }
  | { kind: "reset" }
  | { kind: "hang"; hangMs?: number }
  | { kind: "slow"; delayMs: number };

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
  /** Requests replayed in-process (batch items) have no connection of their own to lose or hang. */
  insideBatch: boolean;
}

export const defaultHangMs = 5 * 60_000;

export class Faults {
  private rules: FaultRule[] = [];

  add(input: FaultParsed, tenantId: string | undefined): FaultRule {
    if (input.pathPattern !== undefined) new RegExp(input.pathPattern);
    const base = {
      id: randomUUID(),
      remaining: input.count,
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
          : input.kind === "hang"
            ? { ...base, kind: "hang", ...(input.hangMs !== undefined ? { hangMs: input.hangMs } : {}) }
            : { ...base, kind: "slow", delayMs: input.delayMs };
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
  if (probe.insideBatch && rule.kind !== "status" && rule.kind !== "slow") return false;
  if (rule.method && rule.method !== probe.method.toUpperCase()) return false;
  if (rule.tenantId && rule.tenantId !== probe.tenantId) return false;
  if (rule.pathPattern && !new RegExp(rule.pathPattern).test(probe.url)) return false;
  return true;
}

/** How a fault shows in the call log: its status, or its kind. */
export function faultLabel(rule: FaultRule): string {
  return rule.kind === "status" ? String(rule.status) : rule.kind;
}

import { randomUUID } from "node:crypto";
import { TokenBuckets } from "../kit/buckets.ts";
import { CallLog, type CallRecord } from "../kit/calls.ts";
import { Clock } from "../kit/clock.ts";
import { Faults } from "../kit/faults.ts";
import type { KitState } from "../kit/pipeline.ts";
import { emptyDatabase, type Database } from "./model.ts";
import { defaultSettings, type ProfileName, type Settings } from "./settings.ts";

export type Api = "zone" | "rest";
/** What the call log keeps beside the kit's fields: the integration code, and bodies both ways (secrets redacted). */
export interface Extra {
  integrationCode: string | undefined;
  requestBody: unknown;
  requestHeaders: Record<string, string>;
  /** The answer's JSON as sent (or its text), so contract tests check what the emulator said. */
  responseBody: unknown;
}
export type AutotaskCall = CallRecord<Api> & Extra;

export interface AutotaskContext extends KitState<Api, Extra> {
  db: Database;
  settings: Settings;
  /** The hourly threshold, one bucket per database. */
  buckets: TokenBuckets;
  /** Requests in flight per integration code and endpoint (the thread limit). */
  inFlight: Map<string, number>;
}

export const databaseScope = "database";

export function createContext(profile: ProfileName): AutotaskContext {
  return {
    clock: new Clock(),
    faults: new Faults(),
    calls: new CallLog<AutotaskCall>(),
    random: Math.random,
    requests: new WeakMap(),
    batchNonce: randomUUID(),
    db: emptyDatabase(),
    settings: defaultSettings(profile),
    buckets: new TokenBuckets(),
    inFlight: new Map(),
  };
}

export const hourMs = 3_600_000;

/** Spends one request of the hour (or `cost`); `ok: false` when the database is suspended. */
export function spendThreshold(ctx: AutotaskContext, cost = 1): { ok: boolean; used: number } {
  const capacity = ctx.settings.hourlyThreshold;
  const outcome = ctx.buckets.spend(
    databaseScope,
    ctx.clock.now(),
    [{ key: "hour", capacity, windowMs: hourMs, cost, reason: "threshold" }],
    "threshold",
  );
  const used = (bucket: { tokens: number }): number => Math.round(capacity - bucket.tokens);
  if (outcome.ok) return { ok: true, used: used(outcome.buckets[0]!) };
  return { ok: false, used: capacity };
}

/** Requests counted in the rolling hour, without spending one. */
export function thresholdUsed(ctx: AutotaskContext): number {
  return spendThreshold(ctx, 0).used;
}

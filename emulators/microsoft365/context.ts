import { randomBytes, randomUUID } from "node:crypto";
import { CallLog } from "./calls.ts";
import { Clock } from "./clock.ts";
import { Faults } from "./faults.ts";
import type { ProfileName } from "./latency.ts";
import { defaultSettings, type Settings } from "./settings.ts";
import { Store } from "./state.ts";
import { Throttler } from "./throttling.ts";

/** A partner user's refresh token (SAM), redeemable in any tenant that consented to the app. */
export interface RefreshGrant {
  clientId: string;
  userPrincipalName: string;
  issuedAt: number;
  expired: boolean;
}

/** Everything one emulator instance owns. Passed to every module; nothing lives at module level. */
export interface EmulatorContext {
  store: Store;
  settings: Settings;
  clock: Clock;
  throttler: Throttler;
  faults: Faults;
  calls: CallLog;
  signingKey: Buffer;
  refreshTokens: Map<string, RefreshGrant>;
  /** Marks $batch items replayed in-process, so they skip connection-level faults. */
  batchNonce: string;
  exoInFlight: Map<string, number>;
  random: () => number;
  requests: WeakMap<object, RequestInfo>;
}

/** What the pipeline learns about a request as it goes, for headers, errors and the call log. */
export interface RequestInfo {
  requestId: string;
  clientRequestId: string;
  startedAt: number;
  api: "graph" | "exchange" | "token" | "admin" | "other";
  tenantId: string | undefined;
  appId: string | undefined;
  cmdlet: string | undefined;
  insideBatch: boolean;
  fault: string | undefined;
}

export function createContext(profile: ProfileName): EmulatorContext {
  return {
    store: new Store(),
    settings: defaultSettings(profile),
    clock: new Clock(),
    throttler: new Throttler(),
    faults: new Faults(),
    calls: new CallLog(),
    signingKey: randomBytes(32),
    refreshTokens: new Map(),
    batchNonce: randomUUID(),
    exoInFlight: new Map(),
    random: Math.random,
    requests: new WeakMap(),
  };
}

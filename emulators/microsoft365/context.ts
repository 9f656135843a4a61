import { randomBytes, randomUUID } from "node:crypto";
import { CallLog, type CallQuery as KitCallQuery, type CallRecord as KitCallRecord } from "../kit/calls.ts";
import { Clock } from "../kit/clock.ts";
import { Faults } from "../kit/faults.ts";
import type { KitState, RequestInfo as KitRequestInfo } from "../kit/pipeline.ts";
import type { ProfileName } from "./latency.ts";
import { defaultSettings, type Settings } from "./settings.ts";
import { Store } from "./state.ts";
import { Throttler } from "./throttling.ts";

/** The APIs this emulator serves on its one port. */
export const apiNames = ["graph", "exchange", "token"] as const;
export type Api = (typeof apiNames)[number];

/** What the Microsoft emulator records beside the kit's fields: the Exchange cmdlet that ran. */
export interface CallExtra {
  cmdlet: string | undefined;
}

export type RequestInfo = KitRequestInfo<Api, CallExtra>;
export type CallRecord = KitCallRecord<Api> & CallExtra;
export type CallQuery = KitCallQuery<Api>;

/** A partner user's refresh token (SAM), redeemable in any tenant that consented to the app. */
export interface RefreshGrant {
  clientId: string;
  userPrincipalName: string;
  issuedAt: number;
  expired: boolean;
}

/** Everything one emulator instance owns. Passed to every module; nothing lives at module level. */
export interface EmulatorContext extends KitState<Api, CallExtra> {
  store: Store;
  settings: Settings;
  throttler: Throttler;
  signingKey: Buffer;
  refreshTokens: Map<string, RefreshGrant>;
  exoInFlight: Map<string, number>;
}

export function createContext(profile: ProfileName): EmulatorContext {
  return {
    store: new Store(),
    settings: defaultSettings(profile),
    clock: new Clock(),
    throttler: new Throttler(),
    faults: new Faults(),
    // One InvokeCommand URL carries every cmdlet: Exchange calls count by cmdlet.
    calls: new CallLog<CallRecord>((r) =>
      r.cmdlet ? `InvokeCommand ${r.cmdlet}` : `${r.method} ${r.route}`,
    ),
    signingKey: randomBytes(32),
    refreshTokens: new Map(),
    batchNonce: randomUUID(),
    exoInFlight: new Map(),
    random: Math.random,
    requests: new WeakMap(),
  };
}

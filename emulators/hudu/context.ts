import { randomUUID } from "node:crypto";
import { CallLog, type CallRecord } from "../kit/calls.ts";
import { Clock } from "../kit/clock.ts";
import { Faults } from "../kit/faults.ts";
import type { KitState, RequestInfo } from "../kit/pipeline.ts";
import { newInstance, type Instance } from "./model.ts";
import { defaultSettings, type ProfileName, type Settings } from "./settings.ts";

export const apiNames = ["api"] as const;
export type Api = (typeof apiNames)[number];

/**
 * What the call log keeps beside the kit's fields, for contract tests: what was sent and answered, with
 * every password entry's secret members replaced, and never the x-api-key header (only the key's name).
 */
export interface CallExtra {
  keyName?: string | undefined;
  requestBody?: unknown;
  responseBody?: unknown;
  retryAfter?: string | undefined;
}

export type CallRecordHudu = CallRecord<Api> & CallExtra;
export type Info = RequestInfo<Api, CallExtra>;

/** Rack::Attack-style fixed windows: which window is counting, and each client address's count in it. */
export interface ThrottleState {
  window: number;
  counts: Map<string, number>;
  /** The window the admin emptied: every address is over its budget until it ends. */
  exhausted: number | undefined;
}

export interface HuduContext extends KitState<Api, CallExtra> {
  settings: Settings;
  instance: Instance;
  throttle: ThrottleState;
}

export function createContext(profile: ProfileName): HuduContext {
  return {
    clock: new Clock(),
    faults: new Faults(),
    calls: new CallLog<CallRecordHudu>(),
    random: Math.random,
    requests: new WeakMap(),
    batchNonce: randomUUID(),
    settings: defaultSettings(profile),
    instance: newInstance(),
    throttle: { window: -1, counts: new Map(), exhausted: undefined },
  };
}

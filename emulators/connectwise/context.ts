import { randomUUID } from "node:crypto";
import { TokenBuckets } from "../kit/buckets.ts";
import { CallLog, type CallRecord } from "../kit/calls.ts";
import { Clock } from "../kit/clock.ts";
import { Faults } from "../kit/faults.ts";
import type { KitState, RequestInfo } from "../kit/pipeline.ts";
import type { Instance } from "./model.ts";
import { defaultSettings, type ProfileName, type Settings } from "./settings.ts";

export const apiNames = ["api", "login"] as const;
export type Api = (typeof apiNames)[number];

/** What the call log keeps beside the kit's fields: what was sent and answered, for contract tests. */
export interface CallExtra {
  /** The version the Accept header pinned (application/vnd.connectwise.com+json; version=…). */
  apiVersion?: string | undefined;
  accept?: string | undefined;
  requestBody?: unknown;
  responseBody?: unknown;
  link?: string | undefined;
  retryAfter?: string | undefined;
}

export type CallRecordCw = CallRecord<Api> & CallExtra;
export type Info = RequestInfo<Api, CallExtra>;

export interface CwContext extends KitState<Api, CallExtra> {
  settings: Settings;
  /** By login company, lower case. */
  instances: Map<string, Instance>;
  buckets: TokenBuckets;
}

export function createContext(profile: ProfileName): CwContext {
  return {
    clock: new Clock(),
    faults: new Faults(),
    calls: new CallLog<CallRecordCw>(),
    random: Math.random,
    requests: new WeakMap(),
    batchNonce: randomUUID(),
    settings: defaultSettings(profile),
    instances: new Map(),
    buckets: new TokenBuckets(),
  };
}

export function findInstance(ctx: CwContext, companyId: string): Instance | undefined {
  return ctx.instances.get(companyId.toLowerCase());
}

import { randomUUID } from "node:crypto";
import { CallLog, type CallRecord as KitCallRecord } from "../kit/calls.ts";
import { Clock } from "../kit/clock.ts";
import { Faults } from "../kit/faults.ts";
import type { KitState, RequestInfo as KitRequestInfo } from "../kit/pipeline.ts";
import { RateWindow } from "./rate-window.ts";
import { defaultSettings, type ProfileName, type Settings } from "./settings.ts";

export const apiNames = ["api", "token"] as const;
export type Api = (typeof apiNames)[number];

/**
 * What the call log keeps beside the kit's fields: the JSON sent and answered, and the Retry-After, so
 * contract tests can check both against the reference. Token requests keep neither (secrets).
 */
export interface CallExtra {
  requestBody: unknown;
  responseBody: unknown;
  retryAfter: string | undefined;
}

export type RequestInfo = KitRequestInfo<Api, CallExtra>;
export type CallRecord = KitCallRecord<Api> & CallExtra;

/** The 30 UDF names, udf1 … udf30. */
export const udfNames = Array.from({ length: 30 }, (_, i) => `udf${i + 1}`);

/** An API user's key pair; `sites` limits what it may see (Datto's security levels), all when absent. */
export interface ApiKeyRec {
  apiKey: string;
  apiSecret: string;
  username: string;
  sites: string[] | undefined;
}

export interface SiteRec {
  id: number;
  uid: string;
  name: string;
  description: string;
  notes: string;
  onDemand: boolean;
  autotaskCompanyName: string | null;
  autotaskCompanyId: string | null;
}

export type DeviceClass = "device" | "printer" | "esxihost" | "unknown";

/** A device as Datto keeps it, with what its audit reports (only class "device" has one). */
export interface DeviceRec {
  id: number;
  uid: string;
  siteUid: string;
  hostname: string;
  description: string;
  deviceClass: DeviceClass;
  /** deviceType: "Desktop", "Laptop", "Server", "Printer" … */
  category: string;
  operatingSystem: string;
  intIpAddress: string;
  extIpAddress: string;
  domain: string;
  lastLoggedInUser: string | null;
  online: boolean;
  lastSeen: string;
  creationDate: string;
  /** udf1 … udf30; null when empty. */
  udf: Record<string, string | null>;
  audit: { serialNumber: string | null; manufacturer: string; model: string };
}

/** A device filter: the devices it selects, by uid (the emulator does not evaluate filter criteria). */
export interface FilterRec {
  id: number;
  name: string;
  deviceUids: string[];
}

/** Everything that is Datto's data (what a snapshot keeps). */
export interface DattoData {
  account: { uid: string; name: string };
  apiKeys: Map<string, ApiKeyRec>;
  sites: Map<string, SiteRec>;
  devices: Map<string, DeviceRec>;
  filters: Map<number, FilterRec>;
  next: { site: number; device: number; filter: number };
}

export function emptyData(): DattoData {
  return {
    account: { uid: "emu1a2b3", name: "Emulated MSP" },
    apiKeys: new Map(),
    sites: new Map(),
    devices: new Map(),
    filters: new Map(),
    next: { site: 1, device: 1, filter: 1 },
  };
}

export interface DattoContext extends KitState<Api, CallExtra> {
  data: DattoData;
  settings: Settings;
  tokens: Map<string, { apiKey: string; expiresAt: number }>;
  rate: RateWindow;
}

export function createContext(profile: ProfileName): DattoContext {
  return {
    data: emptyData(),
    settings: defaultSettings(profile),
    tokens: new Map(),
    rate: new RateWindow(),
    clock: new Clock(),
    faults: new Faults(),
    calls: new CallLog<CallRecord>(),
    random: Math.random,
    requests: new WeakMap(),
    batchNonce: randomUUID(),
  };
}

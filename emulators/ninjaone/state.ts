import { randomUUID } from "node:crypto";
import { TokenBuckets } from "../kit/buckets.ts";
import { CallLog, type CallRecord as KitCallRecord } from "../kit/calls.ts";
import { Clock } from "../kit/clock.ts";
import { Faults } from "../kit/faults.ts";
import type { KitState, RequestInfo as KitRequestInfo } from "../kit/pipeline.ts";
import { defaultSettings, type ProfileName, type Settings } from "./settings.ts";

export const apiNames = ["api", "token"] as const;
export type Api = (typeof apiNames)[number];

/**
 * What this emulator records beside the kit's fields: the JSON a call sent and what it was answered, so
 * contract tests can validate both against NinjaOne's description. Token requests keep neither (secrets).
 */
export interface CallExtra {
  requestBody: unknown;
  responseBody: unknown;
}

export type RequestInfo = KitRequestInfo<Api, CallExtra>;
export type CallRecord = KitCallRecord<Api> & CallExtra;

/** The OAuth scopes an API client app may be granted (reference §4). */
export const scopes = ["monitoring", "management", "control"] as const;
export type Scope = (typeof scopes)[number];

export interface OrganizationRec {
  id: number;
  name: string;
  description: string;
}

export interface EndUserRec {
  id: number;
  uid: string;
  organizationId: number;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  enabled: boolean;
  fullPortalAccess: boolean;
  mustChangePw: boolean;
  invitationStatus: "REGISTERED" | "PENDING" | "EXPIRED";
  /** Whether the create asked NinjaOne to mail the portal invitation (sendInvitation=true). */
  invited: boolean;
}

export interface DeviceRec {
  id: number;
  uid: string;
  organizationId: number;
  locationId: number;
  nodeClass: string;
  displayName: string;
  systemName: string;
  dnsName: string;
  offline: boolean;
  /** Seconds since the epoch, as NinjaOne's timestamps are. */
  created: number;
  lastContact: number;
  assignedOwnerUid: string | null;
  system: {
    name: string;
    manufacturer: string;
    model: string;
    serialNumber: string;
    biosSerialNumber: string;
  };
  os: { name: string };
  lastLoggedInUser: string;
}

export interface AppRec {
  clientId: string;
  secret: string;
  name: string;
  /** What the app may be granted; a token request asking for more is refused with invalid_scope. */
  scopes: Scope[];
}

/** Everything that is NinjaOne's data (what a snapshot keeps). */
export interface NinjaData {
  organizations: Map<number, OrganizationRec>;
  endUsers: Map<number, EndUserRec>;
  devices: Map<number, DeviceRec>;
  apps: Map<string, AppRec>;
  /** The next id per entity. */
  next: { organization: number; endUser: number; device: number };
}

export function emptyData(): NinjaData {
  return {
    organizations: new Map(),
    endUsers: new Map(),
    devices: new Map(),
    apps: new Map(),
    next: { organization: 1, endUser: 1, device: 1 },
  };
}

export interface Grant {
  clientId: string;
  scopes: Scope[];
  expiresAt: number;
}

export interface NinjaContext extends KitState<Api, CallExtra> {
  data: NinjaData;
  settings: Settings;
  tokens: Map<string, Grant>;
  buckets: TokenBuckets;
}

export function createContext(profile: ProfileName): NinjaContext {
  return {
    data: emptyData(),
    settings: defaultSettings(profile),
    tokens: new Map(),
    buckets: new TokenBuckets(),
    clock: new Clock(),
    faults: new Faults(),
    calls: new CallLog<CallRecord>(),
    random: Math.random,
    requests: new WeakMap(),
    batchNonce: randomUUID(),
  };
}

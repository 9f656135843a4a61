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
 * contract tests can validate both against HaloPSA's description. Token requests keep neither (secrets).
 */
export interface CallExtra {
  requestBody: unknown;
  responseBody: unknown;
}

export type RequestInfo = KitRequestInfo<Api, CallExtra>;
export type CallRecord = KitCallRecord<Api> & CallExtra;

/** Halo's records, with the fields the emulator serves; the spec's names, snake_case as Halo sends them. */
export interface HaloClientRec {
  id: number;
  name: string;
  inactive: boolean;
}

export interface HaloSiteRec {
  id: number;
  client_id: number;
  name: string;
}

export interface HaloUserRec {
  id: number;
  name: string;
  firstname: string;
  surname: string;
  emailaddress: string;
  site_id: number;
  client_id: number;
  inactive: boolean;
  title: string;
  phonenumber: string;
}

export interface HaloTicketRec {
  id: number;
  summary: string;
  details: string;
  details_html: string;
  client_id: number;
  site_id: number | null;
  user_id: number | null;
  tickettype_id: number;
  status_id: number;
  priority_id: number | null;
  team: string;
  third_party_id_string: string;
  client_reference: string;
  dateoccurred: string;
  dateclosed: string | null;
}

export interface HaloActionRec {
  id: number;
  ticket_id: number;
  outcome_id: number;
  outcome: string;
  hiddenfromuser: boolean;
  note: string;
  note_html: string;
  /** Halo's own actions (ticket logged, status changed): left out with excludesys=true. */
  system: boolean;
  datetime: string;
  new_status: number | null;
}

export interface HaloStatusRec {
  id: number;
  name: string;
  /** Whether a ticket in this status counts as closed (hasbeenclosed). */
  closed: boolean;
}

export interface HaloOutcomeRec {
  id: number;
  outcome: string;
}

export interface HaloAppRec {
  clientId: string;
  secret: string;
  name: string;
}

/** Everything that is Halo's data (what a snapshot keeps). */
export interface HaloData {
  clients: Map<number, HaloClientRec>;
  sites: Map<number, HaloSiteRec>;
  users: Map<number, HaloUserRec>;
  tickets: Map<number, HaloTicketRec>;
  actions: Map<number, HaloActionRec>;
  statuses: Map<number, HaloStatusRec>;
  outcomes: Map<number, HaloOutcomeRec>;
  apps: Map<string, HaloAppRec>;
  /** The next id per entity. */
  next: { client: number; site: number; user: number; ticket: number; action: number };
}

export function emptyData(): HaloData {
  return {
    clients: new Map(),
    sites: new Map(),
    users: new Map(),
    tickets: new Map(),
    actions: new Map(),
    statuses: new Map(),
    outcomes: new Map(),
    apps: new Map(),
    next: { client: 1, site: 1, user: 1, ticket: 1, action: 1 },
  };
}

export interface HaloContext extends KitState<Api, CallExtra> {
  data: HaloData;
  settings: Settings;
  tokens: Map<string, { clientId: string; expiresAt: number }>;
  buckets: TokenBuckets;
}

export function createContext(profile: ProfileName): HaloContext {
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

import { randomUUID } from "node:crypto";
import { TokenBuckets } from "../kit/buckets.ts";
import { CallLog, type CallRecord as KitCallRecord } from "../kit/calls.ts";
import { Clock } from "../kit/clock.ts";
import { Faults } from "../kit/faults.ts";
import type { KitState, RequestInfo as KitRequestInfo } from "../kit/pipeline.ts";
import { defaultSettings, type ProfileName, type Settings } from "./settings.ts";

export const apiNames = ["api"] as const;
export type Api = (typeof apiNames)[number];

/**
 * What this emulator records beside the kit's fields: the JSON a call sent and what it was answered, so
 * contract tests can check both against the reference. A password's value is never kept here: it is
 * replaced in the request body before the call is logged (and answers do not carry it, see settings).
 */
export interface CallExtra {
  requestBody: unknown;
  responseBody: unknown;
  contentType: string | undefined;
  retryAfter: string | undefined;
}

export type RequestInfo = KitRequestInfo<Api, CallExtra>;
export type CallRecord = KitCallRecord<Api> & CallExtra;

export interface OrganizationRec {
  id: number;
  name: string;
  shortName: string;
  createdAt: string;
  updatedAt: string;
}

export interface ContactTypeRec {
  id: number;
  name: string;
}

/** One element of `contact-emails` / `contact-phones` (element keys [unconfirmed], reference §6). */
export interface LabelledValue {
  value: string;
  primary: boolean;
  labelName: string;
}

export interface ContactRec {
  id: number;
  organizationId: number;
  firstName: string;
  lastName: string;
  title: string;
  contactTypeId: number | null;
  important: boolean;
  notes: string;
  emails: LabelledValue[];
  phones: LabelledValue[];
  /** Set when the contact is synced from a PSA: such a record refuses PATCH with 422. */
  psaId: string | null;
  psaIntegrationType: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PasswordRec {
  id: number;
  organizationId: number;
  name: string;
  username: string;
  password: string;
  url: string;
  notes: string;
  categoryId: number | null;
  folderId: number | null;
  resourceId: number | null;
  resourceType: string | null;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKeyRec {
  key: string;
  name: string;
  /** IT Glue keys are made with or without "Password Access" [unconfirmed]: without, /passwords is 403. */
  passwordAccess: boolean;
}

/** Everything that is the account's data (what a snapshot keeps). */
export interface ItglueData {
  organizations: Map<number, OrganizationRec>;
  contactTypes: Map<number, ContactTypeRec>;
  contacts: Map<number, ContactRec>;
  passwords: Map<number, PasswordRec>;
  keys: Map<string, ApiKeyRec>;
  next: { organization: number; contactType: number; contact: number; password: number };
}

export function emptyData(): ItglueData {
  return {
    organizations: new Map(),
    contactTypes: new Map(),
    contacts: new Map(),
    passwords: new Map(),
    keys: new Map(),
    next: { organization: 1, contactType: 1, contact: 1, password: 1 },
  };
}

export interface ItglueContext extends KitState<Api, CallExtra> {
  data: ItglueData;
  settings: Settings;
  buckets: TokenBuckets;
}

export function createContext(profile: ProfileName): ItglueContext {
  return {
    data: emptyData(),
    settings: defaultSettings(profile),
    buckets: new TokenBuckets(),
    clock: new Clock(),
    faults: new Faults(),
    calls: new CallLog<CallRecord>(),
    random: Math.random,
    requests: new WeakMap(),
    batchNonce: randomUUID(),
  };
}

export const isoNow = (ctx: ItglueContext): string => new Date(ctx.clock.now()).toISOString();

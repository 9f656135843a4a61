import { randomUUID } from "node:crypto";
import { z } from "zod";
import { AdminError, KitAdmin, parseInput } from "../kit/admin.ts";
import { applyLatencyInput } from "../kit/latency.ts";
import { auditView, deviceView, siteView } from "./records.ts";
import { errorStyles, latencyClasses, latencyProfiles, profileNames, type Settings } from "./settings.ts";
import {
  emptyData,
  udfNames,
  type Api,
  type ApiKeyRec,
  type CallExtra,
  type DattoContext,
  type DeviceRec,
  type FilterRec,
  type SiteRec,
} from "./state.ts";

/** Every status fault this emulator renders in Datto's style. */
export const faultStatuses = [400, 401, 403, 404, 409, 429, 500, 502, 503, 504] as const;

const text = z.string();
const uid = text.regex(/^[A-Za-z0-9-]+$/, { error: "must be a uid (letters, digits, -)" });
const udfValues = z.partialRecord(z.enum(udfNames as [string, ...string[]]), text.nullable());

export const apiKeySeed = z.strictObject({
  apiKey: text.min(1),
  apiSecret: text.min(1),
  username: text.default("api-user"),
  sites: z.array(uid).optional(),
});
export const siteSeed = z.strictObject({
  uid: uid.optional(),
  name: text.min(1),
  description: text.default(""),
  notes: text.default(""),
  onDemand: z.boolean().default(false),
  autotaskCompanyName: text.nullable().default(null),
  autotaskCompanyId: text.nullable().default(null),
});
export const deviceSeed = z.strictObject({
  uid: uid.optional(),
  site: uid,
  hostname: text.min(1),
  description: text.default(""),
  deviceClass: z.enum(["device", "printer", "esxihost", "unknown"]).default("device"),
  category: text.default("Desktop"),
  operatingSystem: text.default("Microsoft Windows 11 Pro 10.0.22631"),
  intIpAddress: text.default("10.0.0.10"),
  extIpAddress: text.default("203.0.113.10"),
  domain: text.default(""),
  lastLoggedInUser: text.nullable().default(null),
  online: z.boolean().default(true),
  udf: udfValues.default({}),
  serialNumber: text.nullable().default(null),
  manufacturer: text.default("Dell Inc."),
  model: text.default("OptiPlex 7010"),
});
export const filterSeed = z.strictObject({
  id: z.int().positive().optional(),
  name: text.min(1),
  devices: z.array(uid),
});

export type ApiKeySeed = z.input<typeof apiKeySeed>;
export type SiteSeed = z.input<typeof siteSeed>;
export type DeviceSeed = z.input<typeof deviceSeed>;
export type FilterSeed = z.input<typeof filterSeed>;

const settingsInput = z.strictObject({
  profile: z.enum(profileNames).optional(),
  latency: z
    .partialRecord(
      z.enum(latencyClasses),
      z.strictObject({ meanMs: z.number().min(0), jitter: z.number().min(0).max(1) }),
    )
    .optional(),
  tokenLifetimeSeconds: z.int().positive().optional(),
  errorStyle: z.enum(errorStyles).optional(),
  rateLimit: z
    .strictObject({
      requests: z.int().positive().optional(),
      writes: z.int().positive().optional(),
      windowMs: z.int().positive().optional(),
      slowdownRatio: z.number().min(0).max(1).optional(),
      slowdownMs: z.int().min(0).optional(),
    })
    .optional(),
  retryAfter: z.boolean().optional(),
  ipBlock: z
    .strictObject({ afterRefusals: z.int().positive(), durationMs: z.int().positive() })
    .nullable()
    .optional(),
  maxPageSize: z.int().positive().optional(),
  portalUrl: z.url().optional(),
  udfMaxLength: z.int().positive().optional(),
});

const now = (ctx: DattoContext) => new Date(ctx.clock.now()).toISOString();

/** The Datto RMM emulator's control panel: API keys, sites, devices, filters; the rate window. */
export class DattoRmmAdmin extends KitAdmin<Api, CallExtra, Settings> {
  constructor(private readonly ctx: DattoContext) {
    super(ctx, {
      faultStatuses,
      // One account: faults match by the API key a request authenticated with.
      tenantId: (ref) => {
        if (!ctx.data.apiKeys.has(ref)) throw new AdminError(404, `no API key ${ref}`);
        return ref;
      },
    });
  }

  settings(): Settings {
    return structuredClone(this.ctx.settings);
  }

  configure(input: unknown): Settings {
    const s = parseInput(settingsInput, input);
    const settings = this.ctx.settings;
    applyLatencyInput(settings, s, latencyClasses, latencyProfiles);
    if (s.tokenLifetimeSeconds !== undefined) settings.tokenLifetimeSeconds = s.tokenLifetimeSeconds;
    if (s.errorStyle !== undefined) settings.errorStyle = s.errorStyle;
    if (s.rateLimit !== undefined) {
      const defined = Object.fromEntries(Object.entries(s.rateLimit).filter(([, v]) => v !== undefined));
      settings.rateLimit = { ...settings.rateLimit, ...defined };
    }
    if (s.retryAfter !== undefined) settings.retryAfter = s.retryAfter;
    if (s.ipBlock !== undefined) settings.ipBlock = s.ipBlock;
    if (s.maxPageSize !== undefined) settings.maxPageSize = s.maxPageSize;
    if (s.portalUrl !== undefined) settings.portalUrl = s.portalUrl.replace(/\/+$/, "");
    if (s.udfMaxLength !== undefined) settings.udfMaxLength = s.udfMaxLength;
    return this.settings();
  }

  reset(): void {
    this.resetKit();
    this.ctx.data = emptyData();
    this.ctx.tokens.clear();
    this.ctx.rate.reset();
  }

  setAccount(account: { uid: string; name: string }): void {
    this.ctx.data.account = { ...account };
  }

  addApiKey(input: ApiKeySeed): ApiKeyRec {
    const k = parseInput(apiKeySeed, input);
    const rec: ApiKeyRec = { apiKey: k.apiKey, apiSecret: k.apiSecret, username: k.username, sites: k.sites };
    this.ctx.data.apiKeys.set(rec.apiKey, rec);
    return { ...rec };
  }

  /** Every issued token stops working; the next call with one is a 401. */
  revokeTokens(): void {
    this.ctx.tokens.clear();
  }

  createSite(input: SiteSeed): Record<string, unknown> {
    const s = parseInput(siteSeed, input);
    const d = this.ctx.data;
    const rec: SiteRec = { ...s, id: d.next.site++, uid: s.uid ?? randomUUID() };
    if (d.sites.has(rec.uid)) throw new AdminError(400, `site ${rec.uid} exists`);
    d.sites.set(rec.uid, rec);
    return siteView(this.ctx, rec);
  }

  site(siteUid: string): Record<string, unknown> {
    const s = this.ctx.data.sites.get(siteUid);
    if (!s) throw new AdminError(404, `no site ${siteUid}`);
    return siteView(this.ctx, s);
  }

  createDevice(input: DeviceSeed): Record<string, unknown> {
    const s = parseInput(deviceSeed, input);
    const d = this.ctx.data;
    if (!d.sites.has(s.site)) throw new AdminError(404, `no site ${s.site}`);
    const device: DeviceRec = {
      id: d.next.device++,
      uid: s.uid ?? randomUUID(),
      siteUid: s.site,
      hostname: s.hostname,
      description: s.description,
      deviceClass: s.deviceClass,
      category: s.category,
      operatingSystem: s.operatingSystem,
      intIpAddress: s.intIpAddress,
      extIpAddress: s.extIpAddress,
      domain: s.domain,
      lastLoggedInUser: s.lastLoggedInUser,
      online: s.online,
      lastSeen: now(this.ctx),
      creationDate: now(this.ctx),
      udf: Object.fromEntries(udfNames.map((n) => [n, s.udf[n] || null])),
      audit: { serialNumber: s.serialNumber, manufacturer: s.manufacturer, model: s.model },
    };
    if (d.devices.has(device.uid)) throw new AdminError(400, `device ${device.uid} exists`);
    d.devices.set(device.uid, device);
    return deviceView(this.ctx, device);
  }

  /** The device as GET /v2/device/{uid} answers it. */
  device(deviceUid: string): Record<string, unknown> & { udf: Record<string, string | null> } {
    return deviceView(this.ctx, this.rec(deviceUid)) as Record<string, unknown> & {
      udf: Record<string, string | null>;
    };
  }

  audit(deviceUid: string): Record<string, unknown> {
    return auditView(this.ctx, this.rec(deviceUid));
  }

  devices(siteUid?: string): Record<string, unknown>[] {
    return [...this.ctx.data.devices.values()]
      .filter((d) => siteUid === undefined || d.siteUid === siteUid)
      .map((d) => deviceView(this.ctx, d));
  }

  /** What the agent reports at its next check-in: who signed in last. */
  setLastLoggedInUser(deviceUid: string, user: string | null): void {
    this.rec(deviceUid).lastLoggedInUser = user;
  }

  /** Gone from Datto (deleted in the UI): its uid answers "Device was not found." from now on. */
  removeDevice(deviceUid: string): void {
    this.rec(deviceUid);
    this.ctx.data.devices.delete(deviceUid);
  }

  createFilter(input: FilterSeed): FilterRec {
    const f = parseInput(filterSeed, input);
    const rec: FilterRec = { id: f.id ?? this.ctx.data.next.filter++, name: f.name, deviceUids: f.devices };
    this.ctx.data.filters.set(rec.id, rec);
    return { ...rec };
  }

  /** Fills the rolling window: every request is 429 until it clears (advance the clock by its length). */
  exhaustRateLimit(): void {
    this.ctx.rate.exhaust(this.ctx.clock.now(), this.ctx.settings.rateLimit);
  }

  /** Blocks an address (every request from it 403) for `durationMs`, as persistent over-limit calls do. */
  blockAddress(address: string, durationMs = 5 * 60_000): void {
    this.ctx.rate.block(address, this.ctx.clock.now() + parseInput(z.int().positive(), durationMs));
  }

  clearRateLimit(): void {
    this.ctx.rate.reset();
  }

  private rec(deviceUid: string): DeviceRec {
    const d = this.ctx.data.devices.get(deviceUid);
    if (!d) throw new AdminError(404, `no device ${deviceUid}`);
    return d;
  }
}

import { randomUUID } from "node:crypto";
import { z } from "zod";
import { AdminError, KitAdmin, parseInput } from "../kit/admin.ts";
import { startStormFrom, type StormInput } from "../kit/storm-input.ts";
import { applySettings, settingsInput, type Settings } from "./settings.ts";
import { emptyData, scopes, type Api, type CallExtra, type DeviceRec, type NinjaContext } from "./state.ts";
import { deviceView, endUserView } from "./views.ts";

/** Every status fault this emulator renders in NinjaOne's way. */
export const faultStatuses = [400, 401, 403, 404, 429, 500, 502, 503, 504] as const;

const id = z.int().positive();
const text = z.string();

export const appSeed = z.strictObject({
  clientId: text.min(1),
  secret: text.min(1),
  name: text.default("API client app"),
  scopes: z.array(z.enum(scopes)).min(1).default(["monitoring", "management"]),
});
export const organizationSeed = z.strictObject({
  id: id.optional(),
  name: text.min(1),
  description: text.default(""),
});
export const endUserSeed = z.strictObject({
  id: id.optional(),
  uid: z.uuid().optional(),
  organization: z.union([id, text]),
  firstName: text.min(1),
  lastName: text.min(1),
  email: text.min(3),
  phone: text.default(""),
  fullPortalAccess: z.boolean().default(false),
  invitationStatus: z.enum(["REGISTERED", "PENDING", "EXPIRED"]).default("REGISTERED"),
});
export const deviceSeed = z.strictObject({
  id: id.optional(),
  organization: z.union([id, text]),
  displayName: text.min(1),
  systemName: text.optional(),
  nodeClass: text.default("WINDOWS_WORKSTATION"),
  serialNumber: text.default(""),
  biosSerialNumber: text.optional(),
  manufacturer: text.default("Dell Inc."),
  model: text.default("Latitude 5440"),
  os: text.default("Windows 11 Pro"),
  /** The owner: an end user's email or uid. */
  owner: text.optional(),
  lastLoggedInUser: text.default(""),
  offline: z.boolean().default(false),
});

export type AppSeed = z.input<typeof appSeed>;
export type OrganizationSeed = z.input<typeof organizationSeed>;
export type EndUserSeed = z.input<typeof endUserSeed>;
export type DeviceSeed = z.input<typeof deviceSeed>;
export type { StormInput };

/** The NinjaOne emulator's control panel: seed apps, organisations, end users and devices; read them back. */
export class NinjaOneAdmin extends KitAdmin<Api, CallExtra, Settings> {
  constructor(private readonly ctx: NinjaContext) {
    super(ctx, {
      faultStatuses,
      // One NinjaOne instance: faults match by the API client app a request authenticated as.
      tenantId: (ref) => {
        if (!ctx.data.apps.has(ref)) throw new AdminError(404, `no API client app ${ref}`);
        return ref;
      },
    });
  }

  settings(): Settings {
    return structuredClone(this.ctx.settings);
  }

  configure(input: unknown): Settings {
    if (applySettings(this.ctx.settings, parseInput(settingsInput, input))) this.ctx.buckets.reset();
    return this.settings();
  }

  reset(): void {
    this.resetKit();
    this.ctx.data = emptyData();
    this.ctx.tokens.clear();
    this.ctx.buckets.reset();
  }

  addApp(input: AppSeed) {
    const app = parseInput(appSeed, input);
    this.ctx.data.apps.set(app.clientId, app);
    return { clientId: app.clientId, name: app.name, scopes: app.scopes };
  }

  /** Revokes every token issued so far (a rotated secret, say): the next call answers 401. */
  revokeTokens(): void {
    this.ctx.tokens.clear();
  }

  createOrganization(input: OrganizationSeed) {
    const o = parseInput(organizationSeed, input);
    const d = this.ctx.data;
    const orgId = o.id ?? d.next.organization;
    d.next.organization = Math.max(d.next.organization, orgId + 1);
    const org = { id: orgId, name: o.name, description: o.description };
    d.organizations.set(org.id, org);
    return org;
  }

  private organization(ref: number | string) {
    const found =
      typeof ref === "number"
        ? this.ctx.data.organizations.get(ref)
        : [...this.ctx.data.organizations.values()].find((o) => o.name.toLowerCase() === ref.toLowerCase());
    if (!found) throw new AdminError(404, `no organization ${ref}`);
    return found;
  }

  createEndUser(input: EndUserSeed) {
    const u = parseInput(endUserSeed, input);
    const d = this.ctx.data;
    const userId = u.id ?? d.next.endUser;
    d.next.endUser = Math.max(d.next.endUser, userId + 1);
    const user = {
      id: userId,
      uid: u.uid ?? randomUUID(),
      organizationId: this.organization(u.organization).id,
      firstName: u.firstName,
      lastName: u.lastName,
      email: u.email,
      phone: u.phone,
      enabled: true,
      fullPortalAccess: u.fullPortalAccess,
      mustChangePw: false,
      invitationStatus: u.invitationStatus,
      invited: false,
    };
    d.endUsers.set(user.id, user);
    return endUserView(this.ctx, user);
  }

  /** End users with what the API does not show: whether the create asked for the invitation. */
  endUsers(organization?: number) {
    return [...this.ctx.data.endUsers.values()]
      .filter((u) => organization === undefined || u.organizationId === organization)
      .map((u) => ({ ...endUserView(this.ctx, u), invited: u.invited }));
  }

  endUser(endUserId: number) {
    const u = this.ctx.data.endUsers.get(endUserId);
    if (!u) throw new AdminError(404, `no end user ${endUserId}`);
    return { ...endUserView(this.ctx, u), invited: u.invited };
  }

  createDevice(input: DeviceSeed) {
    const s = parseInput(deviceSeed, input);
    const d = this.ctx.data;
    const org = this.organization(s.organization);
    const owner =
      s.owner === undefined
        ? undefined
        : [...d.endUsers.values()].find(
            (u) => u.uid === s.owner || u.email.toLowerCase() === s.owner?.toLowerCase(),
          );
    if (s.owner !== undefined && !owner) throw new AdminError(404, `no end user ${s.owner}`);
    const deviceId = s.id ?? d.next.device;
    d.next.device = Math.max(d.next.device, deviceId + 1);
    const now = Math.floor(this.ctx.clock.now() / 1000);
    const systemName = s.systemName ?? s.displayName;
    const device: DeviceRec = {
      id: deviceId,
      uid: randomUUID(),
      organizationId: org.id,
      locationId: org.id * 10,
      nodeClass: s.nodeClass,
      displayName: s.displayName,
      systemName,
      dnsName: `${systemName.toLowerCase()}.${org.name.toLowerCase().replace(/[^a-z0-9]+/g, "")}.local`,
      offline: s.offline,
      created: now - 86_400 * 90,
      lastContact: now - 300,
      assignedOwnerUid: owner?.uid ?? null,
      system: {
        name: systemName,
        manufacturer: s.manufacturer,
        model: s.model,
        serialNumber: s.serialNumber,
        biosSerialNumber: s.biosSerialNumber ?? s.serialNumber,
      },
      os: { name: s.os },
      lastLoggedInUser: s.lastLoggedInUser,
    };
    d.devices.set(device.id, device);
    return deviceView(device);
  }

  devices(organization?: number) {
    return [...this.ctx.data.devices.values()]
      .filter((x) => organization === undefined || x.organizationId === organization)
      .map(deviceView);
  }

  device(deviceId: number) {
    const x = this.ctx.data.devices.get(deviceId);
    if (!x) throw new AdminError(404, `no device ${deviceId}`);
    return deviceView(x);
  }

  /** Empties the app's request budget; it refills at the normal rate. */
  exhaustRateLimit(app: string): void {
    this.ctx.buckets.exhaust(app, this.ctx.clock.now());
  }

  /** Every request of the app answers 429 for a while, with this Retry-After (or the time left). */
  startThrottleStorm(app: string, input: StormInput): void {
    startStormFrom(this.ctx.buckets, app, this.ctx.clock.now(), input);
  }

  stopThrottleStorm(app: string): void {
    this.ctx.buckets.stopStorm(app);
  }
}

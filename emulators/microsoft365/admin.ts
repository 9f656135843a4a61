import { randomBytes } from "node:crypto";
import { z } from "zod";
import {
  AdminError,
  buildAppRegistration,
  resolveGroup,
  resolveSku,
  resolveUser,
  seedAutopilotDevice,
  seedGroup,
  seedMailbox,
  seedManagedDevice,
  seedMobileDevice,
  seedSku,
  seedUser,
} from "./admin-seed.ts";
import {
  groupInfo,
  mailboxInfo,
  tenantInfo,
  userInfo,
  type GroupInfo,
  type MailboxInfo,
  type TenantInfo,
  type UserInfo,
} from "./admin-views.ts";
import { KitAdmin, parseInput } from "../kit/admin.ts";
import type { Api, CallExtra, EmulatorContext } from "./context.ts";
import { skuView } from "./directory/licensing.ts";
import { addMember, removeMember } from "./directory/members.ts";
import type { JsonObject } from "./json.ts";
import type { LatencyClass, ProfileName } from "./latency.ts";
import { groupLicenseErrors, type GroupLicenseError, type SentMessage, type Tenant } from "./model.ts";
import { settle } from "./pipeline.ts";
import { faultStatuses } from "./renderers.ts";
import {
  appSeed,
  autopilotDeviceSeed,
  budgetInput,
  groupSeed,
  mailboxSeed,
  managedDeviceSeed,
  mobileDeviceSeed,
  refreshTokenInput,
  settingsInput,
  skuSeed,
  stormInput,
  tenantSeed,
  userSeed,
  type AppSeed,
  type AutopilotDeviceSeed,
  type BudgetInput,
  type GroupSeed,
  type MailboxSeed,
  type ManagedDeviceSeed,
  type MobileDeviceSeed,
  type RefreshTokenInput,
  type SettingsInput,
  type SkuSeed,
  type StormInput,
  type TenantSeed,
  type UserSeed,
} from "./seed-schemas.ts";
import { applyProfile, defaultSettings, type Settings } from "./settings.ts";
import { newTenant } from "./state.ts";
import type { ThrottleBudget } from "./throttling.ts";

/**
 * The emulator's control panel, in-process. /_admin serves the same methods over HTTP. Inputs are
 * validated with the same zod schemas either way; a bad one throws AdminError (status 400/404).
 */

const parse = parseInput;

export class Microsoft365Admin extends KitAdmin<Api, CallExtra, Settings> {
  constructor(private readonly ctx: EmulatorContext) {
    super(ctx, {
      faultStatuses,
      tenantId: (ref) => {
        const tenant = ctx.store.find(ref);
        if (!tenant) throw new AdminError(404, `no tenant answers to '${ref}'`);
        return tenant.id;
      },
    });
  }

  private tenantOf(ref: string): Tenant {
    const tenant = this.ctx.store.find(ref);
    if (!tenant) throw new AdminError(404, `no tenant answers to '${ref}'`);
    settle(this.ctx, tenant);
    return tenant;
  }

  private now(): number {
    return this.ctx.clock.now();
  }

  // Tenants and apps

  createTenant(input: TenantSeed): TenantInfo {
    const seed = parse(tenantSeed, input);
    const tenant = newTenant({
      ...(seed.id ? { id: seed.id } : {}),
      displayName: seed.displayName,
      domains: seed.domains,
    });
    tenant.apps = (seed.apps ?? [{}]).map((a) => buildAppRegistration(parse(appSeed, a)));
    try {
      this.ctx.store.add(tenant);
    } catch (error) {
      throw new AdminError(400, error instanceof Error ? error.message : String(error));
    }
    return tenantInfo(tenant);
  }

  addApp(tenantRef: string, input: AppSeed): TenantInfo {
    const tenant = this.tenantOf(tenantRef);
    const app = buildAppRegistration(parse(appSeed, input));
    tenant.apps = [...tenant.apps.filter((a) => a.clientId !== app.clientId), app];
    return tenantInfo(tenant);
  }

  tenants(): TenantInfo[] {
    return [...this.ctx.store.tenants.values()].map(tenantInfo);
  }

  tenant(ref: string): TenantInfo {
    return tenantInfo(this.tenantOf(ref));
  }

  /** A partner user's refresh token, redeemable with the app's secret in any tenant that consented. */
  issueRefreshToken(input: RefreshTokenInput): string {
    const seed = parse(refreshTokenInput, input);
    const token = `0.A${randomBytes(48).toString("base64url")}`;
    this.ctx.refreshTokens.set(token, {
      clientId: seed.clientId.toLowerCase(),
      userPrincipalName: seed.userPrincipalName,
      issuedAt: this.now(),
      expired: seed.expired,
    });
    return token;
  }

  // Directory

  createUser(tenantRef: string, input: UserSeed): UserInfo {
    const tenant = this.tenantOf(tenantRef);
    return userInfo(tenant, seedUser(this.ctx, tenant, parse(userSeed, input)), this.now());
  }

  user(tenantRef: string, userRef: string): UserInfo {
    const tenant = this.tenantOf(tenantRef);
    return userInfo(tenant, resolveUser(tenant, userRef), this.now());
  }

  users(tenantRef: string): UserInfo[] {
    const tenant = this.tenantOf(tenantRef);
    return [...tenant.users.values()].map((u) => userInfo(tenant, u, this.now()));
  }

  createGroup(tenantRef: string, input: GroupSeed): GroupInfo {
    const tenant = this.tenantOf(tenantRef);
    return groupInfo(tenant, seedGroup(this.ctx, tenant, parse(groupSeed, input)));
  }

  group(tenantRef: string, groupRef: string): GroupInfo {
    const tenant = this.tenantOf(tenantRef);
    return groupInfo(tenant, resolveGroup(tenant, groupRef));
  }

  groups(tenantRef: string): GroupInfo[] {
    const tenant = this.tenantOf(tenantRef);
    return [...tenant.groups.values()].map((g) => groupInfo(tenant, g));
  }

  addGroupMember(tenantRef: string, groupRef: string, memberRef: string): GroupInfo {
    const tenant = this.tenantOf(tenantRef);
    const group = resolveGroup(tenant, groupRef);
    addMember(tenant, group, this.memberId(tenant, memberRef), this.now(), {
      mailboxProvisioningDelayMs: this.ctx.settings.mailboxProvisioningDelayMs,
    });
    return groupInfo(tenant, group);
  }

  removeGroupMember(tenantRef: string, groupRef: string, memberRef: string): GroupInfo {
    const tenant = this.tenantOf(tenantRef);
    const group = resolveGroup(tenant, groupRef);
    removeMember(tenant, group, this.memberId(tenant, memberRef), this.now(), {
      mailboxProvisioningDelayMs: this.ctx.settings.mailboxProvisioningDelayMs,
    });
    return groupInfo(tenant, group);
  }

  private memberId(tenant: Tenant, ref: string): string {
    try {
      return resolveUser(tenant, ref).id;
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      return resolveGroup(tenant, ref).id;
    }
  }

  // Licensing

  createSku(tenantRef: string, input: SkuSeed): JsonObject {
    const tenant = this.tenantOf(tenantRef);
    return skuView(tenant, seedSku(tenant, parse(skuSeed, input)));
  }

  setSeats(tenantRef: string, skuRef: string, seats: number): JsonObject {
    const tenant = this.tenantOf(tenantRef);
    const sku = resolveSku(tenant, skuRef);
    sku.prepaidUnits.enabled = parse(z.number().int().min(0), seats);
    return skuView(tenant, sku);
  }

  /**
   * Puts the user's assignments through a group in error with one of Graph's codes: the conflicts the
   * emulator does not derive itself (clashing service plans, a usage location the SKU is not sold in).
   */
  failGroupLicense(tenantRef: string, userRef: string, groupRef: string, error: GroupLicenseError): UserInfo {
    const tenant = this.tenantOf(tenantRef);
    const user = resolveUser(tenant, userRef);
    const group = resolveGroup(tenant, groupRef);
    const code = parse(z.enum(groupLicenseErrors).exclude(["None"]), error);
    const through = user.groupLicenses.filter((l) => l.groupId === group.id);
    if (!through.length) throw new AdminError(400, `${userRef} has no licence through ${groupRef}`);
    for (const l of through) Object.assign(l, { state: "Error", error: code, updatedAt: this.now() });
    return userInfo(tenant, user, this.now());
  }

  skus(tenantRef: string): JsonObject[] {
    const tenant = this.tenantOf(tenantRef);
    return [...tenant.skus.values()].map((s) => skuView(tenant, s));
  }

  // Mail

  createMailbox(tenantRef: string, input: MailboxSeed): MailboxInfo {
    const tenant = this.tenantOf(tenantRef);
    const seed = parse(mailboxSeed, input);
    seedMailbox(this.ctx, tenant, seed);
    const mailbox = this.mailbox(tenantRef, seed.user);
    if (!mailbox) throw new AdminError(500, `the mailbox of ${seed.user} vanished while being created`);
    return mailbox;
  }

  mailbox(tenantRef: string, userRef: string): MailboxInfo | null {
    const tenant = this.tenantOf(tenantRef);
    const mailbox = tenant.mailboxes.get(resolveUser(tenant, userRef).id);
    return mailbox ? mailboxInfo(tenant, mailbox, this.now()) : null;
  }

  mailboxes(tenantRef: string): MailboxInfo[] {
    const tenant = this.tenantOf(tenantRef);
    return [...tenant.mailboxes.values()].map((m) => mailboxInfo(tenant, m, this.now()));
  }

  sentMail(tenantRef: string): SentMessage[] {
    return this.tenantOf(tenantRef).sentMail.map((m) => ({ ...m }));
  }

  createMobileDevice(tenantRef: string, input: MobileDeviceSeed): MailboxInfo {
    const tenant = this.tenantOf(tenantRef);
    const seed = parse(mobileDeviceSeed, input);
    seedMobileDevice(this.ctx, tenant, seed);
    const mailbox = this.mailbox(tenantRef, seed.mailbox);
    if (!mailbox) throw new AdminError(400, `${seed.mailbox} has no mailbox`);
    return mailbox;
  }

  // Devices

  createManagedDevice(tenantRef: string, input: ManagedDeviceSeed): JsonObject {
    const tenant = this.tenantOf(tenantRef);
    return { ...seedManagedDevice(this.ctx, tenant, parse(managedDeviceSeed, input)).props };
  }

  managedDevices(tenantRef: string): JsonObject[] {
    return [...this.tenantOf(tenantRef).managedDevices.values()].map((d) => ({ ...d.props }));
  }

  createAutopilotDevice(tenantRef: string, input: AutopilotDeviceSeed): JsonObject {
    const tenant = this.tenantOf(tenantRef);
    return { ...seedAutopilotDevice(tenant, parse(autopilotDeviceSeed, input)).props };
  }

  autopilotDevices(tenantRef: string): JsonObject[] {
    return [...this.tenantOf(tenantRef).autopilotDevices.values()].map((d) => ({ ...d.props }));
  }

  // Behaviour switches

  settings(): Settings {
    return structuredClone(this.ctx.settings);
  }

  configure(input: SettingsInput): Settings {
    const seed = parse(settingsInput, input);
    const settings = this.ctx.settings;
    if (seed.profile) applyProfile(settings, seed.profile);
    const { profile: _profile, latency, ...delays } = seed;
    for (const [key, value] of Object.entries(delays)) {
      if (value !== undefined) Object.assign(settings, { [key]: value });
    }
    for (const [cls, spec] of Object.entries(latency ?? {})) {
      if (spec) settings.latency[cls as LatencyClass] = { ...spec };
    }
    return this.settings();
  }

  setProfile(profile: ProfileName): Settings {
    return this.configure({ profile });
  }

  setReplicationLag(ms: number): Settings {
    return this.configure({ replicationLagMs: ms });
  }

  setMailboxProvisioningDelay(ms: number): Settings {
    return this.configure({ mailboxProvisioningDelayMs: ms });
  }

  setMailboxConversionDelay(ms: number): Settings {
    return this.configure({ mailboxConversionDelayMs: ms });
  }

  setThrottleBudget(tenantRef: string, input: BudgetInput): ThrottleBudget {
    const tenant = this.tenantOf(tenantRef);
    return this.ctx.throttler.setBudget(tenant.id, parse(budgetInput, input));
  }

  throttleBudget(tenantRef: string): ThrottleBudget {
    return this.ctx.throttler.budgetFor(this.tenantOf(tenantRef).id);
  }

  /** Empties the tenant's buckets: requests 429 until they refill at the normal rate. */
  exhaustThrottleBudget(tenantRef: string): void {
    this.ctx.throttler.exhaust(this.tenantOf(tenantRef).id, this.now());
  }

  /** A throttling storm: every Graph and Exchange request of the tenant answers 429 for a while. */
  startThrottleStorm(tenantRef: string, input: StormInput): void {
    const seed = parse(stormInput, input);
    const retry = seed.retryAfterSeconds === undefined ? undefined : seed.retryAfterSeconds * 1000;
    this.ctx.throttler.startStorm(this.tenantOf(tenantRef).id, this.now() + seed.durationMs, retry);
  }

  stopThrottleStorm(tenantRef: string): void {
    this.ctx.throttler.stopStorm(this.tenantOf(tenantRef).id);
  }

  /** Back to an empty emulator on the same port and profile: no tenants, faults, storms or calls. */
  reset(): void {
    const profile = this.ctx.settings.profile;
    this.resetKit();
    this.ctx.store.clear();
    this.ctx.throttler.reset();
    this.ctx.refreshTokens.clear();
    Object.assign(this.ctx.settings, defaultSettings(profile));
  }
}

export { AdminError };

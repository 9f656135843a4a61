import { z } from "zod";
import { latencyClasses } from "./latency.ts";

/**
 * The admin surface's inputs, validated once whether they arrive over HTTP or in-process. The
 * in-process admin takes `z.input` types, so defaults may be left out.
 */

const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID");

export const appSeed = z.object({
  clientId: guid.optional(),
  clientSecret: z.string().min(1).optional(),
  clientSecrets: z.array(z.string().min(1)).optional(),
  certificateThumbprints: z.array(z.string().min(1)).optional(),
  displayName: z.string().min(1).optional(),
  consented: z.boolean().default(true),
  /** Graph application permissions; the default grants every one a lifecycle tool uses. */
  roles: z.array(z.string()).optional(),
  exchangeRoles: z.array(z.string()).optional(),
  /** Entra roles of the app's service principal; a password reset by app-only token needs one (reference §9). */
  directoryRoles: z.array(z.string()).optional(),
});

export const tenantSeed = z.object({
  id: guid.optional(),
  displayName: z.string().min(1),
  domains: z.array(z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, "must be a DNS name")).min(1),
  apps: z.array(appSeed).optional(),
});

export const authMethodSeed = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("phone"),
    phoneNumber: z.string().min(3),
    phoneType: z.enum(["mobile", "alternateMobile", "office"]).default("mobile"),
  }),
  z.object({
    type: z.literal("microsoftAuthenticator"),
    displayName: z.string().min(1),
    deviceTag: z.string().default("SoftwareTokenActivated"),
    phoneAppVersion: z.string().default("6.2401.0119"),
  }),
  z.object({
    type: z.literal("fido2"),
    displayName: z.string().min(1),
    model: z.string().default("YubiKey 5 NFC"),
    aaGuid: z.string().default("2fc0579f-8113-47ea-b116-bb5a8db9202a"),
  }),
  z.object({ type: z.literal("email"), emailAddress: z.string().min(3) }),
  z.object({ type: z.literal("softwareOath") }),
  z.object({ type: z.literal("windowsHelloForBusiness"), displayName: z.string().min(1) }),
]);

export const userSeed = z.object({
  id: guid.optional(),
  userPrincipalName: z.string().min(3),
  displayName: z.string().min(1),
  givenName: z.string().optional(),
  surname: z.string().optional(),
  mailNickname: z.string().optional(),
  accountEnabled: z.boolean().default(true),
  password: z.string().default("Emulat0r!Passw0rd"),
  usageLocation: z.string().length(2).optional(),
  department: z.string().optional(),
  jobTitle: z.string().optional(),
  companyName: z.string().optional(),
  officeLocation: z.string().optional(),
  employeeId: z.string().optional(),
  mobilePhone: z.string().optional(),
  city: z.string().optional(),
  country: z.string().optional(),
  onPremisesSyncEnabled: z.boolean().optional(),
  /** UPN or id of an existing user. */
  manager: z.string().optional(),
  /** SKU part numbers (e.g. "SPB") or SKU ids, assigned directly. */
  licenses: z.array(z.string()).default([]),
  /** true: a ready user mailbox even without a licence; "shared": a shared mailbox; default follows licences. */
  mailbox: z.union([z.boolean(), z.enum(["user", "shared"])]).optional(),
  /** Group ids, display names or mail addresses. */
  groups: z.array(z.string()).default([]),
  authMethods: z.array(authMethodSeed).default([]),
});

export const groupKinds = [
  "security",
  "microsoft365",
  "mailEnabledSecurity",
  "distribution",
  "dynamic",
] as const;

export const groupSeed = z.object({
  id: guid.optional(),
  displayName: z.string().min(1),
  kind: z.enum(groupKinds),
  description: z.string().optional(),
  mail: z.string().optional(),
  mailNickname: z.string().optional(),
  membershipRule: z.string().optional(),
  onPremisesSyncEnabled: z.boolean().optional(),
  /** Group-based licensing: SKU part numbers or ids inherited by direct members. */
  licenses: z.array(z.string()).default([]),
  /** UPNs, user ids or group ids. */
  members: z.array(z.string()).default([]),
});

export const skuSeed = z.object({
  skuPartNumber: z.string().min(1),
  skuId: guid.optional(),
  seats: z.number().int().min(0),
  capabilityStatus: z.enum(["Enabled", "Suspended", "Warning", "LockedOut"]).default("Enabled"),
  servicePlans: z.array(z.object({ servicePlanId: guid, servicePlanName: z.string().min(1) })).optional(),
});

export const mailboxSeed = z.object({
  user: z.string().min(1),
  type: z.enum(["user", "shared", "room", "equipment"]).default("user"),
  ready: z.boolean().default(true),
});

export const managedDeviceSeed = z.object({
  id: guid.optional(),
  user: z.string().min(1),
  deviceName: z.string().min(1),
  operatingSystem: z.string().default("Windows"),
  osVersion: z.string().default("10.0.22631.3447"),
  serialNumber: z.string().optional(),
  model: z.string().default("Latitude 7440"),
  manufacturer: z.string().default("Dell Inc."),
  complianceState: z.enum(["compliant", "noncompliant", "unknown", "inGracePeriod"]).default("compliant"),
});

export const autopilotDeviceSeed = z.object({
  id: guid.optional(),
  serialNumber: z.string().min(1),
  model: z.string().default("Latitude 7440"),
  manufacturer: z.string().default("Dell Inc."),
  groupTag: z.string().default(""),
  user: z.string().optional(),
});

export const mobileDeviceSeed = z.object({
  mailbox: z.string().min(1),
  deviceId: z.string().optional(),
  deviceModel: z.string().default("iPhone15,2"),
  deviceOS: z.string().default("iOS 17.4.1 21E236"),
  deviceType: z.string().default("iPhone"),
  friendlyName: z.string().optional(),
});

const nonNegative = z.number().min(0);

export const settingsInput = z.object({
  profile: z.enum(["fast", "realistic"]).optional(),
  replicationLagMs: nonNegative.optional(),
  advancedQueryLagMs: nonNegative.optional(),
  mailboxProvisioningDelayMs: nonNegative.optional(),
  mailboxConversionDelayMs: nonNegative.optional(),
  deviceActionDelayMs: nonNegative.optional(),
  tokenLifetimeSeconds: z.number().int().min(1).optional(),
  exoMaxConcurrency: z.number().int().min(0).optional(),
  latency: z
    .partialRecord(
      z.enum(latencyClasses),
      z.object({ meanMs: nonNegative, jitter: z.number().min(0).max(1) }),
    )
    .optional(),
});

const positive = z.number().positive();

export const budgetInput = z.object({
  identity: z
    .object({
      resourceUnits: z.union([positive, z.literal("auto")]),
      windowMs: positive,
      writes: positive,
      writeWindowMs: positive,
    })
    .partial()
    .optional(),
  outlook: z.object({ requests: positive, windowMs: positive }).partial().optional(),
  intune: z.object({ requests: positive, writes: positive, windowMs: positive }).partial().optional(),
  exchange: z.object({ requests: positive, windowMs: positive }).partial().optional(),
});

export const stormInput = z.object({
  durationMs: positive,
  retryAfterSeconds: positive.optional(),
});

export const refreshTokenInput = z.object({
  clientId: guid,
  userPrincipalName: z.string().min(3),
  expired: z.boolean().default(false),
});

export type TenantSeed = z.input<typeof tenantSeed>;
export type AppSeed = z.input<typeof appSeed>;
export type UserSeed = z.input<typeof userSeed>;
export type GroupSeed = z.input<typeof groupSeed>;
export type SkuSeed = z.input<typeof skuSeed>;
export type MailboxSeed = z.input<typeof mailboxSeed>;
export type ManagedDeviceSeed = z.input<typeof managedDeviceSeed>;
export type AutopilotDeviceSeed = z.input<typeof autopilotDeviceSeed>;
export type MobileDeviceSeed = z.input<typeof mobileDeviceSeed>;
export type AuthMethodSeed = z.input<typeof authMethodSeed>;
export type SettingsInput = z.input<typeof settingsInput>;
export type BudgetInput = z.input<typeof budgetInput>;
export type StormInput = z.input<typeof stormInput>;
export type RefreshTokenInput = z.input<typeof refreshTokenInput>;

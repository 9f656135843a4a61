import { isoSeconds } from "../clock.ts";
import { graphErrors } from "../errors.ts";
import type { Json, JsonObject } from "../json.ts";
import type { SkuRecord, Tenant, UserRecord } from "../model.ts";
import { createMailbox, readyMailbox } from "./mailboxes.ts";
import { directGroupsOf } from "./membership.ts";
import { isExchangePlan } from "./sku-catalog.ts";

/**
 * Seats, direct and group-based assignments, and the Exchange side effect of licensing. A user
 * consumes one seat per SKU however many ways it is assigned; a group assignment that finds no seat
 * is kept in error (CountViolation) as Entra does, rather than refused.
 */

export interface LicenseEffects {
  mailboxProvisioningDelayMs: number;
}

export function activeSkuIds(user: UserRecord): Set<string> {
  const ids = new Set(user.directLicenses.map((l) => l.skuId));
  for (const l of user.groupLicenses) if (l.state === "Active") ids.add(l.skuId);
  return ids;
}

export function consumedUnits(tenant: Tenant, skuId: string): number {
  let n = 0;
  for (const user of tenant.users.values()) if (activeSkuIds(user).has(skuId)) n += 1;
  return n;
}

export function freeSeats(tenant: Tenant, sku: SkuRecord): number {
  return sku.prepaidUnits.enabled - consumedUnits(tenant, sku.skuId);
}

export function assignLicense(
  tenant: Tenant,
  user: UserRecord,
  add: { skuId: string; disabledPlans: string[] }[],
  remove: string[],
  now: number,
  effects: LicenseEffects,
): void {
  const usageLocation = user.props.usageLocation;
  if (
    add.length &&
    (typeof usageLocation !== "string" || !usageLocation || user.usageLocationEffectiveAt > now)
  ) {
    throw graphErrors.invalidUsageLocation();
  }
  for (const { skuId } of add) if (!tenant.skus.has(skuId)) throw graphErrors.unknownSku(skuId);
  for (const skuId of remove) {
    if (user.directLicenses.some((l) => l.skuId === skuId)) continue;
    if (user.groupLicenses.some((l) => l.skuId === skuId)) throw graphErrors.inheritedLicense();
    throw graphErrors.licenseNotAssigned();
  }
  const active = activeSkuIds(user);
  const freed = new Set(
    remove.filter((id) => !user.groupLicenses.some((l) => l.skuId === id && l.state === "Active")),
  );
  for (const { skuId } of add) {
    if (active.has(skuId) && !freed.has(skuId)) continue;
    const sku = tenant.skus.get(skuId) as SkuRecord;
    if (freeSeats(tenant, sku) + (freed.has(skuId) ? 1 : 0) < 1) throw graphErrors.noSeats(skuId);
  }
  user.directLicenses = user.directLicenses.filter((l) => !remove.includes(l.skuId));
  for (const { skuId, disabledPlans } of add) {
    const existing = user.directLicenses.find((l) => l.skuId === skuId);
    if (existing) existing.disabledPlans = disabledPlans;
    else user.directLicenses.push({ skuId, disabledPlans, assignedAt: now });
  }
  provisionMailboxIfLicensed(tenant, user, now, effects);
}

/** Re-derives the user's group-based assignments after a membership or group licence change. */
export function reconcileGroupLicenses(
  tenant: Tenant,
  user: UserRecord,
  now: number,
  effects: LicenseEffects,
): void {
  const wanted: { skuId: string; groupId: string; disabledPlans: string[] }[] = [];
  for (const group of directGroupsOf(tenant, user.id)) {
    const licenses = Array.isArray(group.props.assignedLicenses) ? group.props.assignedLicenses : [];
    for (const l of licenses) {
      if (typeof l !== "object" || l === null || Array.isArray(l)) continue;
      const disabled = Array.isArray(l.disabledPlans) ? l.disabledPlans.map(String) : [];
      wanted.push({ skuId: String(l.skuId), groupId: group.id, disabledPlans: disabled });
    }
  }
  const kept = user.groupLicenses.filter((l) =>
    wanted.some((w) => w.skuId === l.skuId && w.groupId === l.groupId),
  );
  user.groupLicenses = kept;
  for (const w of wanted) {
    if (kept.some((l) => l.skuId === w.skuId && l.groupId === w.groupId)) continue;
    const sku = tenant.skus.get(w.skuId);
    const hasSeat = sku !== undefined && (activeSkuIds(user).has(w.skuId) || freeSeats(tenant, sku) >= 1);
    user.groupLicenses.push({
      ...w,
      state: hasSeat ? "Active" : "Error",
      error: hasSeat ? "None" : "CountViolation",
      updatedAt: now,
    });
  }
  provisionMailboxIfLicensed(tenant, user, now, effects);
}

/**
 * reprocessLicenseAssignment: the group assignments left in error are tried again, as Entra does only
 * when asked (or on a later change of the user or group), never on its own when a seat is freed.
 */
export function reprocessGroupLicenses(
  tenant: Tenant,
  user: UserRecord,
  now: number,
  effects: LicenseEffects,
): void {
  reconcileGroupLicenses(tenant, user, now, effects);
  for (const l of user.groupLicenses) {
    if (l.state !== "Error") continue;
    const sku = tenant.skus.get(l.skuId);
    if (sku === undefined || (!activeSkuIds(user).has(l.skuId) && freeSeats(tenant, sku) < 1)) continue;
    l.state = "Active";
    l.error = "None";
    l.updatedAt = now;
  }
  provisionMailboxIfLicensed(tenant, user, now, effects);
}

function provisionMailboxIfLicensed(
  tenant: Tenant,
  user: UserRecord,
  now: number,
  effects: LicenseEffects,
): void {
  if (tenant.mailboxes.has(user.id) || !hasExchangePlan(tenant, user)) return;
  createMailbox(tenant, user, {
    type: "UserMailbox",
    now,
    readyAt: now + effects.mailboxProvisioningDelayMs,
  });
}

export function hasExchangePlan(tenant: Tenant, user: UserRecord): boolean {
  const direct = new Map(user.directLicenses.map((l) => [l.skuId, l.disabledPlans]));
  for (const skuId of activeSkuIds(user)) {
    const sku = tenant.skus.get(skuId);
    const disabled = direct.get(skuId) ?? [];
    if (
      sku?.servicePlans.some((p) => isExchangePlan(p.servicePlanName) && !disabled.includes(p.servicePlanId))
    ) {
      return true;
    }
  }
  return false;
}

export function assignedLicensesView(user: UserRecord): JsonObject[] {
  const out = new Map<string, JsonObject>();
  for (const l of user.directLicenses) out.set(l.skuId, { disabledPlans: l.disabledPlans, skuId: l.skuId });
  for (const l of user.groupLicenses) {
    if (l.state === "Active" && !out.has(l.skuId))
      out.set(l.skuId, { disabledPlans: l.disabledPlans, skuId: l.skuId });
  }
  return [...out.values()];
}

export function licenseAssignmentStatesView(user: UserRecord): JsonObject[] {
  return [
    ...user.directLicenses.map((l) => ({
      assignedByGroup: null,
      disabledPlans: l.disabledPlans,
      error: "None",
      lastUpdatedDateTime: isoSeconds(l.assignedAt),
      skuId: l.skuId,
      state: "Active",
    })),
    ...user.groupLicenses.map((l) => ({
      assignedByGroup: l.groupId,
      disabledPlans: l.disabledPlans,
      error: l.error,
      lastUpdatedDateTime: isoSeconds(l.updatedAt),
      skuId: l.skuId,
      state: l.state,
    })),
  ];
}

const serviceNames: [RegExp, string][] = [
  [/^EXCHANGE/, "exchange"],
  [/^SHAREPOINT/, "SharePoint"],
  [/^TEAMS/, "TeamspaceAPI"],
  [/^INTUNE/, "SCO"],
  [/^AAD_PREMIUM/, "AADPremiumService"],
  [/^MFA/, "MultiFactorService"],
  [/^OFFICE/, "MicrosoftOffice"],
];

function serviceOf(planName: string): string {
  return serviceNames.find(([re]) => re.test(planName))?.[1] ?? planName;
}

function enabledPlans(
  tenant: Tenant,
  user: UserRecord,
): { servicePlanId: string; servicePlanName: string; since: number }[] {
  const plans: { servicePlanId: string; servicePlanName: string; since: number }[] = [];
  for (const l of [...user.directLicenses, ...user.groupLicenses.filter((g) => g.state === "Active")]) {
    const sku = tenant.skus.get(l.skuId);
    const since = "assignedAt" in l ? l.assignedAt : l.updatedAt;
    for (const p of sku?.servicePlans ?? []) {
      if (
        !l.disabledPlans.includes(p.servicePlanId) &&
        !plans.some((x) => x.servicePlanId === p.servicePlanId)
      ) {
        plans.push({ servicePlanId: p.servicePlanId, servicePlanName: p.servicePlanName, since });
      }
    }
  }
  return plans;
}

export function assignedPlansView(tenant: Tenant, user: UserRecord): JsonObject[] {
  return enabledPlans(tenant, user).map((p) => ({
    assignedDateTime: isoSeconds(p.since),
    capabilityStatus: "Enabled",
    service: serviceOf(p.servicePlanName),
    servicePlanId: p.servicePlanId,
  }));
}

/** Exchange reports "PendingInput" until the mailbox is provisioned (reference §13, readiness (a)). */
export function provisionedPlansView(tenant: Tenant, user: UserRecord, now: number): JsonObject[] {
  const mailboxReady = readyMailbox(tenant, user.id, now) !== undefined;
  return enabledPlans(tenant, user).map((p) => {
    const service = serviceOf(p.servicePlanName);
    const status: Json = service === "exchange" && !mailboxReady ? "PendingInput" : "Success";
    return { capabilityStatus: "Enabled", provisioningStatus: status, service };
  });
}

export function skuView(tenant: Tenant, sku: SkuRecord): JsonObject {
  return {
    accountId: tenant.id,
    accountName: tenant.displayName,
    appliesTo: "User",
    capabilityStatus: sku.capabilityStatus,
    consumedUnits: consumedUnits(tenant, sku.skuId),
    id: `${tenant.id}_${sku.skuId}`,
    skuId: sku.skuId,
    skuPartNumber: sku.skuPartNumber,
    subscriptionIds: sku.subscriptionIds,
    prepaidUnits: { ...sku.prepaidUnits },
    servicePlans: sku.servicePlans.map((p) => ({ ...p })),
  };
}

import { randomUUID } from "node:crypto";
import type { GroupRecord, Tenant, UserRecord } from "./model.ts";

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return guidPattern.test(value);
}

/** All tenants of one emulator, found by id or by any of their domains. */
export class Store {
  readonly tenants = new Map<string, Tenant>();

  add(tenant: Tenant): void {
    for (const key of [tenant.id, ...tenant.domains]) {
      if (this.find(key)) throw new Error(`a tenant already answers to '${key}'`);
    }
    this.tenants.set(tenant.id, tenant);
  }

  find(idOrDomain: string): Tenant | undefined {
    const key = idOrDomain.toLowerCase();
    const byId = this.tenants.get(key);
    if (byId) return byId;
    for (const tenant of this.tenants.values()) if (tenant.domains.includes(key)) return tenant;
    return undefined;
  }

  get(idOrDomain: string): Tenant {
    const tenant = this.find(idOrDomain);
    if (!tenant) throw new Error(`no tenant answers to '${idOrDomain}'`);
    return tenant;
  }

  clear(): void {
    this.tenants.clear();
  }
}

export function newTenant(input: { id?: string; displayName: string; domains: string[] }): Tenant {
  const id = (input.id ?? randomUUID()).toLowerCase();
  const domains = input.domains.map((d) => d.toLowerCase());
  const first = domains[0];
  if (!first) throw new Error("a tenant needs at least one domain");
  const prefix = first.split(".")[0]?.replace(/[^a-z0-9]/g, "") || "tenant";
  const initialDomain = domains.find((d) => d.endsWith(".onmicrosoft.com")) ?? `${prefix}.onmicrosoft.com`;
  if (!domains.includes(initialDomain)) domains.push(initialDomain);
  const serverTag = id.replace(/-/g, "").slice(0, 4).toUpperCase();
  return {
    id,
    displayName: input.displayName,
    domains,
    initialDomain,
    apps: [],
    users: new Map(),
    groups: new Map(),
    skus: new Map(),
    mailboxes: new Map(),
    mobileDevices: new Map(),
    managedDevices: new Map(),
    autopilotDevices: new Map(),
    sentMail: [],
    exchangeServer: `DM6PR11MB${serverTag}.NAMPR11.PROD.OUTLOOK.COM`,
  };
}

export function upnOf(user: UserRecord): string {
  return String(user.props.userPrincipalName ?? "");
}

/**
 * A user by object id or UPN. `now` applies replication lag: a fresh object is invisible to reads
 * until its `visibleAt`. Writers that must see everything (uniqueness checks) pass no `now`.
 */
export function findUser(tenant: Tenant, idOrUpn: string, now?: number): UserRecord | undefined {
  const key = idOrUpn.toLowerCase();
  let user = tenant.users.get(key);
  if (!user) {
    for (const candidate of tenant.users.values()) {
      if (upnOf(candidate).toLowerCase() === key) {
        user = candidate;
        break;
      }
    }
  }
  if (user && now !== undefined && user.visibleAt > now) return undefined;
  return user;
}

export function findGroup(tenant: Tenant, id: string, now?: number): GroupRecord | undefined {
  const group = tenant.groups.get(id.toLowerCase());
  if (group && now !== undefined && group.visibleAt > now) return undefined;
  return group;
}

export function visibleUsers(tenant: Tenant, now: number): UserRecord[] {
  return [...tenant.users.values()].filter((u) => u.visibleAt <= now);
}

export function visibleGroups(tenant: Tenant, now: number): GroupRecord[] {
  return [...tenant.groups.values()].filter((g) => g.visibleAt <= now);
}

/** Identity throttling buckets are sized by the tenant's user count (reference §0.4). */
export function tenantSize(tenant: Tenant): "S" | "M" | "L" {
  const n = tenant.users.size;
  return n < 50 ? "S" : n <= 500 ? "M" : "L";
}

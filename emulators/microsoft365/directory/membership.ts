import type { Json } from "../json.ts";
import type { GroupKind, GroupRecord, Tenant, UserRecord } from "../model.ts";
import { findGroup, visibleUsers } from "../state.ts";

/** Who is in which group: static members, nested groups and dynamic rules, read-only. */

export function groupKind(group: GroupRecord): GroupKind {
  const types = Array.isArray(group.props.groupTypes) ? group.props.groupTypes.map(String) : [];
  if (types.includes("DynamicMembership")) return "dynamic";
  if (types.includes("Unified")) return "microsoft365";
  if (group.props.mailEnabled === true)
    return group.props.securityEnabled === true ? "mailEnabledSecurity" : "distribution";
  return "security";
}

/** Mail-enabled security groups and distribution lists belong to Exchange, not Graph (reference §4). */
export function isExchangeManaged(group: GroupRecord): boolean {
  const kind = groupKind(group);
  return kind === "mailEnabledSecurity" || kind === "distribution";
}

export function membersOf(tenant: Tenant, group: GroupRecord, now?: number): string[] {
  if (groupKind(group) === "dynamic") {
    const rule = String(group.props.membershipRule ?? "");
    const users = now === undefined ? [...tenant.users.values()] : visibleUsers(tenant, now);
    return users.filter((u) => evaluateRule(rule, u)).map((u) => u.id);
  }
  const members =
    now !== undefined && group.replica && group.replica.until > now ? group.replica.members : group.members;
  return [...members].filter((id) => isVisible(tenant, id, now));
}

function isVisible(tenant: Tenant, id: string, now: number | undefined): boolean {
  const object = tenant.users.get(id) ?? tenant.groups.get(id);
  return object !== undefined && (now === undefined || object.visibleAt <= now);
}

export function isDirectMember(tenant: Tenant, group: GroupRecord, objectId: string): boolean {
  return membersOf(tenant, group).includes(objectId);
}

export function directGroupsOf(tenant: Tenant, objectId: string, now?: number): GroupRecord[] {
  return [...tenant.groups.values()].filter(
    (g) => (now === undefined || g.visibleAt <= now) && membersOf(tenant, g, now).includes(objectId),
  );
}

export function transitiveGroupsOf(tenant: Tenant, objectId: string, now?: number): GroupRecord[] {
  const seen = new Map<string, GroupRecord>();
  const queue = [objectId];
  while (queue.length) {
    const next = queue.shift() as string;
    for (const g of directGroupsOf(tenant, next, now)) {
      if (!seen.has(g.id)) {
        seen.set(g.id, g);
        queue.push(g.id);
      }
    }
  }
  return [...seen.values()];
}

export function transitiveMembersOf(tenant: Tenant, group: GroupRecord, now?: number): string[] {
  const seen = new Set<string>();
  const queue = [group.id];
  while (queue.length) {
    const current = findGroup(tenant, queue.shift() as string, now);
    if (!current) continue;
    for (const id of membersOf(tenant, current, now)) {
      if (seen.has(id)) continue;
      seen.add(id);
      if (tenant.groups.has(id)) queue.push(id);
    }
  }
  return [...seen];
}

/**
 * A small subset of Entra's dynamic membership rule language: `(user.prop -eq "v")` joined by
 * -and / -or, with -ne, -startsWith and -contains. Anything else matches nobody, which is what a
 * rule in "Paused" processing state would do.
 */
export function evaluateRule(rule: string, user: UserRecord): boolean {
  const tokens = rule.match(/\(|\)|"(?:[^"\\]|\\.)*"|-\w+|[\w.]+/g) ?? [];
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const take = (): string | undefined => tokens[pos++];
  const parseOr = (): boolean => {
    let value = parseAnd();
    while (peek()?.toLowerCase() === "-or") {
      take();
      value = parseAnd() || value;
    }
    return value;
  };
  const parseAnd = (): boolean => {
    let value = parseUnary();
    while (peek()?.toLowerCase() === "-and") {
      take();
      value = parseUnary() && value;
    }
    return value;
  };
  const parseUnary = (): boolean => {
    if (peek()?.toLowerCase() === "-not") {
      take();
      return !parseUnary();
    }
    if (peek() === "(") {
      take();
      const value = parseOr();
      take();
      return value;
    }
    return parseComparison();
  };
  const parseComparison = (): boolean => {
    const path = take() ?? "";
    const op = (take() ?? "").toLowerCase();
    const raw = take() ?? "";
    const actual = readRuleProperty(user, path);
    const expected = raw.startsWith('"') ? raw.slice(1, -1) : raw;
    const a = actual === null || actual === undefined ? "" : String(actual).toLowerCase();
    const e = expected.toLowerCase();
    if (op === "-eq") return a === e;
    if (op === "-ne") return a !== e;
    if (op === "-startswith") return a.startsWith(e);
    if (op === "-contains") return a.includes(e);
    return false;
  };
  try {
    return tokens.length > 0 && parseOr();
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
}

function readRuleProperty(user: UserRecord, path: string): Json | undefined {
  const [subject, property] = path.split(".");
  if (subject?.toLowerCase() !== "user" || !property) return undefined;
  const key = Object.keys(user.props).find((k) => k.toLowerCase() === property.toLowerCase());
  return key === undefined ? undefined : user.props[key];
}

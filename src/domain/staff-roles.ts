/**
 * Who may do what. A staff member holds one role, optionally limited to some clients; a personal API
 * token carries a role and clients no wider than its owner's. Routes ask for a permission, on a client
 * where the thing asked about belongs to one.
 */
export const staffRoles = ["admin", "technician", "approver", "viewer"] as const;
export type StaffRole = (typeof staffRoles)[number];

export const permissions = [
  /** Clients, runs, events, reports, workflows: reading. */
  "read",
  /** Onboarding and offboarding requests, dry runs included. */
  "submit",
  /** Cancel, retry, answer a manual task. */
  "operate",
  /** Approve or reject a run (the client's approval policy decides further who, of those). */
  "approve",
  /** Client configuration and workflow overlays. */
  "configure",
  /** Vendor credentials: set, replace, delete (never read back). */
  "credentials",
  /** Staff accounts, their roles and tokens; the audit log. */
  "administer",
] as const;
export type Permission = (typeof permissions)[number];

const grants: Record<StaffRole, ReadonlySet<Permission>> = {
  admin: new Set(permissions),
  technician: new Set(["read", "submit", "operate", "configure"]),
  approver: new Set(["read", "approve"]),
  viewer: new Set(["read"]),
};

export function roleAllows(role: StaffRole, permission: Permission): boolean {
  return grants[role].has(permission);
}

/** The clients a principal may act on: every client, or these. */
export type ClientScope = "all" | readonly string[];

export interface Principal {
  /** The staff account acting (a token acts as its owner). */
  accountId: string;
  /** What the audit log and the run's events name: the account's sign-in address. */
  email: string;
  role: StaffRole;
  clients: ClientScope;
  /** How the request proved who it is. */
  via: "session" | "token";
  /** The token's id when via a token: what an audit entry and a revocation name. */
  tokenId?: string;
  /** The session's id when via a session: what signing out ends and CSRF tokens are bound to. */
  sessionId?: string;
}

export function inScope(scope: ClientScope, clientId: string): boolean {
  return scope === "all" || scope.includes(clientId);
}

/**
 * Whether the principal may do this, on this client when the thing belongs to one. A question about no
 * particular client (listing) is allowed to a scoped principal; what it lists is filtered by scope.
 */
export function allows(p: Principal, permission: Permission, clientId?: string): boolean {
  if (!roleAllows(p.role, permission)) return false;
  return clientId === undefined || inScope(p.clients, clientId);
}

/** A scope within another: a token may be narrower than its owner, never wider. */
export function scopeWithin(inner: ClientScope, outer: ClientScope): boolean {
  if (outer === "all") return true;
  if (inner === "all") return false;
  return inner.every((c) => outer.includes(c));
}

const rank: Record<StaffRole, number> = { viewer: 0, approver: 1, technician: 2, admin: 3 };

/**
 * Whether a token of role `inner` may be made by an owner of role `outer`: every permission of the
 * inner role must be the owner's too.
 */
export function roleWithin(inner: StaffRole, outer: StaffRole): boolean {
  if (inner === outer || outer === "admin") return true;
  return [...grants[inner]].every((p) => grants[outer].has(p)) && rank[inner] <= rank[outer];
}

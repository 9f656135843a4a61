import type { EmulatorContext } from "./context.ts";
import { GraphError, graphErrors } from "./errors.ts";
import { decodeJwt, verifyJwt } from "./jwt.ts";
import type { Tenant } from "./model.ts";

/** Bearer token checks for Graph and the Exchange admin API: signature, lifetime, audience, tenant. */

export type Resource = "graph" | "exchange";

export const resourceAudiences: Record<Resource, string> = {
  graph: "https://graph.microsoft.com",
  exchange: "https://outlook.office365.com",
};

/** Scope prefixes the token endpoint accepts for each resource (URI or application id). */
export const resourceIdentifiers: Record<string, Resource> = {
  "https://graph.microsoft.com": "graph",
  "00000003-0000-0000-c000-000000000000": "graph",
  "https://outlook.office365.com": "exchange",
  "https://outlook.office.com": "exchange",
  "00000002-0000-0ff1-ce00-000000000000": "exchange",
};

export interface AuthInfo {
  tenant: Tenant;
  appId: string;
  /** App roles for app-only tokens; empty for delegated tokens, which carry `scp` instead. */
  roles: string[];
  delegated: boolean;
  userPrincipalName: string | undefined;
}

export function authenticate(
  ctx: EmulatorContext,
  authorization: string | undefined,
  resource: Resource,
): AuthInfo {
  const token = /^Bearer\s+(.*)$/i.exec(authorization ?? "")?.[1]?.trim() ?? "";
  if (!token) throw graphErrors.tokenEmpty();
  const decoded = decodeJwt(token);
  if (!decoded) throw graphErrors.tokenMalformed();
  if (!verifyJwt(decoded, ctx.signingKey)) throw graphErrors.tokenInvalid();
  const { claims } = decoded;
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= ctx.clock.now())
    throw graphErrors.tokenExpired();
  if (claims.aud !== resourceAudiences[resource]) throw graphErrors.tokenAudience();
  const tenant = typeof claims.tid === "string" ? ctx.store.find(claims.tid) : undefined;
  if (!tenant) throw graphErrors.tokenInvalid();
  const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
  const delegated = typeof claims.scp === "string";
  return {
    tenant,
    appId: String(claims.appid ?? ""),
    roles,
    delegated,
    userPrincipalName: typeof claims.upn === "string" ? claims.upn : undefined,
  };
}

/** App-only callers need one of the route's roles; delegated (GDAP) callers are trusted as admins. */
export function authorize(auth: AuthInfo, anyOf: readonly string[], refusal: () => GraphError): void {
  if (auth.delegated || anyOf.length === 0) return;
  if (!anyOf.some((role) => auth.roles.includes(role))) throw refusal();
}

export const defaultGraphRoles = [
  "User.ReadWrite.All",
  "Group.ReadWrite.All",
  "GroupMember.ReadWrite.All",
  "Directory.ReadWrite.All",
  "Organization.Read.All",
  "LicenseAssignment.ReadWrite.All",
  "UserAuthenticationMethod.ReadWrite.All",
  "MailboxSettings.ReadWrite",
  "Mail.Send",
  "Mail.Read",
  "DeviceManagementManagedDevices.ReadWrite.All",
  "DeviceManagementManagedDevices.PrivilegedOperations.All",
  "DeviceManagementServiceConfig.ReadWrite.All",
];

export const defaultExchangeRoles = ["Exchange.ManageAsApp"];

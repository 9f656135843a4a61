import { failAll, ok, type FieldError, type Result } from "../../domain/result.ts";

/**
 * The ID token claim a staff account is found by, compared case-insensitively with the account's address.
 * Entra puts the user principal name in `preferred_username` without any app configuration; `email` and
 * `upn` are optional claims an Entra admin has to add to the app registration.
 */
export const oidcClaims = ["preferred_username", "email", "upn"] as const;
export type OidcClaim = (typeof oidcClaims)[number];

/** Sign-in with the MSP's own identity provider (its Entra tenant) over OpenID Connect. */
export interface OidcSettings {
  /** The issuer identifier, e.g. `https://login.microsoftonline.com/<tenant id>/v2.0`; discovery starts here. */
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** When set, an ID token whose `tid` claim names another tenant is refused. */
  tenantId?: string;
  claim: OidcClaim;
  /**
   * The address people reach Lifecycle at. The callback is `<publicUrl>/auth/oidc/callback`, the redirect
   * URI the identity provider must have registered. Read when a sign-in starts: the CLI learns its own
   * address only once it listens.
   */
  publicUrl: () => string | undefined;
}

export const oidcCallbackPath = "/auth/oidc/callback";

const env = {
  issuer: "LIFECYCLE_OIDC_ISSUER",
  clientId: "LIFECYCLE_OIDC_CLIENT_ID",
  clientSecret: "LIFECYCLE_OIDC_CLIENT_SECRET",
  tenantId: "LIFECYCLE_OIDC_TENANT",
  claim: "LIFECYCLE_OIDC_CLAIM",
} as const;
export const oidcEnvNames: readonly string[] = Object.values(env);

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]"]);
const entraHost = "login.microsoftonline.com";
// Entra's shared endpoints issue tokens with a per-tenant issuer, so no single issuer could be checked
// and every organisation's accounts would be let through to the account lookup.
const entraSharedTenants = new Set(["common", "organizations", "consumers"]);
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The OIDC settings from the environment, `undefined` when none of them is set (OIDC is off), or the
 * variables at fault. Messages name variables, never their values: the secret is among them.
 */
export function oidcSettingsFromEnv(
  vars: NodeJS.ProcessEnv,
  publicUrl: () => string | undefined,
): Result<OidcSettings | undefined> {
  const read = (name: string) => vars[name]?.trim() || undefined;
  if (oidcEnvNames.every((name) => read(name) === undefined)) return ok(undefined);
  const errors: FieldError[] = [];
  const need = (name: string): string => {
    const value = read(name);
    if (value === undefined)
      errors.push({ field: name, message: "is required once any LIFECYCLE_OIDC_ variable is set" });
    return value ?? "";
  };
  const issuerText = need(env.issuer);
  const issuer = issuerText ? issuerUrl(issuerText, errors) : undefined;
  const clientId = need(env.clientId);
  const clientSecret = need(env.clientSecret);
  const tenantId = read(env.tenantId);
  const claimText = read(env.claim) ?? "preferred_username";
  const claim = oidcClaims.find((c) => c === claimText);
  if (!claim) errors.push({ field: env.claim, message: `must be one of ${oidcClaims.join(", ")}` });
  if (issuer && tenantId) {
    const named = entraTenantOf(issuer);
    if (named && guid.test(named) && named.toLowerCase() !== tenantId.toLowerCase())
      errors.push({ field: env.tenantId, message: `names another tenant than ${env.issuer}` });
  }
  if (errors.length || !issuer || !claim) return failAll(errors);
  return ok({ issuer, clientId, clientSecret, claim, publicUrl, ...(tenantId ? { tenantId } : {}) });
}

function issuerUrl(text: string, errors: FieldError[]): URL | undefined {
  const field = env.issuer;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    errors.push({ field, message: "must be a URL" });
    return undefined;
  }
  // Over plain http the discovery, keys and token answers could be anyone's; only a provider on this
  // machine (a test or a local identity provider) may be reached that way.
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopbackHosts.has(url.hostname))) {
    errors.push({ field, message: "must be https (http only for an address on this machine)" });
    return undefined;
  }
  if (url.search || url.hash) {
    errors.push({ field, message: "must be the issuer identifier, without a query or fragment" });
    return undefined;
  }
  const tenant = entraTenantOf(url);
  if (tenant === undefined) return url;
  const expected = `https://${entraHost}/<tenant id>/v2.0`;
  if (entraSharedTenants.has(tenant.toLowerCase())) {
    errors.push({
      field,
      message: `must name your tenant (${expected}), not "${tenant}", which lets in accounts of any organisation`,
    });
    return undefined;
  }
  // Entra's ID tokens name the tenant by its id on the v2.0 endpoint; by a domain name, or on v1 (issued
  // by sts.windows.net), discovery's issuer would not match the one configured.
  if (!guid.test(tenant) || !/^\/[^/]+\/v2\.0\/?$/.test(url.pathname)) {
    errors.push({ field, message: `must be ${expected}, the tenant named by its id (a GUID)` });
    return undefined;
  }
  return new URL(`https://${entraHost}/${tenant.toLowerCase()}/v2.0`);
}

function entraTenantOf(url: URL): string | undefined {
  if (url.hostname.toLowerCase() !== entraHost) return undefined;
  return url.pathname.split("/").filter(Boolean)[0];
}

/** Where the identity provider sends the browser back: `undefined` while the server's address is unknown. */
export function callbackUrl(settings: OidcSettings): URL | undefined {
  const base = settings.publicUrl();
  if (!base) return undefined;
  try {
    const url = new URL(`${base.replace(/\/+$/, "")}${oidcCallbackPath}`);
    return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
  } catch {
    return undefined;
  }
}

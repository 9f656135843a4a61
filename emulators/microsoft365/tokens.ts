import { header, originOf, requestInfo } from "../kit/pipeline.ts";
import { registerTokenEndpoint, type TokenForm } from "../kit/oauth2.ts";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { resourceAudiences, resourceIdentifiers, type Resource } from "./auth.ts";
import type { EmulatorContext } from "./context.ts";
import { AadError, aadErrors } from "./errors.ts";
import { decodeJwt, signJwt } from "./jwt.ts";
import { latencyOf } from "./pipeline.ts";
import type { AppRegistration, Tenant } from "./model.ts";
import { isGuid } from "./state.ts";

/**
 * The identity platform's v2.0 token endpoint and the discovery documents MSAL reads before it
 * (reference §0.6). MSAL insists on an https authority and validates that the discovery document's
 * `issuer` has the authority's scheme and host, so both are built from the request's own origin.
 */

const jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const reservedTenants = new Set(["common", "organizations", "consumers"]);

export function registerTokenRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  registerTokenEndpoint<Tenant, AadError>(app, {
    url: "/:tenant/oauth2/v2.0/token",
    delayMs: () => latencyOf(ctx, "token"),
    scope(req) {
      const tenant = resolveTenant(ctx, (req.params as { tenant: string }).tenant);
      requestInfo(ctx, req).tenantId = tenant.id;
      return tenant;
    },
    grants: {
      client_credentials: (form, tenant) => issue(ctx, tenant, form, "client_credentials"),
      refresh_token: (form, tenant) => issue(ctx, tenant, form, "refresh_token"),
    },
    errors: { missingParameter: aadErrors.missingParameter, unsupportedGrant: aadErrors.unsupportedGrant },
    isError: (error): error is AadError => error instanceof AadError,
    render: (reply, req, error) => sendAadError(ctx, req, reply, error),
    send: (reply, req, body) => tokenReply(reply, req, 200).send(JSON.stringify(body)),
  });

  app.get<{ Params: { tenant: string } }>(
    "/:tenant/v2.0/.well-known/openid-configuration",
    async (req, reply) => {
      const segment = req.params.tenant;
      let tid = "{tenantid}";
      if (!reservedTenants.has(segment.toLowerCase())) {
        try {
          tid = resolveTenant(ctx, segment).id;
        } catch (error) {
          if (!(error instanceof AadError)) throw error;
          return sendAadError(ctx, req, reply, error);
        }
      }
      return tokenReply(reply, req, 200).send(JSON.stringify(openIdConfiguration(originOf(req), tid)));
    },
  );

  app.get<{ Params: { tenant: string } }>("/:tenant/discovery/v2.0/keys", async (req, reply) =>
    tokenReply(reply, req, 200).send(JSON.stringify({ keys: [] })),
  );

  app.get("/common/discovery/instance", async (req, reply) => {
    const query = req.query as Record<string, unknown>;
    const authorize =
      typeof query.authorization_endpoint === "string" ? query.authorization_endpoint : undefined;
    let host = req.host;
    let tenantSegment = "common";
    if (authorize) {
      const url = new URL(authorize);
      host = url.host;
      tenantSegment = url.pathname.split("/")[1] || "common";
    }
    const microsoft = [
      "login.microsoftonline.com",
      "login.windows.net",
      "login.microsoft.com",
      "sts.windows.net",
    ];
    const metadata = [
      {
        preferred_network: "login.microsoftonline.com",
        preferred_cache: "login.windows.net",
        aliases: microsoft,
      },
    ];
    if (!microsoft.includes(host))
      metadata.unshift({ preferred_network: host, preferred_cache: host, aliases: [host] });
    const body = {
      tenant_discovery_endpoint: `https://${host}/${tenantSegment}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata,
    };
    return tokenReply(reply, req, 200).send(JSON.stringify(body));
  });
}

function resolveTenant(ctx: EmulatorContext, segment: string): Tenant {
  const looksValid = isGuid(segment) || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(segment);
  if (!looksValid) throw aadErrors.tenantIdentifier(segment);
  const tenant = ctx.store.find(segment);
  if (!tenant) throw aadErrors.tenantNotFound(segment);
  return tenant;
}

function openIdConfiguration(origin: string, tid: string): Record<string, unknown> {
  const base = `${origin}/${tid}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${origin}/${tid}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      "sub",
      "iss",
      "aud",
      "exp",
      "iat",
      "nonce",
      "tid",
      "ver",
      "oid",
      "name",
      "preferred_username",
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: "NA",
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
    rbac_url: "https://pas.windows.net",
  };
}

function issue(
  ctx: EmulatorContext,
  tenant: Tenant,
  form: TokenForm,
  grant: "client_credentials" | "refresh_token",
): Record<string, unknown> {
  const clientId = form.client_id ?? "";
  const resource = resourceOf(tenant, form.scope, grant === "client_credentials");
  const app = tenant.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  if (!app) throw aadErrors.appNotFound(clientId, tenant.displayName);
  const assertionType = authenticateClient(ctx, tenant, app, form);
  if (!app.consented) throw aadErrors.noConsent(app.clientId, app.displayName);
  const now = ctx.clock.now();
  const lifetime = ctx.settings.tokenLifetimeSeconds;
  const base = accessClaims(tenant, app, resource, now, lifetime, assertionType);
  if (grant === "client_credentials") {
    const roles = resource === "graph" ? app.graphRoles : app.exchangeRoles;
    return tokenBody(signJwt({ ...base, idtyp: "app", roles }, ctx.signingKey), lifetime);
  }
  const refresh = ctx.refreshTokens.get(form.refresh_token ?? "");
  if (!refresh || refresh.clientId.toLowerCase() !== app.clientId.toLowerCase())
    throw aadErrors.malformedGrant();
  if (refresh.expired) throw aadErrors.refreshExpired(new Date(refresh.issuedAt).toISOString());
  const rotated = `0.A${randomBytes(48).toString("base64url")}`;
  ctx.refreshTokens.set(rotated, { ...refresh, issuedAt: now });
  const claims = {
    ...base,
    idtyp: "user",
    scp: "Directory.AccessAsUser.All",
    upn: refresh.userPrincipalName,
    name: refresh.userPrincipalName,
  };
  return {
    ...tokenBody(signJwt(claims, ctx.signingKey), lifetime),
    scope: `${resourceAudiences[resource]}/.default`,
    refresh_token: rotated,
  };
}

function resourceOf(tenant: Tenant, scope: string | undefined, appOnly: boolean): Resource {
  if (!scope) throw aadErrors.scopeMissing();
  const resourceScopes = scope
    .split(/\s+/)
    .filter((s) => s && !["offline_access", "openid", "profile", "email"].includes(s));
  const resources = new Set(resourceScopes.map((s) => s.slice(0, s.lastIndexOf("/"))));
  if (resourceScopes.length === 0 || resources.size !== 1) throw aadErrors.scopeInvalid(scope);
  const only = resourceScopes[0] as string;
  if (appOnly && (resourceScopes.length !== 1 || !only.endsWith("/.default")))
    throw aadErrors.scopeNotDefault(scope);
  const resource = resourceIdentifiers[only.slice(0, only.lastIndexOf("/")).toLowerCase()];
  if (!resource) throw aadErrors.resourceNotFound(only.slice(0, only.lastIndexOf("/")), tenant.displayName);
  return resource;
}

/** Returns the `appidacr` the token should carry: "1" for a secret, "2" for a certificate. */
function authenticateClient(
  ctx: EmulatorContext,
  tenant: Tenant,
  app: AppRegistration,
  form: Record<string, string>,
): string {
  if (form.client_secret) {
    if (!app.secrets.includes(form.client_secret)) throw aadErrors.badSecret(app.clientId);
    return "1";
  }
  if (!form.client_assertion) throw aadErrors.missingCredential();
  if (form.client_assertion_type !== jwtBearer) throw aadErrors.assertionMalformed();
  const decoded = decodeJwt(form.client_assertion);
  if (!decoded) throw aadErrors.assertionMalformed();
  const { claims, header: jwtHeader } = decoded;
  if (claims.iss !== app.clientId || claims.sub !== app.clientId) throw aadErrors.assertionClientMismatch();
  const aud = typeof claims.aud === "string" ? claims.aud : "";
  if (!audienceNamesTenant(ctx, tenant, aud)) throw aadErrors.assertionAudience(aud);
  const nowSeconds = ctx.clock.now() / 1000;
  const skew = 300;
  if (typeof claims.exp !== "number" || claims.exp + skew < nowSeconds) throw aadErrors.assertionExpired();
  if (typeof claims.nbf === "number" && claims.nbf - skew > nowSeconds) throw aadErrors.assertionExpired();
  if (app.certificateThumbprints.length) {
    const presented = [jwtHeader.x5t, jwtHeader["x5t#S256"]].filter(
      (v): v is string => typeof v === "string",
    );
    if (!presented.some((t) => app.certificateThumbprints.includes(t)))
      throw aadErrors.assertionCertificate();
  }
  return "2";
}

/** The assertion must be addressed to this tenant's token endpoint, on whichever host served it. */
function audienceNamesTenant(ctx: EmulatorContext, tenant: Tenant, aud: string): boolean {
  let url: URL;
  try {
    url = new URL(aud);
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
  const match = /^\/([^/]+)\/(oauth2\/v2\.0\/token|oauth2\/token|v2\.0)\/?$/.exec(url.pathname);
  return match !== null && ctx.store.find(decodeURIComponent(match[1] as string))?.id === tenant.id;
}

function accessClaims(
  tenant: Tenant,
  app: AppRegistration,
  resource: Resource,
  now: number,
  lifetime: number,
  appidacr: string,
): Record<string, unknown> {
  const iat = Math.floor(now / 1000);
  const oid = servicePrincipalId(tenant.id, app.clientId);
  return {
    aud: resourceAudiences[resource],
    iss: `https://sts.windows.net/${tenant.id}/`,
    iat,
    nbf: iat,
    exp: iat + lifetime,
    aio: randomBytes(24).toString("base64url"),
    app_displayname: app.displayName,
    appid: app.clientId,
    appidacr,
    idp: `https://sts.windows.net/${tenant.id}/`,
    oid,
    rh: `0.A${randomBytes(12).toString("base64url")}.`,
    sub: oid,
    tenant_region_scope: "NA",
    tid: tenant.id,
    uti: randomBytes(16).toString("base64url"),
    ver: "1.0",
  };
}

/** A stable object id for the app's service principal in the tenant, shaped like a GUID. */
function servicePrincipalId(tenantId: string, clientId: string): string {
  const h = createHash("sha1").update(`${tenantId}/${clientId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function tokenBody(accessToken: string, lifetime: number): Record<string, unknown> {
  return { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken };
}

function tokenReply(reply: FastifyReply, req: FastifyRequest, status: number): FastifyReply {
  const sent = header(req, "client-request-id");
  if (sent) reply.header("client-request-id", sent);
  return reply
    .code(status)
    .header("content-type", "application/json; charset=utf-8")
    .header("cache-control", "no-store, no-cache")
    .header("pragma", "no-cache")
    .header("x-ms-request-id", randomUUID());
}

function sendAadError(
  ctx: EmulatorContext,
  req: FastifyRequest,
  reply: FastifyReply,
  error: AadError,
): FastifyReply {
  const traceId = randomUUID();
  const correlationId = header(req, "client-request-id") ?? randomUUID();
  const now = new Date(ctx.clock.now());
  const timestamp = `${now.toISOString().slice(0, 10)} ${now.toISOString().slice(11, 19)}Z`;
  const body = {
    error: error.error,
    error_description: `AADSTS${error.aadsts}: ${error.text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [error.aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${error.aadsts}`,
  };
  if (error.status === 401) reply.header("www-authenticate", 'Basic realm="login.microsoftonline.com"');
  return tokenReply(reply, req, error.status).header("x-ms-request-id", traceId).send(JSON.stringify(body));
}

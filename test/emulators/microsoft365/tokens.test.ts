import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTenant, request, startEmulator, token, tokenRequest, type TestTenant } from "./helpers.ts";
import type { Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";

function claimsOf(jwt: string): Record<string, unknown> {
  const part = jwt.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}

function aadError(reply: { json: Record<string, unknown> }): {
  error: string;
  codes: unknown;
  description: string;
} {
  return {
    error: String(reply.json.error),
    codes: reply.json.error_codes,
    description: String(reply.json.error_description),
  };
}

describe("token endpoint", () => {
  let emu: Microsoft365Emulator;
  let tenant: TestTenant;
  before(async () => {
    emu = await startEmulator();
    tenant = createTenant(emu.admin);
  });
  after(() => emu.close());

  const creds = () => ({
    grant_type: "client_credentials",
    client_id: tenant.clientId,
    client_secret: tenant.clientSecret,
  });

  it("issues a JWT-shaped bearer token with tid, appid, aud, roles and exp, by domain or by id", async () => {
    for (const segment of [tenant.domain, tenant.id]) {
      const reply = await tokenRequest(emu.url, segment, {
        ...creds(),
        scope: "https://graph.microsoft.com/.default",
      });
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.json).sort(), [
        "access_token",
        "expires_in",
        "ext_expires_in",
        "token_type",
      ]);
      assert.equal(reply.json.token_type, "Bearer");
      assert.equal(reply.json.expires_in, 3599);
      assert.equal(reply.json.ext_expires_in, 3599);
      const jwt = String(reply.json.access_token);
      assert.match(jwt, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      const claims = claimsOf(jwt);
      assert.equal(claims.tid, tenant.id);
      assert.equal(claims.appid, tenant.clientId);
      assert.equal(claims.aud, "https://graph.microsoft.com");
      assert.ok(Array.isArray(claims.roles) && claims.roles.includes("User.ReadWrite.All"));
      assert.ok(typeof claims.exp === "number" && claims.exp > Date.now() / 1000 + 3000);
    }
  });

  it("issues an Exchange token whose audience is outlook.office365.com", async () => {
    const claims = claimsOf(await token(emu.url, tenant, "https://outlook.office365.com"));
    assert.equal(claims.aud, "https://outlook.office365.com");
    assert.deepEqual(claims.roles, ["Exchange.ManageAsApp"]);
  });

  it("answers an unknown tenant with AADSTS90002 and the full error envelope", async () => {
    const reply = await tokenRequest(emu.url, "nobody.example.org", {
      ...creds(),
      scope: "https://graph.microsoft.com/.default",
    });
    assert.equal(reply.status, 400);
    const e = aadError(reply);
    assert.equal(e.error, "invalid_request");
    assert.deepEqual(e.codes, [90002]);
    assert.match(e.description, /^AADSTS90002: Tenant 'nobody\.example\.org' not found\./);
    assert.match(
      e.description,
      /\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
    assert.match(String(reply.json.timestamp), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.ok(reply.json.trace_id && reply.json.correlation_id);
    assert.equal(reply.json.error_uri, "https://login.microsoftonline.com/error?code=90002");
  });

  it("answers a tenant identifier that is neither a GUID nor a DNS name with AADSTS900023", async () => {
    const reply = await tokenRequest(emu.url, "not_a_tenant", {
      ...creds(),
      scope: "https://graph.microsoft.com/.default",
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(aadError(reply).codes, [900023]);
  });

  it("answers a wrong secret with 401 invalid_client AADSTS7000215", async () => {
    const reply = await tokenRequest(emu.url, tenant.domain, {
      ...creds(),
      client_secret: "wrong",
      scope: "https://graph.microsoft.com/.default",
    });
    assert.equal(reply.status, 401);
    const e = aadError(reply);
    assert.equal(e.error, "invalid_client");
    assert.deepEqual(e.codes, [7000215]);
    assert.match(
      e.description,
      /^AADSTS7000215: Invalid client secret provided\. Ensure the secret being sent in the request is the client secret value, not the client secret ID/,
    );
  });

  it("refuses scopes that are not one resource's /.default", async () => {
    const notDefault = await tokenRequest(emu.url, tenant.domain, {
      ...creds(),
      scope: "https://graph.microsoft.com/User.Read.All",
    });
    assert.equal(notDefault.status, 400);
    assert.equal(notDefault.json.error, "invalid_scope");
    assert.deepEqual(notDefault.json.error_codes, [1002012]);
    const twoResources = await tokenRequest(emu.url, tenant.domain, {
      ...creds(),
      scope: "https://graph.microsoft.com/.default https://outlook.office365.com/.default",
    });
    assert.deepEqual(twoResources.json.error_codes, [70011]);
    const missing = await tokenRequest(emu.url, tenant.domain, creds());
    assert.deepEqual(missing.json.error_codes, [70011]);
  });

  it("answers an app without admin consent with AADSTS65001 and an unknown app with AADSTS700016", async () => {
    const unconsented = createTenant(emu.admin, { consented: false });
    const reply = await tokenRequest(emu.url, unconsented.domain, {
      grant_type: "client_credentials",
      client_id: unconsented.clientId,
      client_secret: unconsented.clientSecret,
      scope: "https://graph.microsoft.com/.default",
    });
    assert.equal(reply.status, 400);
    assert.equal(reply.json.error, "invalid_grant");
    assert.deepEqual(reply.json.error_codes, [65001]);
    const stranger = await tokenRequest(emu.url, tenant.domain, {
      ...creds(),
      client_id: "00000000-1111-2222-3333-444444444444",
      scope: "https://graph.microsoft.com/.default",
    });
    assert.deepEqual(stranger.json.error_codes, [700016]);
  });

  it("accepts a client assertion addressed to the tenant's token endpoint and refuses one addressed elsewhere", async () => {
    const assertion = (aud: string) => {
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const now = Math.floor(Date.now() / 1000);
      const claims = { aud, iss: tenant.clientId, sub: tenant.clientId, jti: "1", nbf: now, exp: now + 600 };
      return `${b64({ alg: "RS256", typ: "JWT", x5t: "abc" })}.${b64(claims)}.c2ln`;
    };
    const form = (aud: string) => ({
      grant_type: "client_credentials",
      client_id: tenant.clientId,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion(aud),
      scope: "https://graph.microsoft.com/.default",
    });
    const good = await tokenRequest(
      emu.url,
      tenant.domain,
      form(`https://login.microsoftonline.com/${tenant.id}/oauth2/v2.0/token`),
    );
    assert.equal(good.status, 200);
    assert.equal(claimsOf(String(good.json.access_token)).appidacr, "2");
    const bad = await tokenRequest(
      emu.url,
      tenant.domain,
      form("https://login.microsoftonline.com/other-tenant.example/oauth2/v2.0/token"),
    );
    assert.equal(bad.status, 401);
    assert.equal(bad.json.error, "invalid_client");
  });

  it("redeems a partner refresh token for a delegated token in a consented tenant and refuses an expired one", async () => {
    const refresh = emu.admin.issueRefreshToken({
      clientId: tenant.clientId,
      userPrincipalName: "sam@partner.example",
    });
    const reply = await tokenRequest(emu.url, tenant.id, {
      grant_type: "refresh_token",
      client_id: tenant.clientId,
      client_secret: tenant.clientSecret,
      refresh_token: refresh,
      scope: "https://graph.microsoft.com/.default offline_access",
    });
    assert.equal(reply.status, 200);
    assert.ok(String(reply.json.refresh_token).length > 20);
    const claims = claimsOf(String(reply.json.access_token));
    assert.equal(claims.tid, tenant.id);
    assert.equal(claims.upn, "sam@partner.example");
    assert.equal(typeof claims.scp, "string");
    const expired = emu.admin.issueRefreshToken({
      clientId: tenant.clientId,
      userPrincipalName: "sam@partner.example",
      expired: true,
    });
    const refused = await tokenRequest(emu.url, tenant.id, {
      grant_type: "refresh_token",
      client_id: tenant.clientId,
      client_secret: tenant.clientSecret,
      refresh_token: expired,
      scope: "https://graph.microsoft.com/.default",
    });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.json.error_codes, [700082]);
  });

  it("serves discovery documents whose issuer and token endpoint use the caller's own origin", async () => {
    const reply = await request(`${emu.url}/${tenant.domain}/v2.0/.well-known/openid-configuration`);
    assert.equal(reply.status, 200);
    assert.equal(reply.json.issuer, `${emu.url}/${tenant.id}/v2.0`);
    assert.equal(reply.json.token_endpoint, `${emu.url}/${tenant.id}/oauth2/v2.0/token`);
    const forwarded = await request(`${emu.url}/${tenant.domain}/v2.0/.well-known/openid-configuration`, {
      headers: { "x-forwarded-proto": "https", "x-forwarded-host": "login.microsoftonline.com" },
    });
    assert.equal(forwarded.json.issuer, `https://login.microsoftonline.com/${tenant.id}/v2.0`);
    const instance = await request(
      `${emu.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=https://127.0.0.1:9/${tenant.domain}/oauth2/v2.0/authorize`,
    );
    assert.equal(instance.json["api-version"], "1.1");
    assert.ok(Array.isArray(instance.json.metadata));
  });
});

describe("bearer checks on Graph", () => {
  let emu: Microsoft365Emulator;
  let tenant: TestTenant;
  before(async () => {
    emu = await startEmulator();
    tenant = createTenant(emu.admin);
  });
  after(() => emu.close());

  it("answers a missing token with 401 InvalidAuthenticationToken 'Access token is empty.'", async () => {
    const reply = await request(`${emu.url}/v1.0/users`);
    assert.equal(reply.status, 401);
    const error = reply.json.error as Record<string, unknown>;
    assert.equal(error.code, "InvalidAuthenticationToken");
    assert.equal(error.message, "Access token is empty.");
    assert.ok(reply.headers.get("www-authenticate"));
  });

  it("answers an Exchange-audience token with 401 InvalidAuthenticationToken", async () => {
    const exo = await token(emu.url, tenant, "https://outlook.office365.com");
    const reply = await request(`${emu.url}/v1.0/users`, { headers: { authorization: `Bearer ${exo}` } });
    assert.equal(reply.status, 401);
    assert.equal((reply.json.error as Record<string, unknown>).code, "InvalidAuthenticationToken");
  });

  it("answers a token past its expiry with 401 'Access token has expired.'", async () => {
    const jwt = await token(emu.url, tenant);
    emu.admin.advanceClock(3600_000);
    const reply = await request(`${emu.url}/v1.0/users`, { headers: { authorization: `Bearer ${jwt}` } });
    assert.equal(reply.status, 401);
    assert.equal((reply.json.error as Record<string, unknown>).message, "Access token has expired.");
  });

  it("answers an app without the route's permission with 403 Authorization_RequestDenied", async () => {
    const info = emu.admin.createTenant({
      displayName: "Read only",
      domains: ["readonly.example.net"],
      apps: [{ clientSecret: "s3cret", roles: ["User.Read.All"] }],
    });
    const app = info.apps[0];
    assert.ok(app);
    const ro = {
      id: info.id,
      domain: "readonly.example.net",
      clientId: app.clientId,
      clientSecret: "s3cret",
    };
    const jwt = await token(emu.url, ro);
    const reply = await request(`${emu.url}/v1.0/users`, {
      method: "POST",
      headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(reply.status, 403);
    assert.deepEqual(
      {
        code: (reply.json.error as Record<string, unknown>).code,
        message: (reply.json.error as Record<string, unknown>).message,
      },
      { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." },
    );
  });
});

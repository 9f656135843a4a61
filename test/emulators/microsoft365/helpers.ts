import { randomUUID } from "node:crypto";
import {
  startMicrosoft365Emulator,
  type Microsoft365Admin,
  type Microsoft365Emulator,
  type Microsoft365EmulatorOptions,
} from "../../../emulators/microsoft365/index.ts";

/** One emulator per test file, real HTTP, and a fresh tenant per test so tests cannot see each other. */

export interface TestTenant {
  id: string;
  domain: string;
  clientId: string;
  clientSecret: string;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // Tests read fields freely; the assertions are the type checks.
  json: Record<string, unknown>;
}

export async function startEmulator(opts: Microsoft365EmulatorOptions = {}): Promise<Microsoft365Emulator> {
  return startMicrosoft365Emulator({ profile: "fast", ...opts });
}

/**
 * Test tenants' apps hold the User Administrator role, as the Acme seed's does, so password resets work
 * unless a test takes the role away (`directoryRoles: []`).
 */
export function createTenant(
  admin: Microsoft365Admin,
  extra: { consented?: boolean; directoryRoles?: string[] } = {},
): TestTenant {
  const domain = `t${randomUUID().slice(0, 8)}.example.com`;
  const clientSecret = `secret-${randomUUID()}`;
  const info = admin.createTenant({
    displayName: `Tenant ${domain}`,
    domains: [domain],
    apps: [
      {
        clientSecret,
        displayName: "Lifecycle tests",
        consented: extra.consented ?? true,
        directoryRoles: extra.directoryRoles ?? ["User Administrator"],
      },
    ],
  });
  const app = info.apps[0];
  if (!app) throw new Error("tenant created without an app");
  return { id: info.id, domain, clientId: app.clientId, clientSecret };
}

export async function request(url: string, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: Record<string, unknown> = {};
  if (text && (response.headers.get("content-type") ?? "").includes("json")) {
    json = JSON.parse(text) as Record<string, unknown>;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export async function tokenRequest(
  url: string,
  tenant: string,
  form: Record<string, string>,
): Promise<Reply> {
  return request(`${url}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

export async function token(
  url: string,
  tenant: TestTenant,
  resource = "https://graph.microsoft.com",
): Promise<string> {
  const reply = await tokenRequest(url, tenant.domain, {
    grant_type: "client_credentials",
    client_id: tenant.clientId,
    client_secret: tenant.clientSecret,
    scope: `${resource}/.default`,
  });
  if (reply.status !== 200) throw new Error(`token request failed: ${reply.status} ${reply.text}`);
  return String(reply.json.access_token);
}

/** A Graph client bound to one tenant's token. */
export interface Graph {
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
}

export async function graphFor(url: string, tenant: TestTenant): Promise<Graph> {
  const bearer = await token(url, tenant);
  const send = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> =>
    request(path.startsWith("http") ? path : `${url}/v1.0${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { get: (path, headers) => send("GET", path, undefined, headers), send };
}

/** Exchange admin API InvokeCommand with a token for outlook.office365.com. */
export async function exchangeFor(
  url: string,
  tenant: TestTenant,
): Promise<
  (cmdlet: string, parameters?: Record<string, unknown>, headers?: Record<string, string>) => Promise<Reply>
> {
  const bearer = await token(url, tenant, "https://outlook.office365.com");
  return (cmdlet, parameters = {}, headers = {}) =>
    request(`${url}/adminapi/beta/${tenant.id}/InvokeCommand`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${bearer}`,
        "content-type": "application/json; charset=utf-8",
        ...headers,
      },
      body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } }),
    });
}

export function newUserBody(domain: string, name = `u${randomUUID().slice(0, 6)}`): Record<string, unknown> {
  return {
    accountEnabled: true,
    displayName: `User ${name}`,
    mailNickname: name,
    userPrincipalName: `${name}@${domain}`,
    passwordProfile: { forceChangePasswordNextSignIn: true, password: "xWwvJ]6NMw+bWH-d" },
  };
}

/** The `error` object of a Graph error body. */
export function graphError(reply: Reply): {
  code: string;
  message: string;
  innerError: Record<string, string>;
  details?: unknown[];
} {
  const error = reply.json.error as {
    code: string;
    message: string;
    innerError: Record<string, string>;
    details?: unknown[];
  };
  if (!error) throw new Error(`not a Graph error: ${reply.status} ${reply.text}`);
  return error;
}

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import {
  ConfidentialClientApplication,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from "@azure/msal-node";
import { selfSignedTls } from "../../../emulators/kit/tls.ts";
import { acme, type Microsoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import { seedAcme } from "../../../emulators/microsoft365/seed-acme.ts";
import { startEmulator } from "./helpers.ts";

/**
 * What @azure/msal-node (v7) needs from the emulator. MSAL refuses an http authority outright
 * (authority_uri_insecure), so there are two ways in:
 *  - keep MSAL's stack and serve HTTPS with a trusted certificate (NODE_EXTRA_CA_CERTS, read at start-up);
 *  - give MSAL a network client that carries its https URLs to the emulator over http, telling the
 *    emulator the original scheme and host (X-Forwarded-Proto/-Host) so the discovery document's
 *    issuer matches the authority, which MSAL checks.
 * With a custom authority and knownAuthorities MSAL asks for the tenant's openid-configuration, then
 * POSTs the token endpoint it names. With the default login.microsoftonline.com authority it uses its
 * built-in metadata and goes straight to the token endpoint.
 */

function forwardingClient(emulatorUrl: string, seen: string[]): INetworkModule {
  const send = async <T>(
    url: string,
    method: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    const original = new URL(url);
    seen.push(`${method} ${original.host}${original.pathname}`);
    const response = await fetch(`${emulatorUrl}${original.pathname}${original.search}`, {
      method,
      headers: {
        ...(options?.headers ?? {}),
        "x-forwarded-proto": original.protocol.replace(":", ""),
        "x-forwarded-host": original.host,
      },
      ...(options?.body !== undefined ? { body: options.body } : {}),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { headers, body: (await response.json()) as T, status: response.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send(url, "GET", options),
    sendPostRequestAsync: (url, options) => send(url, "POST", options),
  };
}

describe("@azure/msal-node against the emulator", () => {
  let emu: Microsoft365Emulator;
  before(async () => {
    emu = await startEmulator();
    seedAcme(emu.admin);
  });
  after(() => emu.close());

  it("acquires a client-credentials token for a custom https authority through a forwarding network client", async () => {
    const seen: string[] = [];
    const host = new URL(emu.url).host;
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: acme.clientId,
        clientSecret: acme.clientSecret,
        authority: `https://${host}/${acme.domain}`,
        knownAuthorities: [host],
      },
      system: { networkClient: forwardingClient(emu.url, seen) },
    });
    const result = await app.acquireTokenByClientCredential({
      scopes: ["https://graph.microsoft.com/.default"],
    });
    assert.ok(result?.accessToken);
    assert.equal(result.tokenType, "Bearer");
    assert.deepEqual(seen, [
      `GET ${host}/${acme.domain}/v2.0/.well-known/openid-configuration`,
      // MSAL puts the authority's own tenant segment back into the advertised token endpoint.
      `POST ${host}/${acme.domain}/oauth2/v2.0/token`,
    ]);
    const graph = await fetch(`${emu.url}/v1.0/users?$top=1`, {
      headers: { authorization: `Bearer ${result.accessToken}` },
    });
    assert.equal(graph.status, 200);
    const cached = await app.acquireTokenByClientCredential({
      scopes: ["https://graph.microsoft.com/.default"],
    });
    assert.equal(cached?.accessToken, result.accessToken, "the second call is served from MSAL's cache");
    assert.equal(seen.length, 2);
  });

  it("acquires a token with MSAL's default login.microsoftonline.com authority when its requests are forwarded", async () => {
    const seen: string[] = [];
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: acme.clientId,
        clientSecret: acme.clientSecret,
        authority: `https://login.microsoftonline.com/${acme.tenantId}`,
      },
      system: { networkClient: forwardingClient(emu.url, seen) },
    });
    const result = await app.acquireTokenByClientCredential({
      scopes: ["https://outlook.office365.com/.default"],
    });
    assert.ok(result?.accessToken);
    assert.deepEqual(seen, [`POST login.microsoftonline.com/${acme.tenantId}/oauth2/v2.0/token`]);
  });

  it("surfaces the emulator's AADSTS error for a wrong secret as MSAL's ServerError", async () => {
    const host = new URL(emu.url).host;
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: acme.clientId,
        clientSecret: "wrong",
        authority: `https://${host}/${acme.domain}`,
        knownAuthorities: [host],
      },
      system: { networkClient: forwardingClient(emu.url, []) },
    });
    await assert.rejects(
      app.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] }),
      (error: Error) => {
        assert.match(error.message, /AADSTS7000215/);
        return true;
      },
    );
  });

  it("acquires a token with MSAL's own network stack over HTTPS when the test certificate is trusted", async () => {
    const script = fileURLToPath(new URL("./fixtures/msal-over-tls.ts", import.meta.url));
    // A certificate made for this run: Node reads NODE_EXTRA_CA_CERTS only at start-up, so the child
    // must know it before the emulator it starts serves it.
    const dir = mkdtempSync(join(tmpdir(), "lifecycle-msal-tls-"));
    const tls = selfSignedTls();
    writeFileSync(join(dir, "key.pem"), tls.key);
    writeFileSync(join(dir, "cert.pem"), tls.cert);
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: join(dir, "cert.pem"),
        EMULATOR_TLS_KEY: join(dir, "key.pem"),
        EMULATOR_TLS_CERT: join(dir, "cert.pem"),
      },
      timeout: 30_000,
    }).finally(() => rmSync(dir, { recursive: true, force: true }));
    const outcome = JSON.parse(stdout) as { tokenType: string; graphStatus: number; calls: string[] };
    assert.equal(outcome.tokenType, "Bearer");
    assert.equal(outcome.graphStatus, 200);
    assert.deepEqual(outcome.calls, [
      "GET /:tenant/v2.0/.well-known/openid-configuration 200",
      "POST /:tenant/oauth2/v2.0/token 200",
      "GET /v1.0/users/:id 200",
    ]);
  });
});

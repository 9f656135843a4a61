import { ConfidentialClientApplication, type INetworkModule, type NetworkResponse } from "@azure/msal-node";
import { LifecycleError } from "../../domain/errors.ts";
import { VendorError } from "../http/index.ts";

export const publicAuthorityHost = "https://login.microsoftonline.com";

const tokenTimeoutMs = 30_000;

export interface AppCredential {
  clientId: string;
  /** A client secret, or a certificate: exactly one. */
  clientSecret?: string;
  certificate?: { thumbprintSha256: string; privateKey: string; x5c?: string };
}

export interface TokenSourceOptions {
  /** Where the token endpoint lives; the emulator in tests and the demo. */
  authorityHost?: string;
}

/**
 * MSAL insists on https authorities. To point it at a local emulator (plain http), MSAL keeps the public
 * authority and this network module re-targets its requests; against the real cloud it is plain fetch.
 */
function retargetingNetwork(from: string, to: string): INetworkModule {
  const send = async <T>(url: string, init: RequestInit): Promise<NetworkResponse<T>> => {
    const target = url.startsWith(from) ? `${to}${url.slice(from.length)}` : url;
    // A token endpoint that never answers must not hold a worker (its heartbeat keeps the lease alive).
    const res = await fetch(target, { ...init, signal: AbortSignal.timeout(tokenTimeoutMs) });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return { headers, body: (await res.json()) as T, status: res.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send(url, { method: "GET", headers: options?.headers }),
    sendPostRequestAsync: (url, options) =>
      send(url, { method: "POST", headers: options?.headers, body: options?.body }),
  };
}

/**
 * App-only tokens per customer tenant and resource, cached by MSAL until shortly before they expire.
 * One instance per process, passed to the connectors that need it: Graph and Exchange Online both sign
 * in through Entra ID, so this lives apart from either.
 */
export class TokenSource {
  private readonly apps = new Map<string, ConfidentialClientApplication>();
  private readonly authorityHost: string;

  constructor(opts: TokenSourceOptions = {}) {
    this.authorityHost = (opts.authorityHost ?? publicAuthorityHost).replace(/\/+$/, "");
  }

  async token(tenantId: string, credential: AppCredential, resource: string): Promise<string> {
    const app = this.app(tenantId, credential);
    try {
      const result = await app.acquireTokenByClientCredential({ scopes: [`${resource}/.default`] });
      if (!result?.accessToken) throw new Error("no access token in the token response");
      return result.accessToken;
    } catch (err) {
      throw tokenFailure(tenantId, err);
    }
  }

  private app(tenantId: string, credential: AppCredential): ConfidentialClientApplication {
    const key = `${tenantId}\u0000${credential.clientId}`;
    let app = this.apps.get(key);
    if (!app) {
      if (!credential.clientSecret === !credential.certificate) {
        throw new LifecycleError({
          kind: "invalid",
          code: "NOT_CONFIGURED",
          message: `tenant ${tenantId}: give a client secret or a certificate, exactly one`,
        });
      }
      const local = this.authorityHost !== publicAuthorityHost;
      app = new ConfidentialClientApplication({
        auth: {
          clientId: credential.clientId,
          authority: `${publicAuthorityHost}/${tenantId}`,
          ...(credential.clientSecret ? { clientSecret: credential.clientSecret } : {}),
          ...(credential.certificate ? { clientCertificate: credential.certificate } : {}),
          ...(local ? { knownAuthorities: [new URL(publicAuthorityHost).host] } : {}),
        },
        system: local ? { networkClient: retargetingNetwork(publicAuthorityHost, this.authorityHost) } : {},
      });
      this.apps.set(key, app);
    }
    return app;
  }
}

/** The API label of Entra ID's token endpoint in failures. */
export const identityApi = "microsoft-identity";

/**
 * Token errors are configuration problems (wrong secret, missing consent, unknown tenant): retrying
 * cannot fix them, so they fail as "permission" with the AADSTS code kept as the vendor's and the tenant
 * named. An unreachable endpoint is the exception: that may pass.
 */
function tokenFailure(tenantId: string, err: unknown): LifecycleError {
  const text = err instanceof Error ? err.message : String(err);
  const aadsts = /AADSTS\d+/.exec(text)?.[0];
  const timedOut = /due to timeout|TimeoutError/i.test(text) && !aadsts;
  const network =
    timedOut || (/fetch failed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|network/i.test(text) && !aadsts);
  return new VendorError(
    {
      api: identityApi,
      kind: network ? "transient" : "permission",
      code: timedOut ? "TIMEOUT" : network ? "NETWORK_ERROR" : "AUTH_FAILED",
      ...(aadsts ? { vendorCode: aadsts } : {}),
      message: `tenant ${tenantId}: could not get a token: ${text.split("\n")[0]}`,
    },
    { cause: err },
  );
}

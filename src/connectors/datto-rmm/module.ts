import { createHash } from "node:crypto";
import { OAuth2Tokens } from "../http/index.ts";
import { defineConnector, type ConnectorRuntime } from "../module.ts";
import { DattoApi, dattoRmmApi } from "./api.ts";
import {
  apiUrlOf,
  dattoRmmConfig,
  dattoRmmCredential,
  dattoRmmKeyKind,
  tokenUrlOf,
  type DattoRmmConfig,
  type DattoRmmCredential,
} from "./config.ts";
import { dattoRmm } from "./rmm.ts";

/**
 * Datto's token request (reference §5): the password grant of a fixed public client, HTTP Basic
 * `public-client:public`, the API key and secret as username and password. The shared token cache does
 * the rest (one request for all callers, renewal before expiry).
 */
export function dattoTokens(tokenUrl: string, credential: DattoRmmCredential): OAuth2Tokens {
  return new OAuth2Tokens({
    api: dattoRmmApi,
    tokenUrl,
    clientId: "public-client",
    clientSecret: "public",
    clientAuth: "basic",
    resourceOwner: { username: credential.apiKey, password: credential.apiSecret },
  });
}

/** One token per account host and key pair for the whole process: every client site shares the account. */
function tokensFor(runtime: ConnectorRuntime, config: DattoRmmConfig, credential: DattoRmmCredential) {
  const tokenUrl = tokenUrlOf(config);
  const digest = createHash("sha256").update(JSON.stringify(credential)).digest("hex");
  return runtime.shared(`datto-rmm\u0000${tokenUrl}\u0000${digest}`, () => dattoTokens(tokenUrl, credential));
}

/** Datto RMM: the client site's devices, who owns them (a UDF) and who last signed in on them. */
export const dattoRmmConnector = defineConnector({
  id: "datto-rmm",
  system: "rmm",
  title: "Datto RMM",
  config: dattoRmmConfig,
  credential: { kind: dattoRmmKeyKind, schema: dattoRmmCredential },
  provides: ["rmm"],
  // 600 requests per rolling 60 s for the whole account, with a 1-s delay past 90 % of it; writes have
  // their own 100 per 60 s (reference §5). 8 a second stays under the delay; the port writes at most one
  // UDF per device and step, and a 429 on a write is retried like any other.
  limits: { concurrency: 4, ratePerSecond: 8 },
  build(config, credential, runtime) {
    const tokens = tokensFor(runtime, config, credential);
    const api = new DattoApi({
      apiUrl: apiUrlOf(config),
      authenticate: () => tokens.headers(),
      reauthenticate: () => tokens.invalidate(),
      pageSize: config.pageSize,
    });
    return { rmm: dattoRmm(api, config) };
  },
  // The client's site: small, and it proves the key pair and the site uid at once. A fresh token source,
  // so a token cached from an older secret cannot make a wrong one look right.
  async testConnection(config, credential) {
    const tokens = dattoTokens(tokenUrlOf(config), credential);
    const api = new DattoApi({
      apiUrl: apiUrlOf(config),
      authenticate: () => tokens.headers(),
      reauthenticate: () => tokens.invalidate(),
      pageSize: 1,
      http: { maxRetries: 1, maxInlineWaitMs: 2_000, requestTimeoutMs: 15_000 },
    });
    await api.site(config.siteUid);
  },
});

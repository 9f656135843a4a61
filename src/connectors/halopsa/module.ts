import { createHash } from "node:crypto";
import { OAuth2Tokens } from "../http/index.ts";
import { defineConnector, type ConnectorRuntime } from "../module.ts";
import { HaloApi } from "./api.ts";
import {
  apiUrlOf,
  haloPsaAppKind,
  haloPsaConfig,
  haloPsaCredential,
  tokenUrlOf,
  type HaloPsaCredential,
} from "./config.ts";
import { haloPsa } from "./psa.ts";

/**
 * One token cache per token endpoint (instance and tenant) and credential for the whole process: the
 * clients of one MSP share its Halo instance and API application, so they share its token too.
 */
function tokensFor(runtime: ConnectorRuntime, tokenUrl: string, credential: HaloPsaCredential) {
  const digest = createHash("sha256").update(JSON.stringify(credential)).digest("hex");
  return runtime.shared(
    `halopsa\u0000${tokenUrl}\u0000${digest}`,
    () =>
      new OAuth2Tokens({
        api: "halopsa",
        tokenUrl,
        clientId: credential.clientId,
        clientSecret: credential.clientSecret,
        scope: "all",
      }),
  );
}

/** HaloPSA: the client's contacts (Users), tickets (Faults), internal notes (Actions) and statuses. */
export const halopsa = defineConnector({
  id: "halopsa",
  system: "psa",
  title: "HaloPSA",
  config: haloPsaConfig,
  credential: { kind: haloPsaAppKind, schema: haloPsaCredential },
  provides: ["psa"],
  // "500 requests per 3-minute rolling window" is a client library's figure, not Halo's (reference §1, §11):
  // a client whose instance allows more sets its own limits.
  limits: { concurrency: 4, ratePerSecond: 2.7 },
  build(config, credential, runtime) {
    const tokens = tokensFor(runtime, tokenUrlOf(config), credential);
    const api = new HaloApi({
      apiUrl: apiUrlOf(config),
      authenticate: () => tokens.headers(),
      reauthenticate: () => tokens.invalidate(),
      pageSize: config.pageSize,
    });
    return { psa: haloPsa(api, config) };
  },
  // Ticket statuses: what the ticket steps read first, and small. A fresh token source, so a token cached
  // from an older secret cannot make a wrong one look right.
  async testConnection(config, credential) {
    const tokens = new OAuth2Tokens({
      api: "halopsa",
      tokenUrl: tokenUrlOf(config),
      clientId: credential.clientId,
      clientSecret: credential.clientSecret,
      scope: "all",
    });
    const api = new HaloApi({
      apiUrl: apiUrlOf(config),
      authenticate: () => tokens.headers(),
      reauthenticate: () => tokens.invalidate(),
      pageSize: config.pageSize,
      http: { maxRetries: 1, maxInlineWaitMs: 2_000, requestTimeoutMs: 15_000 },
    });
    await api.statuses();
  },
});

import { createHash } from "node:crypto";
import { OAuth2Tokens } from "../http/index.ts";
import { defineConnector, type ConnectorRuntime } from "../module.ts";
import { NinjaApi } from "./api.ts";
import {
  instanceUrlOf,
  ninjaOneAppKind,
  ninjaOneConfig,
  ninjaOneCredential,
  ninjaOneScope,
  tokenUrlOf,
  type NinjaOneCredential,
} from "./config.ts";
import { ninjaRmm } from "./rmm.ts";

const tokenSource = (tokenUrl: string, credential: NinjaOneCredential) =>
  new OAuth2Tokens({
    api: "ninjaone",
    tokenUrl,
    clientId: credential.clientId,
    clientSecret: credential.clientSecret,
    scope: ninjaOneScope,
  });

/**
 * One token cache per token endpoint and credential for the whole process: the MSP's clients share its
 * NinjaOne instance and API client app, so they share its token too.
 */
function tokensFor(runtime: ConnectorRuntime, tokenUrl: string, credential: NinjaOneCredential) {
  const digest = createHash("sha256").update(JSON.stringify(credential)).digest("hex");
  return runtime.shared(`ninjaone\u0000${tokenUrl}\u0000${digest}`, () => tokenSource(tokenUrl, credential));
}

/** NinjaOne (RMM): the client organisation's end users, its devices and their owners. */
export const ninjaone = defineConnector({
  id: "ninjaone",
  system: "rmm",
  title: "NinjaOne",
  config: ninjaOneConfig,
  credential: { kind: ninjaOneAppKind, schema: ninjaOneCredential },
  provides: ["rmm"],
  // NinjaOne documents no rate limit (reference §4, §11): a modest budget, which a client whose instance
  // allows more raises in its own limits.
  limits: { concurrency: 2, ratePerSecond: 5 },
  build(config, credential, runtime) {
    const tokens = tokensFor(runtime, tokenUrlOf(config), credential);
    const api = new NinjaApi({
      instanceUrl: instanceUrlOf(config),
      authenticate: () => tokens.headers(),
      reauthenticate: () => tokens.invalidate(),
      pageSize: config.pageSize,
    });
    return { rmm: ninjaRmm(api, config) };
  },
  // The client's organisation: small, and proves both the credential and the configured organizationId.
  // A fresh token source, so a token cached from an older secret cannot make a wrong one look right.
  async testConnection(config, credential) {
    const tokens = tokenSource(tokenUrlOf(config), credential);
    const api = new NinjaApi({
      instanceUrl: instanceUrlOf(config),
      authenticate: () => tokens.headers(),
      reauthenticate: () => tokens.invalidate(),
      pageSize: 1,
      http: { maxRetries: 1, maxInlineWaitMs: 2_000, requestTimeoutMs: 15_000 },
    });
    await api.organization(config.organizationId);
  },
});

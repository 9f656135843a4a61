import { defineConnector } from "../module.ts";
import { HuduApi } from "./api.ts";
import { apiUrlOf, huduApiKeyKind, huduConfig, huduCredential } from "./config.ts";
import { huduDocs } from "./docs.ts";

/** Hudu: the client's people (assets of its People layout) and their password entries. */
export const hudu = defineConnector({
  id: "hudu",
  system: "docs",
  title: "Hudu",
  config: huduConfig,
  credential: { kind: huduApiKeyKind, schema: huduCredential },
  provides: ["docs"],
  // "Up to 300 requests per minute" (the spec's description, reference §7) is the instance's, for every
  // integration on it (CIPP's sync too): 4 a second leaves a fifth of it to them.
  limits: { concurrency: 2, ratePerSecond: 4 },
  build: (config, credential) => ({
    docs: huduDocs(
      new HuduApi({
        apiUrl: apiUrlOf(config),
        apiKey: credential.apiKey,
        pageSize: config.pageSize,
        rateWindowSeconds: config.rateWindowSeconds,
      }),
      config,
    ),
  }),
  // The key has no token: one read of the client's company proves the key, its company scope and the id.
  async testConnection(config, credential) {
    const api = new HuduApi({
      apiUrl: apiUrlOf(config),
      apiKey: credential.apiKey,
      pageSize: 1,
      rateWindowSeconds: config.rateWindowSeconds,
      http: { maxRetries: 1, maxInlineWaitMs: 2_000, requestTimeoutMs: 15_000 },
    });
    await api.company(config.companyId);
  },
});

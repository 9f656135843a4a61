import { defineConnector } from "../module.ts";
import { ItglueClient } from "./client.ts";
import { apiUrlOf, itglueConfig, itglueCredential, itglueKeyKind } from "./config.ts";
import { itglueDocs } from "./docs.ts";
import { organizationResource } from "./jsonapi.ts";

/** IT Glue: the client's contacts and the passwords embedded on them. */
export const itglue = defineConnector({
  id: "itglue",
  system: "docs",
  title: "IT Glue",
  config: itglueConfig,
  credential: { kind: itglueKeyKind, schema: itglueCredential },
  provides: ["docs"],
  // "3,000 requests within a 5-minute window" (reference §6) is the account's, shared by every client of
  // the MSP: one client keeps to half of it.
  limits: { concurrency: 2, ratePerSecond: 5 },
  build: (config, credential) => ({
    docs: itglueDocs(
      new ItglueClient({ apiUrl: apiUrlOf(config), apiKey: credential.apiKey, pageSize: config.pageSize }),
      config,
    ),
  }),
  // An API key has no token to ask for: the cheap read is the client's own organisation, which proves the
  // key and the organisation id together.
  async testConnection(config, credential) {
    const client = new ItglueClient({
      apiUrl: apiUrlOf(config),
      apiKey: credential.apiKey,
      pageSize: 1,
      http: { maxRetries: 1, maxInlineWaitMs: 2_000, requestTimeoutMs: 15_000 },
    });
    await client.read(
      `/organizations/${config.organizationId}`,
      "GET /organizations/{id}",
      organizationResource,
    );
  },
});

import { z } from "zod";
import {
  httpsOrLocalUrl,
  microsoftAppCredential,
  microsoftAppKind,
  tenantId,
  tokenSourceFor,
} from "../microsoft-identity/credential.ts";
import { defineConnector } from "../module.ts";
import { graphPorts, graphResource } from "./index.ts";
import { GraphTransport } from "./transport.ts";

// Long enough for steps released together to meet, short against any Graph round trip.
const defaultBatchWindowMs = 5;

/** Entra ID and the rest of Microsoft 365 that Graph serves: users, groups, licences, methods, devices, mail. */
export const msgraph = defineConnector({
  id: "msgraph",
  system: "identity",
  title: "Microsoft Graph (Entra ID)",
  config: z.strictObject({
    tenantId,
    /** A national cloud, or the emulator; the public cloud when absent. */
    endpoints: z.strictObject({ authority: httpsOrLocalUrl, graph: httpsOrLocalUrl }).optional(),
    /** Requests of parallel steps sent within this window share one $batch (0: never). */
    batchWindowMs: z.int().min(0).max(100).default(defaultBatchWindowMs),
  }),
  credential: { kind: microsoftAppKind, schema: microsoftAppCredential },
  provides: ["directory", "licensing", "mailboxes", "authentication", "devices", "mailSender"],
  // Graph throttles per tenant and app far above this; four steps at once keep a burst of runs polite.
  limits: { concurrency: 4, ratePerSecond: 20 },
  build(config, credential, runtime) {
    const tokens = tokenSourceFor(runtime, config.endpoints?.authority, credential);
    return graphPorts(
      new GraphTransport({
        baseUrl: config.endpoints?.graph ?? graphResource,
        token: () => tokens.token(config.tenantId, credential, graphResource),
        batchWindowMs: config.batchWindowMs,
      }),
    );
  },
  // One user's id: User.Read.All, which every lifecycle step needs anyway; a bare token proves too little.
  async testConnection(config, credential, runtime) {
    const tokens = tokenSourceFor(runtime, config.endpoints?.authority, credential);
    const graph = new GraphTransport({
      baseUrl: config.endpoints?.graph ?? graphResource,
      token: () => tokens.token(config.tenantId, credential, graphResource),
      batchWindowMs: 0,
      maxRetries: 1,
      maxInlineWaitMs: 2_000,
      requestTimeoutMs: 15_000,
    });
    await graph.request("GET", "/users?$top=1&$select=id");
  },
});

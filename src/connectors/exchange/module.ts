import { z } from "zod";
import {
  httpsOrLocalUrl,
  microsoftAppCredential,
  microsoftAppKind,
  tenantId,
  tokenSourceFor,
} from "../microsoft-identity/credential.ts";
import { defineConnector } from "../module.ts";
import { exchangeOnline } from "./online.ts";
import { exchangeResource, ExoTransport } from "./transport.ts";

/** Exchange Online's admin API (InvokeCommand): the mailbox work Graph cannot do. */
export const exchange = defineConnector({
  id: "exchange-online",
  system: "mail",
  title: "Exchange Online",
  config: z.strictObject({
    tenantId,
    endpoints: z.strictObject({ authority: httpsOrLocalUrl, exchange: httpsOrLocalUrl }).optional(),
    /** Cmdlets of parallel steps sent within this window share one admin-API $batch (0: never). */
    batchWindowMs: z.int().min(0).max(100).default(5),
  }),
  credential: { kind: microsoftAppKind, schema: microsoftAppCredential },
  provides: ["mailboxAdmin"],
  // The admin API refuses requests past a small per-tenant concurrency (its plain-text refusal is retried).
  limits: { concurrency: 4, ratePerSecond: 20 },
  build(config, credential, runtime) {
    const tokens = tokenSourceFor(runtime, config.endpoints?.authority, credential);
    return {
      mailboxAdmin: exchangeOnline(
        new ExoTransport({
          baseUrl: config.endpoints?.exchange ?? exchangeResource,
          tenant: config.tenantId,
          token: () => tokens.token(config.tenantId, credential, exchangeResource),
          batchWindowMs: config.batchWindowMs,
        }),
      ),
    };
  },
  // One mailbox: the admin API's read the mailbox steps make first.
  async testConnection(config, credential, runtime) {
    const tokens = tokenSourceFor(runtime, config.endpoints?.authority, credential);
    const exo = new ExoTransport({
      baseUrl: config.endpoints?.exchange ?? exchangeResource,
      tenant: config.tenantId,
      token: () => tokens.token(config.tenantId, credential, exchangeResource),
      batchWindowMs: 0,
      maxRetries: 1,
      maxInlineWaitMs: 2_000,
      requestTimeoutMs: 15_000,
    });
    await exo.invoke("Get-Mailbox", { ResultSize: 1 });
  },
});

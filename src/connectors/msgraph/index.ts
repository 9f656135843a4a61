import type { Capabilities } from "../../ports/index.ts";
import { exchangeOnline } from "../exchange/online.ts";
import { exchangeResource, ExoTransport, type ExoCall } from "../exchange/transport.ts";
import type { AppCredential, TokenSource } from "../microsoft-identity/token-source.ts";
import { graphAuthentication } from "./authentication.ts";
import { graphDevices } from "./devices.ts";
import { graphDirectory } from "./directory.ts";
import { graphLicensing } from "./licensing.ts";
import { graphMailSender } from "./mail.ts";
import { graphMailboxes } from "./mailboxes.ts";
import { GraphTransport, type GraphCall } from "./transport.ts";

export const graphResource = "https://graph.microsoft.com";

export interface GraphTenant {
  tenantId: string;
  credential: AppCredential;
  /** Graph's base URL; the emulator's in tests and the demo. */
  graphUrl?: string;
  /** Exchange Online's admin API base URL (default https://outlook.office365.com); the emulator's in tests. */
  exchangeUrl?: string;
  /** Requests of parallel steps sent within this window share one $batch, Graph's or Exchange's (0: never). */
  batchWindowMs?: number;
}

// Long enough for steps released together to meet, short against any Graph round trip.
const defaultBatchWindowMs = 5;

/** The ports Graph serves, over one transport. */
export function graphPorts(transport: GraphTransport) {
  return {
    directory: graphDirectory(transport),
    licensing: graphLicensing(transport),
    mailboxes: graphMailboxes(transport),
    authentication: graphAuthentication(transport),
    devices: graphDevices(transport),
    mailSender: graphMailSender(transport),
  } satisfies Capabilities;
}

/** Graph and Exchange of one customer tenant, for tests and benchmarks that skip the credential store. */
export function graphCapabilities(
  tokens: TokenSource,
  tenant: GraphTenant,
  onCall?: (c: GraphCall) => void,
  onExchangeCall?: (c: ExoCall) => void,
): Capabilities {
  const transport = new GraphTransport({
    baseUrl: tenant.graphUrl ?? graphResource,
    token: () => tokens.token(tenant.tenantId, tenant.credential, graphResource),
    onCall,
    batchWindowMs: tenant.batchWindowMs ?? defaultBatchWindowMs,
  });
  return {
    ...graphPorts(transport),
    mailboxAdmin: exchangeOnline(
      new ExoTransport({
        baseUrl: tenant.exchangeUrl ?? exchangeResource,
        tenant: tenant.tenantId,
        token: () => tokens.token(tenant.tenantId, tenant.credential, exchangeResource),
        batchWindowMs: tenant.batchWindowMs ?? defaultBatchWindowMs,
        onCall: onExchangeCall,
      }),
    ),
  };
}

export { TokenSource } from "../microsoft-identity/token-source.ts";
export { GraphTransport } from "./transport.ts";

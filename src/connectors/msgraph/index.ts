import type { Capabilities } from "../../actions/capabilities.ts";
import type { AppCredential, TokenSource } from "./auth.ts";
import { graphDirectory } from "./directory.ts";
import { graphLicensing } from "./licensing.ts";
import { graphMailboxes } from "./mailboxes.ts";
import { GraphTransport, type GraphCall } from "./transport.ts";

export const graphResource = "https://graph.microsoft.com";

export interface GraphTenant {
  tenantId: string;
  credential: AppCredential;
  /** Graph's base URL; the emulator's in tests and the demo. */
  graphUrl?: string;
}

/** The Microsoft capabilities of one customer tenant, over one transport. */
export function graphCapabilities(
  tokens: TokenSource,
  tenant: GraphTenant,
  onCall?: (c: GraphCall) => void,
): Capabilities {
  const transport = new GraphTransport({
    baseUrl: tenant.graphUrl ?? graphResource,
    token: () => tokens.token(tenant.tenantId, tenant.credential, graphResource),
    onCall,
  });
  return {
    directory: graphDirectory(transport),
    licensing: graphLicensing(transport),
    mailboxes: graphMailboxes(transport),
  };
}

export { TokenSource } from "./auth.ts";
export { GraphTransport } from "./transport.ts";

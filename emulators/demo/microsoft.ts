import type { Capabilities } from "../../src/actions/capabilities.ts";
import { graphCapabilities, TokenSource } from "../../src/connectors/msgraph/index.ts";
import type { ClientConfig } from "../../src/domain/client.ts";
import { acme, startMicrosoft365Emulator, type Microsoft365Emulator } from "../microsoft365/index.ts";
import type { ProfileName } from "../microsoft365/latency.ts";

/**
 * The demo's Microsoft 365: the emulator in-process with the Acme tenant, and each demo client's
 * connectors pointed at it. Credentials are the emulator's demo app; the product's own credential store
 * is not involved.
 */
export async function demoMicrosoft365(profile: ProfileName): Promise<{
  emulator: Microsoft365Emulator;
  capabilities: (client: ClientConfig | undefined) => Capabilities;
}> {
  const emulator = await startMicrosoft365Emulator({ profile, seed: "acme" });
  const tokens = new TokenSource({ authorityHost: emulator.url });
  const acmeCaps = graphCapabilities(tokens, {
    tenantId: acme.tenantId,
    credential: { clientId: acme.clientId, clientSecret: acme.clientSecret },
    graphUrl: emulator.url,
  });
  return { emulator, capabilities: (client) => (client?.id === "acme" ? acmeCaps : {}) };
}

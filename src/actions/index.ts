import type { ClientConfig } from "../domain/client.ts";
import type { Capabilities } from "./capabilities.ts";

export type { Capabilities } from "./capabilities.ts";
export { productionCatalog } from "./catalog.ts";

/**
 * The connectors bound to one client's tenant and credentials. Credentials live in an encrypted store
 * that is not built yet: until then a client's steps fail as NotConfigured, naming the connector, rather
 * than pretending. Tests and the emulator demo build capabilities directly.
 */
export function capabilitiesFor(_client: ClientConfig | undefined): Capabilities {
  return {};
}

import type { ClientConfig } from "../domain/client.ts";
import type { LiveState } from "../planner/live-state.ts";
import type { ActionCatalog } from "./define.ts";

/**
 * What actions are handed for one client: its connectors, bound to its tenant and credentials. The vendor
 * connectors arrive with their own issues; until then a planned vendor step fails as UNKNOWN_ACTION,
 * visibly, instead of pretending.
 */
export type Capabilities = Record<string, never>;

export function productionCatalog(): ActionCatalog<Capabilities> {
  return new Map();
}

export function capabilitiesFor(_client: ClientConfig | undefined): Capabilities {
  return {};
}

export function liveStateFor(_client: ClientConfig): LiveState {
  return {};
}

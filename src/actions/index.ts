export type { Capabilities } from "../ports/index.ts";
export { actionCatalog, actions, productionCatalog } from "./catalog.ts";
export { capabilitiesFor, type CapabilitiesResolver, type CapabilityDeps } from "./client-capabilities.ts";
export type { Action, ActionCatalog } from "./define.ts";

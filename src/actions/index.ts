export type { Capabilities } from "../ports/index.ts";
export { productionCatalog } from "./catalog.ts";
export { capabilitiesFor, type CapabilitiesResolver, type CapabilityDeps } from "./client-capabilities.ts";

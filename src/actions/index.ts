export type { Capabilities } from "../ports/index.ts";
export { productionCatalog } from "./catalog.ts";

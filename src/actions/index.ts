export type { Capabilities } from "../ports/index.ts";
export { actionCatalog, actions, productionCatalog } from "./catalog.ts";
export type { Action, ActionCatalog } from "./define.ts";

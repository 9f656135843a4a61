import { graphErrors } from "../errors.ts";
import type { GraphRoute } from "./route.ts";

/**
 * The emulator expands nothing, and a client that asks must find out rather than get an answer
 * without the expansion it relied on. Graph's own parser wording is used for names that are no
 * navigation property; a real navigation property gets Graph's short parse failure, since Graph
 * itself would expand it (an emulator limit, README "What is not modelled").
 */
export function expandGuard(routes: readonly GraphRoute[]): (route: GraphRoute, expand: string) => void {
  const navigations = new Map<string, Set<string>>();
  for (const route of routes)
    for (const step of route.via ?? []) {
      const names = navigations.get(step.type) ?? new Set<string>();
      names.add(step.property.toLowerCase());
      navigations.set(step.type, names);
    }
  return (route, expand) => {
    const first = expand.split(",")[0]?.trim() ?? "";
    const name = first.split(/[(/]/)[0]?.trim() ?? "";
    if (navigations.get(route.entityType)?.has(name.toLowerCase())) throw graphErrors.expandUnsupported();
    if (route.reads.some((p) => p.toLowerCase() === name.toLowerCase()))
      throw graphErrors.expandStructural(name, route.entityType);
    throw graphErrors.unknownSelect(name, route.entityType);
  };
}

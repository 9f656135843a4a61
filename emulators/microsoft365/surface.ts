import { cmdlets } from "./exchange/cmdlets/index.ts";
import { graphRoutes } from "./graph/index.ts";

/**
 * What the emulator serves, machine-readable, for the contract test that holds it against
 * Microsoft's CSDL (test/contracts/emulator-surface.test.ts). Derived from the route table the
 * server registers, so it cannot drift from the implementation.
 *
 * - `path`: Graph's path under /v1.0 with `{param}` placeholders; OData segments ($ref, $count, the
 *   microsoft.graph.group cast) appear as Graph writes them.
 * - `properties`: properties of the path's final type the route returns or filters on.
 * - `bodyProperties`: the action's parameters when the path ends in a bound action, otherwise the
 *   properties of the final type the route accepts in its body.
 * - `entityType`, `via` and `action` say the same in CSDL terms: the type returned or written, the
 *   navigation or structural properties the path walks, and the bound action with its binding type.
 */

export interface SurfaceRoute {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
  properties: string[];
  bodyProperties: string[];
  entityType: string;
  via: { type: string; property: string }[];
  action: { name: string; bindingType: string; parameters: string[] } | null;
}

export const surface: SurfaceRoute[] = graphRoutes.map((r) => ({
  method: r.method,
  path: r.path,
  properties: [...r.reads],
  bodyProperties: r.action ? [...r.action.parameters] : [...r.writes],
  entityType: r.entityType,
  via: (r.via ?? []).map((v) => ({ ...v })),
  action: r.action
    ? { name: r.action.name, bindingType: r.action.bindingType, parameters: [...r.action.parameters] }
    : null,
}));

/** JSON batching is served too, at POST /$batch; it replays the routes above. */
export const graphBatchPath = "/$batch";

/** The Exchange admin API (in no CSDL): InvokeCommand cmdlets and the parameters each binds. */
export const exchangeSurface: { cmdlet: string; parameters: string[] }[] = cmdlets.map((c) => ({
  cmdlet: c.name,
  parameters: [...c.parameters],
}));

import { graphErrors } from "../errors.ts";
import type { Json, JsonObject } from "../json.ts";
import { selectable } from "../directory/properties.ts";
import { encodeSkipToken, planList, project, runList, type CollectionSpec } from "../odata/query.ts";
import { contextUrl, type GraphCall, type GraphResult } from "./route.ts";

/** Collection answers: value, @odata.count on the first page, an absolute @odata.nextLink. */

export function listResult(
  call: GraphCall,
  spec: CollectionSpec,
  views: (advanced: boolean) => Record<string, Json>[],
  contextFragment: string,
): GraphResult {
  const plan = planList(spec, call.query, call.consistencyLevel);
  const result = runList(spec, views(plan.advanced), plan);
  const fragment = plan.select ? `${contextFragment}(${plan.select.join(",")})` : contextFragment;
  const body: JsonObject = { "@odata.context": contextUrl(call, fragment) };
  if (plan.includeCount) body["@odata.count"] = result.total;
  if (result.nextSkip !== undefined)
    body["@odata.nextLink"] = nextLink(call, encodeSkipToken(result.nextSkip, plan.advanced));
  body.value = result.page;
  return { status: 200, body };
}

/** The request's own query with `$skiptoken` replaced, kept in its original encoding. */
function nextLink(call: GraphCall, token: string): string {
  const [path, raw = ""] = call.url.split("?", 2) as [string, string?];
  const kept = raw.split("&").filter((part) => part && !/^(\$|%24)skiptoken=/i.test(part));
  kept.push(`$skiptoken=${token}`);
  return `${call.origin}${path}?${kept.join("&")}`;
}

/** A single entity with $select applied, or the type's default properties. */
export function entityResult(
  call: GraphCall,
  spec: CollectionSpec,
  view: Record<string, Json>,
  contextFragment: string,
  status = 200,
): GraphResult {
  const select = selectionOf(call, spec);
  const fragment = select ? `${contextFragment}(${select.join(",")})/$entity` : `${contextFragment}/$entity`;
  return {
    status,
    body: { "@odata.context": contextUrl(call, fragment), ...project(view, select, spec.props) },
  };
}

export function selectionOf(call: GraphCall, spec: CollectionSpec): string[] | undefined {
  if (!call.query.$select) return undefined;
  return call.query.$select.split(",").map((raw) => {
    const name = selectable(spec.props, raw.trim());
    if (!name) throw graphErrors.unknownSelect(raw.trim(), spec.selectTypeName);
    return name;
  });
}

/** /$count: plain text, and only with ConsistencyLevel: eventual (reference §0.2). */
export function countResult(call: GraphCall, count: number): GraphResult {
  if (call.consistencyLevel?.toLowerCase() !== "eventual") throw graphErrors.countNotSupported();
  return { status: 200, text: String(count) };
}

import { directGroupsOf, transitiveGroupsOf } from "../directory/membership.ts";
import type { GroupRecord } from "../model.ts";
import type { CollectionSpec } from "../odata/query.ts";
import { groupCollection } from "./groups.ts";
import { countResult, listResult } from "./list.ts";
import { directoryObjectView } from "./refs.ts";
import { perm, type GraphCall, type GraphRoute } from "./route.ts";
import { pathUser } from "./users.ts";

/**
 * memberOf and transitiveMemberOf, with the microsoft.graph.group cast and /$count (reference §3,
 * §6). Only groups are modelled, so the cast changes the context, not the rows.
 */

const memberOfCollection: CollectionSpec = { ...groupCollection, filterNeedsAdvanced: true };

function groupsOf(call: GraphCall, transitive: boolean): GroupRecord[] {
  const user = pathUser(call);
  return transitive
    ? transitiveGroupsOf(call.tenant, user.id, call.now)
    : directGroupsOf(call.tenant, user.id, call.now);
}

function listRoute(segment: "memberOf" | "transitiveMemberOf", cast: boolean): GraphRoute {
  return {
    method: "GET",
    path: `/users/{id}/${segment}${cast ? "/microsoft.graph.group" : ""}`,
    entityType: "microsoft.graph.group",
    reads: Object.keys(groupCollection.props),
    writes: [],
    via: [{ type: "microsoft.graph.user", property: segment }],
    latency: "directoryRead",
    bucket: "identity",
    cost: 2,
    permissions: [...perm.groupRead, ...perm.userRead],
    handle(call) {
      const groups = groupsOf(call, segment === "transitiveMemberOf");
      const views = () =>
        groups.flatMap((g) => {
          const view = directoryObjectView(call.tenant, g.id, call.now);
          return view ? [view] : [];
        });
      return listResult(call, memberOfCollection, views, cast ? "groups" : "directoryObjects");
    },
  };
}

function countRoute(segment: "memberOf" | "transitiveMemberOf"): GraphRoute {
  return {
    method: "GET",
    path: `/users/{id}/${segment}/$count`,
    entityType: "microsoft.graph.group",
    reads: [],
    writes: [],
    via: [{ type: "microsoft.graph.user", property: segment }],
    latency: "directoryRead",
    bucket: "identity",
    cost: 2,
    permissions: [...perm.groupRead, ...perm.userRead],
    handle: (call) => countResult(call, groupsOf(call, segment === "transitiveMemberOf").length),
  };
}

export const memberOfRoutes: GraphRoute[] = [
  listRoute("memberOf", false),
  listRoute("memberOf", true),
  countRoute("memberOf"),
  listRoute("transitiveMemberOf", false),
  listRoute("transitiveMemberOf", true),
  countRoute("transitiveMemberOf"),
];

import { userProperties } from "../directory/properties.ts";
import { userView } from "../directory/users.ts";
import { graphErrors } from "../errors.ts";
import { project } from "../odata/query.ts";
import { findUser } from "../state.ts";
import { refTarget } from "./refs.ts";
import { contextUrl, perm, type GraphRoute } from "./route.ts";
import { selectionOf } from "./list.ts";
import { pathUser, userCollection } from "./users.ts";

/** The manager reference (reference §1): PUT/DELETE $ref answer 204; a missing one is a 404. */

export const managerRoutes: GraphRoute[] = [
  {
    method: "PUT",
    path: "/users/{id}/manager/$ref",
    entityType: "microsoft.graph.user",
    reads: [],
    writes: [],
    via: [{ type: "microsoft.graph.user", property: "manager" }],
    latency: "directoryWrite",
    bucket: "identity",
    cost: 1,
    permissions: perm.userWrite,
    handle(call) {
      const user = pathUser(call);
      const managerKey = refTarget(call.body);
      const manager = findUser(call.tenant, managerKey, call.now);
      if (!manager) throw graphErrors.notFound(managerKey);
      user.managerId = manager.id;
      return { status: 204 };
    },
  },
  {
    method: "GET",
    path: "/users/{id}/manager",
    entityType: "microsoft.graph.user",
    reads: Object.keys(userProperties),
    writes: [],
    via: [{ type: "microsoft.graph.user", property: "manager" }],
    latency: "directoryRead",
    bucket: "identity",
    cost: 1,
    permissions: perm.userRead,
    handle(call) {
      const user = pathUser(call);
      const manager = user.managerId ? findUser(call.tenant, user.managerId, call.now) : undefined;
      if (!manager) throw graphErrors.noManager();
      const view = project(
        userView(call.tenant, manager, call.now),
        selectionOf(call, userCollection),
        userProperties,
      );
      return {
        status: 200,
        body: {
          "@odata.context": contextUrl(call, "directoryObjects/$entity"),
          "@odata.type": "#microsoft.graph.user",
          ...view,
        },
      };
    },
  },
  {
    method: "DELETE",
    path: "/users/{id}/manager/$ref",
    entityType: "microsoft.graph.user",
    reads: [],
    writes: [],
    via: [{ type: "microsoft.graph.user", property: "manager" }],
    latency: "directoryWrite",
    bucket: "identity",
    cost: 1,
    permissions: perm.userWrite,
    handle(call) {
      const user = pathUser(call);
      if (!user.managerId) throw graphErrors.noManager();
      user.managerId = undefined;
      return { status: 204 };
    },
  },
];

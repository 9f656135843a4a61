import { groupView } from "../directory/groups.ts";
import { reconcileGroupLicenses } from "../directory/licensing.ts";
import { addMember, removeMember } from "../directory/members.ts";
import { groupKind, isExchangeManaged, membersOf, transitiveMembersOf } from "../directory/membership.ts";
import { groupProperties, userProperties } from "../directory/properties.ts";
import { graphErrors } from "../errors.ts";
import { isJsonObject } from "../json.ts";
import type { GroupRecord } from "../model.ts";
import type { CollectionSpec } from "../odata/query.ts";
import { findGroup, findUser, visibleGroups } from "../state.ts";
import { readLicenseBody } from "./licenses.ts";
import { entityResult, listResult } from "./list.ts";
import { defaultsByType, directoryObjectView, refTarget } from "./refs.ts";
import { perm, type GraphCall, type GraphRoute } from "./route.ts";
import { timing } from "./users.ts";

/** /groups: read, member lists, member $ref writes and group-based licensing (reference §4, §5). */

export const groupCollection: CollectionSpec = {
  filterTypeName: "Microsoft.DirectoryServices.Group",
  selectTypeName: "microsoft.graph.group",
  props: groupProperties,
  directory: true,
  defaultTop: 100,
  maxTop: 999,
  sortable: ["displayName"],
};

export const memberCollection: CollectionSpec = {
  filterTypeName: "Microsoft.DirectoryServices.DirectoryObject",
  selectTypeName: "microsoft.graph.directoryObject",
  props: { ...groupProperties, ...userProperties },
  directory: true,
  defaultTop: 100,
  maxTop: 999,
  sortable: ["displayName"],
  defaultsFor: defaultsByType,
};

export function pathGroup(call: GraphCall): GroupRecord {
  const id = call.params.id ?? "";
  const group = findGroup(call.tenant, id, call.now);
  if (!group) throw graphErrors.notFound(id);
  return group;
}

/** Graph refuses member writes on groups another service owns, each with its own text. */
function assertGraphManaged(group: GroupRecord): void {
  if (groupKind(group) === "dynamic") throw graphErrors.dynamicGroup();
  if (group.props.onPremisesSyncEnabled === true) throw graphErrors.externallyMastered();
  if (isExchangeManaged(group)) throw graphErrors.mailEnabledGroup();
}

/** A user or group named as a member: a 404 naming the key when neither exists. */
function memberObject(call: GraphCall, key: string) {
  const found = findUser(call.tenant, key, call.now) ?? findGroup(call.tenant, key, call.now);
  if (!found) throw graphErrors.notFound(key);
  return found;
}

function memberViews(call: GraphCall, ids: string[]) {
  return ids.flatMap((id) => {
    const view = directoryObjectView(call.tenant, id, call.now);
    return view ? [view] : [];
  });
}

const groupReads = Object.keys(groupProperties);

export const groupRoutes: GraphRoute[] = [
  {
    method: "GET",
    path: "/groups",
    entityType: "microsoft.graph.group",
    reads: groupReads,
    writes: [],
    latency: "directoryRead",
    bucket: "identity",
    cost: 1,
    permissions: perm.groupRead,
    handle: (call) =>
      listResult(
        call,
        groupCollection,
        (advanced) =>
          visibleGroups(call.tenant, call.now - (advanced ? call.ctx.settings.advancedQueryLagMs : 0)).map(
            (g) => groupView(call.tenant, g),
          ),
        "groups",
      ),
  },
  {
    method: "GET",
    path: "/groups/{id}",
    entityType: "microsoft.graph.group",
    reads: groupReads,
    writes: [],
    latency: "directoryRead",
    bucket: "identity",
    cost: 1,
    permissions: perm.groupRead,
    handle: (call) => entityResult(call, groupCollection, groupView(call.tenant, pathGroup(call)), "groups"),
  },
  {
    method: "GET",
    path: "/groups/{id}/members",
    entityType: "microsoft.graph.directoryObject",
    reads: ["id"],
    writes: [],
    via: [{ type: "microsoft.graph.group", property: "members" }],
    latency: "directoryRead",
    bucket: "identity",
    cost: 3,
    permissions: perm.groupRead,
    handle(call) {
      const group = pathGroup(call);
      return listResult(
        call,
        memberCollection,
        () => memberViews(call, membersOf(call.tenant, group, call.now)),
        "directoryObjects",
      );
    },
  },
  {
    method: "GET",
    path: "/groups/{id}/transitiveMembers",
    entityType: "microsoft.graph.directoryObject",
    reads: ["id"],
    writes: [],
    via: [{ type: "microsoft.graph.group", property: "transitiveMembers" }],
    latency: "directoryRead",
    bucket: "identity",
    cost: 5,
    permissions: perm.groupRead,
    handle(call) {
      const group = pathGroup(call);
      const ids = transitiveMembersOf(call.tenant, group, call.now);
      return listResult(call, memberCollection, () => memberViews(call, ids), "directoryObjects");
    },
  },
  {
    method: "POST",
    path: "/groups/{id}/members/$ref",
    entityType: "microsoft.graph.directoryObject",
    reads: [],
    writes: [],
    via: [{ type: "microsoft.graph.group", property: "members" }],
    latency: "groupMemberAdd",
    bucket: "identity",
    cost: 1,
    permissions: perm.memberWrite,
    handle(call) {
      const group = pathGroup(call);
      const target = memberObject(call, refTarget(call.body));
      assertGraphManaged(group);
      if (addMember(call.tenant, group, target.id, call.now, timing(call)) === "already")
        throw graphErrors.alreadyMember();
      return { status: 204 };
    },
  },
  {
    method: "DELETE",
    path: "/groups/{id}/members/{memberId}/$ref",
    entityType: "microsoft.graph.directoryObject",
    reads: [],
    writes: [],
    via: [{ type: "microsoft.graph.group", property: "members" }],
    latency: "directoryWrite",
    bucket: "identity",
    cost: 1,
    permissions: perm.memberWrite,
    handle(call) {
      const group = pathGroup(call);
      const member = memberObject(call, call.params.memberId ?? "");
      assertGraphManaged(group);
      if (removeMember(call.tenant, group, member.id, call.now, timing(call)) === "absent")
        throw graphErrors.notMember();
      return { status: 204 };
    },
  },
  {
    method: "POST",
    path: "/groups/{id}/assignLicense",
    entityType: "microsoft.graph.group",
    reads: groupReads,
    writes: [],
    action: {
      name: "assignLicense",
      bindingType: "microsoft.graph.group",
      parameters: ["addLicenses", "removeLicenses"],
    },
    latency: "licenseAssign",
    bucket: "identity",
    cost: 1,
    permissions: perm.licenseWrite,
    handle(call) {
      const group = pathGroup(call);
      const { add, remove } = readLicenseBody(call.body);
      for (const { skuId } of add) if (!call.tenant.skus.has(skuId)) throw graphErrors.unknownSku(skuId);
      const current = (
        Array.isArray(group.props.assignedLicenses) ? group.props.assignedLicenses : []
      ).filter(isJsonObject);
      const kept = current.filter(
        (l) => !remove.includes(String(l.skuId)) && !add.some((a) => a.skuId === l.skuId),
      );
      group.props.assignedLicenses = [
        ...kept,
        ...add.map((a) => ({ disabledPlans: a.disabledPlans, skuId: a.skuId })),
      ];
      for (const id of membersOf(call.tenant, group)) {
        const user = call.tenant.users.get(id);
        if (user) reconcileGroupLicenses(call.tenant, user, call.now, timing(call));
      }
      return { ...entityResult(call, groupCollection, groupView(call.tenant, group), "groups"), status: 202 };
    },
  },
];

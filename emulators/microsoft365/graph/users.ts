import { isoSeconds } from "../clock.ts";
import { userProperties } from "../directory/properties.ts";
import { createUser, deleteUser, updateUser, userView, type DirectoryTiming } from "../directory/users.ts";
import { graphErrors } from "../errors.ts";
import { getCaseless, isObject } from "../json.ts";
import type { Tenant, UserRecord } from "../model.ts";
import type { CollectionSpec } from "../odata/query.ts";
import { findUser, visibleUsers } from "../state.ts";
import { countResult, entityResult, listResult } from "./list.ts";
import { contextUrl, perm, type GraphCall, type GraphRoute } from "./route.ts";

/** /users: create, read, list, update, delete, and revokeSignInSessions (reference §1, §2, §8–§10). */

export const userCollection: CollectionSpec = {
  filterTypeName: "Microsoft.DirectoryServices.User",
  selectTypeName: "microsoft.graph.user",
  props: userProperties,
  directory: true,
  defaultTop: 100,
  maxTop: 999,
  sortable: ["displayName", "userPrincipalName"],
};

export function timing(call: GraphCall): DirectoryTiming {
  return {
    replicationLagMs: call.ctx.settings.replicationLagMs,
    mailboxProvisioningDelayMs: call.ctx.settings.mailboxProvisioningDelayMs,
  };
}

/** The user the path names, as a read replica sees it: a fresh one may not be there yet. */
export function pathUser(call: GraphCall, param = "id"): UserRecord {
  const key = call.params[param] ?? "";
  const user = findUser(call.tenant, key, call.now);
  if (!user) throw graphErrors.notFound(key);
  return user;
}

function listViews(tenant: Tenant, now: number, lagMs: number) {
  return visibleUsers(tenant, now - lagMs).map((u) => userView(tenant, u, now));
}

/** Roles that may set another user's password (the admin-only tiers need the privileged one). */
const passwordResetRoles = [
  "User Administrator",
  "Helpdesk Administrator",
  "Password Administrator",
  "Privileged Authentication Administrator",
  "Global Administrator",
];

function resetsPassword(body: unknown): boolean {
  return isObject(body) && getCaseless(body, "passwordProfile") !== undefined;
}

/**
 * An app-only token needs User.ReadWrite.All and an Entra role on the app's service principal to set
 * a password; delegated (GDAP) callers carry their admin's roles (reference §9).
 */
function mayResetPasswords(call: GraphCall): boolean {
  if (call.auth.delegated) return true;
  const app = call.tenant.apps.find((a) => a.clientId.toLowerCase() === call.auth.appId.toLowerCase());
  return app?.directoryRoles.some((role) => passwordResetRoles.includes(role)) ?? false;
}

const writable = Object.keys(userProperties).filter((k) => userProperties[k]?.write !== "never");
const readable = Object.keys(userProperties);

export const userRoutes: GraphRoute[] = [
  {
    method: "POST",
    path: "/users",
    entityType: "microsoft.graph.user",
    reads: readable,
    writes: writable,
    latency: "directoryWrite",
    bucket: "identity",
    cost: 1,
    permissions: perm.userWrite,
    handle(call) {
      const user = createUser(call.tenant, call.body, call.now, timing(call));
      return entityResult(call, userCollection, userView(call.tenant, user, call.now), "users", 201);
    },
  },
  {
    method: "GET",
    path: "/users",
    entityType: "microsoft.graph.user",
    reads: readable,
    writes: [],
    latency: "directoryRead",
    bucket: "identity",
    cost: 2,
    permissions: perm.userRead,
    handle(call) {
      const lag = call.ctx.settings.advancedQueryLagMs;
      return listResult(
        call,
        userCollection,
        (advanced) => listViews(call.tenant, call.now, advanced ? lag : 0),
        "users",
      );
    },
  },
  {
    method: "GET",
    path: "/users/$count",
    entityType: "microsoft.graph.user",
    reads: [],
    writes: [],
    latency: "directoryRead",
    bucket: "identity",
    cost: 1,
    permissions: perm.userRead,
    handle: (call) =>
      countResult(call, visibleUsers(call.tenant, call.now - call.ctx.settings.advancedQueryLagMs).length),
  },
  {
    method: "GET",
    path: "/users/{id}",
    entityType: "microsoft.graph.user",
    reads: readable,
    writes: [],
    latency: "directoryRead",
    bucket: "identity",
    cost: 1,
    permissions: perm.userRead,
    handle: (call) =>
      entityResult(call, userCollection, userView(call.tenant, pathUser(call), call.now), "users"),
  },
  {
    method: "PATCH",
    path: "/users/{id}",
    entityType: "microsoft.graph.user",
    reads: [],
    writes: writable,
    latency: "directoryWrite",
    bucket: "identity",
    cost: 1,
    permissions: perm.userWrite,
    handle(call) {
      const user = pathUser(call);
      if (resetsPassword(call.body) && !mayResetPasswords(call)) throw graphErrors.forbidden();
      updateUser(call.tenant, user, call.body, call.now, timing(call));
      return { status: 204 };
    },
  },
  {
    method: "DELETE",
    path: "/users/{id}",
    entityType: "microsoft.graph.user",
    reads: [],
    writes: [],
    latency: "directoryWrite",
    bucket: "identity",
    cost: 1,
    permissions: perm.userWrite,
    handle(call) {
      deleteUser(call.tenant, pathUser(call), call.now, timing(call));
      return { status: 204 };
    },
  },
  {
    method: "POST",
    path: "/users/{id}/revokeSignInSessions",
    entityType: "microsoft.graph.user",
    // Answers Edm.Boolean; the effect shows in the user's signInSessionsValidFromDateTime.
    reads: [],
    writes: [],
    action: { name: "revokeSignInSessions", bindingType: "microsoft.graph.user", parameters: [] },
    latency: "directoryWrite",
    bucket: "identity",
    cost: 1,
    permissions: perm.userWrite,
    handle(call) {
      // Documented as 204, answered as 200 with a Boolean (reference §9, known issue).
      pathUser(call).props.signInSessionsValidFromDateTime = isoSeconds(call.now);
      return { status: 200, body: { "@odata.context": contextUrl(call, "Edm.Boolean"), value: true } };
    },
  },
];

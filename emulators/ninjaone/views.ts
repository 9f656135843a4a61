import type { DeviceRec, EndUserRec, NinjaContext } from "./state.ts";

/** Records as NinjaOne's answers carry them: the stored fields plus what NinjaOne derives. */

const assignedTo = (ctx: NinjaContext, u: EndUserRec) =>
  [...ctx.data.devices.values()].filter((d) => d.assignedOwnerUid === u.uid).map((d) => d.id);

const accessibleBy = (ctx: NinjaContext, u: EndUserRec) =>
  u.fullPortalAccess
    ? [...ctx.data.devices.values()].filter((d) => d.organizationId === u.organizationId).map((d) => d.id)
    : assignedTo(ctx, u);

/** The spec's `EndUser`: GET /v2/user/end-user/{id}, GET /v2/user/end-users, and a create's answer. */
export function endUserView(ctx: NinjaContext, u: EndUserRec) {
  return {
    id: u.id,
    uid: u.uid,
    enabled: u.enabled,
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    ...(u.phone ? { phone: u.phone } : {}),
    organizationId: u.organizationId,
    fullPortalAccess: u.fullPortalAccess,
    mustChangePw: u.mustChangePw,
    mfaConfigured: false,
    scimUser: false,
    authType: "NATIVE",
    invitationStatus: u.invitationStatus,
    assignedDeviceIds: assignedTo(ctx, u),
    accessibleDeviceIds: accessibleBy(ctx, u),
  };
}

/** The spec's `User`, which GET /v2/organization/{id}/end-users lists (not `EndUser`). */
export function userView(ctx: NinjaContext, u: EndUserRec, includeRoles: boolean) {
  return {
    id: u.id,
    uid: u.uid,
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    ...(u.phone ? { phone: u.phone } : {}),
    enabled: u.enabled,
    administrator: false,
    permitAllClients: false,
    notifyAllClients: false,
    mustChangePw: u.mustChangePw,
    mfaConfigured: false,
    userType: "END_USER",
    invitationStatus: u.invitationStatus,
    organizationId: u.organizationId,
    deviceIds: accessibleBy(ctx, u),
    assignedDeviceIds: assignedTo(ctx, u),
    ...(includeRoles ? { roles: [] } : {}),
  };
}

/**
 * A device as GET /v2/device/{id} and GET /v2/devices-detailed answer it: the spec's `Device` with an
 * agent's `os`, `system` and `lastLoggedInUser` (its `AgentDevice`). `assignedOwnerUid` only when owned.
 */
export function deviceView(d: DeviceRec) {
  return {
    id: d.id,
    uid: d.uid,
    ...(d.assignedOwnerUid ? { assignedOwnerUid: d.assignedOwnerUid } : {}),
    organizationId: d.organizationId,
    locationId: d.locationId,
    nodeClass: d.nodeClass,
    approvalStatus: "APPROVED",
    offline: d.offline,
    displayName: d.displayName,
    systemName: d.systemName,
    dnsName: d.dnsName,
    created: d.created,
    lastContact: d.lastContact,
    lastUpdate: d.lastContact,
    tags: [],
    os: { ...d.os },
    system: { ...d.system },
    ...(d.lastLoggedInUser ? { lastLoggedInUser: d.lastLoggedInUser } : {}),
  };
}

import type { PropSpec } from "../directory/properties.ts";
import { intuneError } from "../errors.ts";
import { getCaseless, isObject, type JsonObject } from "../json.ts";
import type { DeviceRecord } from "../model.ts";
import type { CollectionSpec } from "../odata/query.ts";
import { findUser, upnOf } from "../state.ts";
import { entityResult, listResult } from "./list.ts";
import { perm, type GraphCall, type GraphRoute } from "./route.ts";
import { pathUser } from "./users.ts";

/**
 * Intune managed devices and Windows Autopilot identities (reference §12). Intune filters allow
 * contains() without ConsistencyLevel and answer errors with its stringified inner document.
 */

const prop = (filter: PropSpec["filter"] = "basic"): PropSpec => ({
  type: "string",
  write: "never",
  filter,
  byDefault: true,
  nullable: true,
});

export const managedDeviceProperties: Record<string, PropSpec> = Object.fromEntries(
  [
    "id",
    "userId",
    "deviceName",
    "managedDeviceOwnerType",
    "enrolledDateTime",
    "lastSyncDateTime",
    "operatingSystem",
    "complianceState",
    "managementAgent",
    "osVersion",
    "azureADRegistered",
    "deviceEnrollmentType",
    "emailAddress",
    "azureADDeviceId",
    "deviceRegistrationState",
    "isEncrypted",
    "userPrincipalName",
    "model",
    "manufacturer",
    "serialNumber",
    "userDisplayName",
    "managementState",
    "exchangeAccessState",
    "deviceActionResults",
  ].map((name) => [name, prop()]),
);

export const autopilotProperties: Record<string, PropSpec> = Object.fromEntries(
  [
    "id",
    "groupTag",
    "purchaseOrderIdentifier",
    "serialNumber",
    "productKey",
    "manufacturer",
    "model",
    "enrollmentState",
    "lastContactedDateTime",
    "addressableUserName",
    "userPrincipalName",
    "resourceName",
    "skuNumber",
    "systemFamily",
    "azureActiveDirectoryDeviceId",
    "managedDeviceId",
    "displayName",
  ].map((name) => [name, prop()]),
);

const intuneCollection = (props: Record<string, PropSpec>, type: string): CollectionSpec => ({
  filterTypeName: type,
  selectTypeName: type,
  props,
  directory: false,
  defaultTop: 1000,
  maxTop: 1000,
  sortable: ["deviceName", "serialNumber", "lastSyncDateTime"],
});

const managedDevices = intuneCollection(managedDeviceProperties, "microsoft.graph.managedDevice");
const autopilotDevices = intuneCollection(
  autopilotProperties,
  "microsoft.graph.windowsAutopilotDeviceIdentity",
);

function lookup(call: GraphCall, map: Map<string, DeviceRecord>): DeviceRecord {
  const id = call.params.deviceId ?? "";
  const device = map.get(id.toLowerCase());
  if (!device) throw intuneError(404, "ResourceNotFound", "Resource not found", call.requestId, call.url);
  return device;
}

function startAction(device: DeviceRecord, action: "retire" | "wipe", now: number): void {
  const at = new Date(now).toISOString();
  const results = (
    Array.isArray(device.props.deviceActionResults) ? device.props.deviceActionResults : []
  ).filter((r) => !(isObject(r) && r.actionName === action));
  results.push({ actionName: action, actionState: "pending", startDateTime: at, lastUpdatedDateTime: at });
  device.props.deviceActionResults = results;
  device.props.managementState = action === "retire" ? "retirePending" : "wipePending";
}

const deviceReads = Object.keys(managedDeviceProperties);
const autopilotReads = Object.keys(autopilotProperties);

const intune = { bucket: "intune" as const, cost: 1, intune: true };

/** Retire and wipe: bound actions on a managed device that start the action and answer 204. */
function deviceActionRoute(
  action: "retire" | "wipe",
  parameters: string[],
  permissions: GraphRoute["permissions"],
): GraphRoute {
  return {
    ...intune,
    method: "POST",
    path: `/deviceManagement/managedDevices/{deviceId}/${action}`,
    entityType: "microsoft.graph.managedDevice",
    via: [{ type: "microsoft.graph.deviceManagement", property: "managedDevices" }],
    action: { name: action, bindingType: "microsoft.graph.managedDevice", parameters },
    reads: [],
    writes: [],
    latency: "intuneAction",
    permissions,
    handle(call) {
      startAction(lookup(call, call.tenant.managedDevices), action, call.now);
      return { status: 204 };
    },
  };
}

export const deviceRoutes: GraphRoute[] = [
  {
    ...intune,
    method: "GET",
    path: "/deviceManagement/managedDevices",
    entityType: "microsoft.graph.managedDevice",
    via: [{ type: "microsoft.graph.deviceManagement", property: "managedDevices" }],
    reads: deviceReads,
    writes: [],
    latency: "intuneRead",
    permissions: perm.deviceRead,
    handle: (call) =>
      listResult(
        call,
        managedDevices,
        () => [...call.tenant.managedDevices.values()].map((d) => ({ ...d.props })),
        "deviceManagement/managedDevices",
      ),
  },
  {
    ...intune,
    method: "GET",
    path: "/deviceManagement/managedDevices/{deviceId}",
    entityType: "microsoft.graph.managedDevice",
    via: [{ type: "microsoft.graph.deviceManagement", property: "managedDevices" }],
    reads: deviceReads,
    writes: [],
    latency: "intuneRead",
    permissions: perm.deviceRead,
    handle: (call) =>
      entityResult(
        call,
        managedDevices,
        { ...lookup(call, call.tenant.managedDevices).props },
        "deviceManagement/managedDevices",
      ),
  },
  {
    ...intune,
    method: "GET",
    path: "/users/{id}/managedDevices",
    entityType: "microsoft.graph.managedDevice",
    via: [{ type: "microsoft.graph.user", property: "managedDevices" }],
    reads: deviceReads,
    writes: [],
    latency: "intuneRead",
    permissions: perm.deviceRead,
    handle(call) {
      const user = pathUser(call);
      const rows = () =>
        [...call.tenant.managedDevices.values()]
          .filter((d) => d.props.userId === user.id)
          .map((d) => ({ ...d.props }));
      return listResult(call, managedDevices, rows, `users('${call.params.id}')/managedDevices`);
    },
  },
  deviceActionRoute("retire", [], perm.deviceRetire),
  deviceActionRoute(
    "wipe",
    ["keepEnrollmentData", "keepUserData", "macOsUnlockCode", "persistEsimDataPlan"],
    perm.deviceWipe,
  ),
  {
    ...intune,
    method: "GET",
    path: "/deviceManagement/windowsAutopilotDeviceIdentities",
    entityType: "microsoft.graph.windowsAutopilotDeviceIdentity",
    via: [{ type: "microsoft.graph.deviceManagement", property: "windowsAutopilotDeviceIdentities" }],
    reads: autopilotReads,
    writes: [],
    latency: "intuneRead",
    permissions: perm.autopilotRead,
    handle: (call) =>
      listResult(
        call,
        autopilotDevices,
        () => [...call.tenant.autopilotDevices.values()].map((d) => ({ ...d.props })),
        "deviceManagement/windowsAutopilotDeviceIdentities",
      ),
  },
  {
    ...intune,
    method: "GET",
    path: "/deviceManagement/windowsAutopilotDeviceIdentities/{deviceId}",
    entityType: "microsoft.graph.windowsAutopilotDeviceIdentity",
    via: [{ type: "microsoft.graph.deviceManagement", property: "windowsAutopilotDeviceIdentities" }],
    reads: autopilotReads,
    writes: [],
    latency: "intuneRead",
    permissions: perm.autopilotRead,
    handle: (call) =>
      entityResult(
        call,
        autopilotDevices,
        { ...lookup(call, call.tenant.autopilotDevices).props },
        "deviceManagement/windowsAutopilotDeviceIdentities",
      ),
  },
  {
    ...intune,
    method: "POST",
    path: "/deviceManagement/windowsAutopilotDeviceIdentities/{deviceId}/assignUserToDevice",
    entityType: "microsoft.graph.windowsAutopilotDeviceIdentity",
    via: [{ type: "microsoft.graph.deviceManagement", property: "windowsAutopilotDeviceIdentities" }],
    action: {
      name: "assignUserToDevice",
      bindingType: "microsoft.graph.windowsAutopilotDeviceIdentity",
      parameters: ["userPrincipalName", "addressableUserName"],
    },
    reads: [],
    writes: [],
    latency: "intuneAction",
    permissions: perm.autopilotWrite,
    handle(call) {
      const device = lookup(call, call.tenant.autopilotDevices);
      const body: JsonObject = isObject(call.body) ? (call.body as JsonObject) : {};
      const upn = getCaseless(body, "userPrincipalName");
      const user = typeof upn === "string" ? findUser(call.tenant, upn, call.now) : undefined;
      if (!user) {
        throw intuneError(
          400,
          "BadRequest",
          `User '${String(upn ?? "")}' could not be found.`,
          call.requestId,
          call.url,
        );
      }
      const addressable = getCaseless(body, "addressableUserName");
      device.props.userPrincipalName = upnOf(user);
      device.props.addressableUserName =
        typeof addressable === "string" ? addressable : String(user.props.displayName ?? "");
      return { status: 204 };
    },
  },
  {
    ...intune,
    method: "POST",
    path: "/deviceManagement/windowsAutopilotDeviceIdentities/{deviceId}/unassignUserFromDevice",
    entityType: "microsoft.graph.windowsAutopilotDeviceIdentity",
    via: [{ type: "microsoft.graph.deviceManagement", property: "windowsAutopilotDeviceIdentities" }],
    action: {
      name: "unassignUserFromDevice",
      bindingType: "microsoft.graph.windowsAutopilotDeviceIdentity",
      parameters: [],
    },
    reads: [],
    writes: [],
    latency: "intuneAction",
    permissions: perm.autopilotWrite,
    handle(call) {
      const device = lookup(call, call.tenant.autopilotDevices);
      device.props.userPrincipalName = "";
      device.props.addressableUserName = "";
      return { status: 204 };
    },
  },
];

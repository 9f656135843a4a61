import type { Devices, ManagedDevice } from "../../ports/index.ts";
import { key, literal } from "./odata.ts";
import type { GraphTransport } from "./transport.ts";

const deviceFields = "id,deviceName,serialNumber,managementState,deviceActionResults";
const autopilotFields = "id,serialNumber,userPrincipalName";

interface GraphDeviceActionResult {
  actionName?: string | null;
  actionState?: string | null;
  startDateTime?: string | null;
}

interface GraphManagedDevice {
  id: string;
  deviceName?: string | null;
  serialNumber?: string | null;
  managementState?: string | null;
  deviceActionResults?: GraphDeviceActionResult[] | null;
}

interface GraphAutopilotDevice {
  id: string;
  serialNumber: string;
  /** "" when nobody is assigned. */
  userPrincipalName?: string | null;
}

const deviceActions = ["retire", "wipe"] as const;
type DeviceAction = (typeof deviceActions)[number];
const isDeviceAction = (name: string | null | undefined): name is DeviceAction =>
  deviceActions.some((a) => a === name);

// Failed and cancelled actions are not counted: issuing them again is what the caller wants.
const liveActionStates = new Set(["pending", "active", "done"]);

/** A retire or wipe already under way or done, from the state Intune reports (reference §12). */
function pendingAction(d: GraphManagedDevice): DeviceAction | undefined {
  const fromState = /^(retire|wipe)(Pending|Issued)$/.exec(d.managementState ?? "")?.[1];
  if (isDeviceAction(fromState)) return fromState;
  const latest = (d.deviceActionResults ?? [])
    .filter((r) => isDeviceAction(r.actionName) && liveActionStates.has(r.actionState ?? ""))
    .sort((a, b) => (b.startDateTime ?? "").localeCompare(a.startDateTime ?? ""))[0];
  return isDeviceAction(latest?.actionName) ? latest.actionName : undefined;
}

function toDevice(d: GraphManagedDevice): ManagedDevice {
  const action = pendingAction(d);
  return {
    id: d.id,
    deviceName: d.deviceName ?? d.id,
    ...(d.serialNumber ? { serialNumber: d.serialNumber } : {}),
    managementState: d.managementState ?? "unknown",
    ...(action ? { pendingAction: action } : {}),
  };
}

export function graphDevices(graph: GraphTransport): Devices {
  return {
    async managedDevicesOf(userId) {
      const all = await graph.all<GraphManagedDevice>(
        `/users/${key(userId)}/managedDevices?$select=${deviceFields}`,
      );
      return all.map(toDevice);
    },
    async retire(deviceId) {
      await graph.request("POST", `/deviceManagement/managedDevices/${key(deviceId)}/retire`);
    },
    async wipe(deviceId) {
      await graph.request("POST", `/deviceManagement/managedDevices/${key(deviceId)}/wipe`, {
        body: { keepEnrollmentData: false, keepUserData: false },
      });
    },
    async findAutopilotDevice(serialNumber) {
      // Autopilot identities filter serial numbers with contains() only; the exact match is made here.
      const filter = `contains(serialNumber,${literal(serialNumber)})`;
      const candidates = await graph.all<GraphAutopilotDevice>(
        `/deviceManagement/windowsAutopilotDeviceIdentities?$filter=${encodeURIComponent(filter)}&$select=${autopilotFields}`,
      );
      const found = candidates.find((d) => d.serialNumber.toLowerCase() === serialNumber.toLowerCase());
      if (!found) return undefined;
      return {
        id: found.id,
        serialNumber: found.serialNumber,
        ...(found.userPrincipalName ? { userPrincipalName: found.userPrincipalName } : {}),
      };
    },
    async assignAutopilotUser(deviceId, upn, displayName) {
      await graph.request(
        "POST",
        `/deviceManagement/windowsAutopilotDeviceIdentities/${key(deviceId)}/assignUserToDevice`,
        { body: { userPrincipalName: upn, addressableUserName: displayName } },
      );
    },
  };
}

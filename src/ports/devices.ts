export interface ManagedDevice {
  id: string;
  deviceName: string;
  serialNumber?: string;
  managementState: string;
  /** A retire or wipe already issued and not failed or cancelled. */
  pendingAction?: "retire" | "wipe";
}

export interface AutopilotDevice {
  id: string;
  serialNumber: string;
  userPrincipalName?: string;
}

export interface Devices {
  managedDevicesOf(userId: string): Promise<ManagedDevice[]>;
  retire(deviceId: string): Promise<void>;
  wipe(deviceId: string): Promise<void>;
  findAutopilotDevice(serialNumber: string): Promise<AutopilotDevice | undefined>;
  assignAutopilotUser(deviceId: string, upn: string, displayName: string): Promise<void>;
}

import { deviceAction } from "./device-action.ts";

/** Resets the leaver's devices to factory settings: for company-owned hardware. */
export const wipeDevices = deviceAction("wipe");

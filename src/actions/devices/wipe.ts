import { defineAction } from "../define.ts";
import { deviceSteps } from "../support/device-action.ts";

/** Resets the leaver's devices to factory settings: for company-owned hardware. */
export const wipeDevices = defineAction({ type: "devices.wipe", ...deviceSteps("wipe") });

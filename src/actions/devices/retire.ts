import { defineAction } from "../define.ts";
import { deviceSteps } from "../support/device-action.ts";

/** Removes company data and management from the leaver's devices; personal data stays. */
export const retireDevices = defineAction({ type: "devices.retire", ...deviceSteps("retire") });

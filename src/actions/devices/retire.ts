import { deviceAction } from "./device-action.ts";

/** Removes company data and management from the leaver's devices; personal data stays. */
export const retireDevices = deviceAction("retire");

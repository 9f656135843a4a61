import { z } from "zod";
import type { AutopilotDevice, Devices } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { actionError } from "../support/fail.ts";
import { upn } from "../support/params.ts";
import { resolveUser } from "../support/resolve-user.ts";

const sameUser = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

async function device(devices: Devices, serial: string): Promise<AutopilotDevice> {
  const found = await devices.findAutopilotDevice(serial);
  if (!found)
    throw actionError(
      "AUTOPILOT_DEVICE_NOT_FOUND",
      `no Autopilot device with serial number ${serial} in the tenant: import its hardware hash first`,
      "invalid",
    );
  return found;
}

/** Pre-assigns an Autopilot device, so the new user's first sign-in on it is their own. */
export const assignAutopilotUser = defineAction({
  type: "devices.assign-autopilot-user",
  params: z.strictObject({ upn, serial: z.string().min(1) }),
  ports: ["directory", "devices"],
  async plan(p, ctx) {
    await resolveUser(ctx.ports.directory, p.upn);
    const d = await device(ctx.ports.devices, p.serial);
    if (sameUser(d.userPrincipalName, p.upn))
      return { kind: "already-done", detail: `${p.serial} already assigned to ${p.upn}` };
    // Taking a device from a colleague is a decision for a person, not a side effect of onboarding.
    if (d.userPrincipalName)
      throw actionError(
        "AUTOPILOT_DEVICE_ASSIGNED",
        `Autopilot device ${p.serial} is assigned to ${d.userPrincipalName}; unassign it first`,
      );
    return { kind: "will-change", summary: `assign Autopilot device ${p.serial} to ${p.upn}` };
  },
  async apply(p, ctx) {
    const devices = ctx.ports.devices;
    const user = await resolveUser(ctx.ports.directory, p.upn);
    const d = await device(devices, p.serial);
    await devices.assignAutopilotUser(d.id, user.userPrincipalName, user.displayName);
    // The product page's words: the device is enrolled for its user once it is theirs in Autopilot.
    return {
      kind: "done",
      detail: `enrolled device ${p.serial} in Autopilot, assigned to ${p.upn}`,
      data: { autopilotDeviceId: d.id },
    };
  },
  async verify(p, ctx) {
    const d = await device(ctx.ports.devices, p.serial);
    return sameUser(d.userPrincipalName, p.upn)
      ? { kind: "verified" }
      : { kind: "not-verified", observed: `assigned to ${d.userPrincipalName ?? "nobody"}` };
  },
  // Intune applies Autopilot assignments in the background; the read can trail the 204.
  verifyDeadlineMs: 600_000,
});

import { LifecycleError } from "../../domain/errors.ts";
import type { AutopilotDevice, Capabilities, Devices } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { resolveUser } from "../identity/resolve-user.ts";
import { need } from "../need.ts";

interface Params {
  upn: string;
  serial: string;
}

const sameUser = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

async function device(devices: Devices, serial: string): Promise<AutopilotDevice> {
  const found = await devices.findAutopilotDevice(serial);
  if (!found)
    throw new LifecycleError({
      kind: "invalid",
      code: "AutopilotDeviceNotFound",
      message: `no Autopilot device with serial number ${serial} in the tenant: import its hardware hash first`,
    });
  return found;
}

/** Pre-assigns an Autopilot device, so the new user's first sign-in on it is their own. */
export const assignAutopilotUser = defineAction<Params, Capabilities>("devices.assign-autopilot-user", {
  async plan(p, ctx) {
    await resolveUser(need(ctx.caps, "directory"), p.upn);
    const d = await device(need(ctx.caps, "devices"), p.serial);
    if (sameUser(d.userPrincipalName, p.upn))
      return { kind: "already-done", detail: `${p.serial} already assigned to ${p.upn}` };
    // Taking a device from a colleague is a decision for a person, not a side effect of onboarding.
    if (d.userPrincipalName)
      throw new LifecycleError({
        kind: "conflict",
        code: "AutopilotDeviceAssigned",
        message: `Autopilot device ${p.serial} is assigned to ${d.userPrincipalName}; unassign it first`,
      });
    return { kind: "will-change", summary: `assign Autopilot device ${p.serial} to ${p.upn}` };
  },
  async apply(p, ctx) {
    const devices = need(ctx.caps, "devices");
    const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
    const d = await device(devices, p.serial);
    await devices.assignAutopilotUser(d.id, user.userPrincipalName, user.displayName);
    return { kind: "done", detail: `${p.serial} assigned to ${p.upn}`, data: { autopilotDeviceId: d.id } };
  },
  async verify(p, ctx) {
    const d = await device(need(ctx.caps, "devices"), p.serial);
    return sameUser(d.userPrincipalName, p.upn)
      ? { kind: "verified" }
      : { kind: "not-verified", observed: `assigned to ${d.userPrincipalName ?? "nobody"}` };
  },
  // Intune applies Autopilot assignments in the background; the read can trail the 204.
  verifyDeadlineMs: 600_000,
});

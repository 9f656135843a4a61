import { z } from "zod";
import type { ManagedDevice } from "../../ports/index.ts";
import type { ActionSpec } from "../define.ts";
import type { Ports } from "../../ports/index.ts";
import { upn } from "./params.ts";
import { resolveUser } from "./resolve-user.ts";

type DeviceAction = "retire" | "wipe";

/** A wipe removes everything a retire would, so a device being wiped needs no retire. */
const covers: Record<DeviceAction, readonly DeviceAction[]> = {
  retire: ["retire", "wipe"],
  wipe: ["wipe"],
};

const label = (d: ManagedDevice) => (d.serialNumber ? `${d.deviceName} (${d.serialNumber})` : d.deviceName);

const params = z.strictObject({ upn });

type DevicePorts = Pick<Ports, "directory" | "devices">;

/**
 * Retire and wipe differ only in the Intune call; both skip devices where that action is already
 * pending or done, which also keeps an interrupted attempt from issuing it twice.
 */
export function deviceSteps(
  action: DeviceAction,
): Omit<ActionSpec<typeof params, Ports, "directory" | "devices", never>, "type"> {
  const handled = (d: ManagedDevice) =>
    d.pendingAction !== undefined && covers[action].includes(d.pendingAction);
  const devicesOf = async (upn: string, ports: DevicePorts) => {
    const user = await resolveUser(ports.directory, upn);
    return ports.devices.managedDevicesOf(user.id);
  };
  return {
    params,
    ports: ["directory", "devices"],
    async plan(p, ctx) {
      const devices = await devicesOf(p.upn, ctx.ports);
      if (!devices.length) return { kind: "already-done", detail: "no managed devices" };
      const todo = devices.filter((d) => !handled(d));
      if (!todo.length)
        return {
          kind: "already-done",
          detail: `${action} already issued for ${devices.map(label).join(", ")}`,
        };
      return { kind: "will-change", summary: `${action} ${todo.map(label).join(", ")}` };
    },
    async apply(p, ctx) {
      const todo = (await devicesOf(p.upn, ctx.ports)).filter((d) => !handled(d));
      for (const d of todo) await ctx.ports.devices[action](d.id);
      return {
        kind: "done",
        detail: `${action} issued for ${todo.map(label).join(", ") || "no device"}`,
        data: {
          devices: todo.map((d) => ({
            deviceName: d.deviceName,
            ...(d.serialNumber ? { serialNumber: d.serialNumber } : {}),
          })),
        },
      };
    },
    async verify(p, ctx) {
      const left = (await devicesOf(p.upn, ctx.ports)).filter((d) => !handled(d));
      return left.length
        ? { kind: "not-verified", observed: `no ${action} pending on ${left.map(label).join(", ")}` }
        : { kind: "verified" };
    },
    // Any retire or wipe under way counts here: the leaver's access to company data is on its way out.
    residualAccess: {
      what: "devices",
      async check(p, ctx) {
        const left = (await devicesOf(p.upn, ctx.ports)).filter((d) => !d.pendingAction);
        return left.length
          ? [{ found: `${action} not issued for ${left.map((d) => d.deviceName).join(", ")}` }]
          : [];
      },
    },
  };
}

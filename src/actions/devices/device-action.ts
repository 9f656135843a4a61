import type { Capabilities, ManagedDevice } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { resolveUser } from "../identity/resolve-user.ts";
import { need } from "../need.ts";

type DeviceAction = "retire" | "wipe";

/** A wipe removes everything a retire would, so a device being wiped needs no retire. */
const covers: Record<DeviceAction, readonly DeviceAction[]> = {
  retire: ["retire", "wipe"],
  wipe: ["wipe"],
};

const label = (d: ManagedDevice) => (d.serialNumber ? `${d.deviceName} (${d.serialNumber})` : d.deviceName);

/**
 * Retire and wipe differ only in the Intune call; both skip devices where that action is already
 * pending or done, which also keeps an interrupted attempt from issuing it twice.
 */
export function deviceAction(action: DeviceAction) {
  const handled = (d: ManagedDevice) =>
    d.pendingAction !== undefined && covers[action].includes(d.pendingAction);
  const devicesOf = async (upn: string, caps: Capabilities) => {
    const user = await resolveUser(need(caps, "directory"), upn);
    return need(caps, "devices").managedDevicesOf(user.id);
  };
  return defineAction<{ upn: string }, Capabilities>(`devices.${action}`, {
    async plan(p, ctx) {
      const devices = await devicesOf(p.upn, ctx.caps);
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
      const devices = need(ctx.caps, "devices");
      const todo = (await devicesOf(p.upn, ctx.caps)).filter((d) => !handled(d));
      for (const d of todo) await devices[action](d.id);
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
      const left = (await devicesOf(p.upn, ctx.caps)).filter((d) => !handled(d));
      return left.length
        ? { kind: "not-verified", observed: `no ${action} pending on ${left.map(label).join(", ")}` }
        : { kind: "verified" };
    },
  });
}

import { z } from "zod";
import type { Rmm, RmmDevice, RmmOwner } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { actionError } from "../support/fail.ts";
import { text, upn } from "../support/params.ts";
import { deviceLabel, ownedBy, ownerOf, ownerValue } from "../support/rmm.ts";

const params = z.strictObject({
  /** The device the request named; absent: nothing to assign, the step skips. */
  serial: text.optional(),
  email: upn,
  /** The end user's ref, where a step before handed it on; else looked up by `email`. */
  ownerRef: text.optional(),
});

const noDevice = "no device was named in the request";

async function deviceOf(rmm: Rmm, serial: string): Promise<RmmDevice> {
  const device = await rmm.findDeviceBySerial(serial);
  // The serial came from the request: a typo or a device not enrolled yet, either way a person must look.
  if (!device)
    throw actionError("OBJECT_NOT_FOUND", `no device with serial ${serial} in the client's ${rmm.vendor}`);
  return device;
}

/**
 * Where the RMM keeps end users, only an end user can own a device: one missing (its create failed or
 * has not run) is a failure that names them, not a device owned by a bare address.
 */
async function requiredOwner(rmm: Rmm, email: string, ownerRef?: string): Promise<RmmOwner> {
  const owner = await ownerOf(rmm, email, ownerRef);
  if (rmm.endUsers && owner.ownerRef === undefined)
    throw actionError(
      "OBJECT_NOT_FOUND",
      `no RMM user entry for ${email} in ${rmm.vendor} to own the device`,
    );
  return owner;
}

/** The device the request named recorded in the RMM as the new starter's. */
export const assignDevice = defineAction({
  type: "rmm.assign-device",
  params,
  ports: ["rmm"],
  async plan(p, ctx) {
    if (!p.serial) return { kind: "skip", reason: noDevice };
    const rmm = ctx.ports.rmm;
    const device = await deviceOf(rmm, p.serial);
    const owner = await requiredOwner(rmm, p.email, p.ownerRef);
    if (ownedBy(device, [ownerValue(owner)]))
      return { kind: "already-done", detail: `${deviceLabel(device)} is ${p.email}'s in ${rmm.vendor}` };
    return {
      kind: "will-change",
      summary: `assign ${deviceLabel(device)} to ${p.email} in ${rmm.vendor}`,
      ...(device.owner ? { from: device.owner } : {}),
      to: ownerValue(owner),
      handOff: { device, owner },
    };
  },
  async apply(p, ctx, planned) {
    if (!p.serial) return { kind: "done", detail: noDevice };
    const rmm = ctx.ports.rmm;
    // Setting the same owner twice leaves the same device: what plan read is enough.
    const device = planned?.device ?? (await deviceOf(rmm, p.serial));
    const owner = planned?.owner ?? (await requiredOwner(rmm, p.email, p.ownerRef));
    await rmm.setDeviceOwner(device.id, owner);
    return {
      kind: "done",
      detail: `assigned ${deviceLabel(device)} to ${p.email} in ${rmm.vendor}`,
      data: {
        deviceId: device.id,
        name: device.name,
        serial: p.serial,
        ...(device.url ? { url: device.url } : {}),
      },
    };
  },
  async verify(p, ctx) {
    if (!p.serial) return { kind: "verified" };
    const rmm = ctx.ports.rmm;
    const device = await deviceOf(rmm, p.serial);
    const owner = await ownerOf(rmm, p.email, p.ownerRef);
    return ownedBy(device, [ownerValue(owner)])
      ? { kind: "verified" }
      : {
          kind: "not-verified",
          observed: `${deviceLabel(device)} is owned by ${device.owner ?? "nobody"}, not ${p.email}`,
        };
  },
});

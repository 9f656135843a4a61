import { z } from "zod";
import { LifecycleError } from "../../domain/errors.ts";
import type { MobileDevice } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { upn } from "../support/params.ts";
import { requireMailbox } from "../support/require-mailbox.ts";

const nameOf = (d: MobileDevice) => d.friendlyName ?? d.deviceType ?? d.identity;
const names = (ds: MobileDevice[]) => ds.map(nameOf).join(", ");

/**
 * Removes the mailbox's ActiveSync partnerships so phones stop syncing mail. No remote wipe: that is the
 * device step's decision (Intune), not a side effect of this one.
 */
export const removeMobileDevices = defineAction({
  type: "mail.remove-mobile-devices",
  params: z.strictObject({ upn }),
  ports: ["mailboxAdmin"],
  async plan(p, ctx) {
    const exchange = ctx.ports.mailboxAdmin;
    await requireMailbox(exchange, p.upn);
    const devices = await exchange.mobileDevices(p.upn);
    if (!devices.length) return { kind: "already-done", detail: "no mobile device syncs this mailbox" };
    return { kind: "will-change", summary: `remove ${devices.length} mobile device(s): ${names(devices)}` };
  },
  async apply(p, ctx) {
    const exchange = ctx.ports.mailboxAdmin;
    const devices = await exchange.mobileDevices(p.upn);
    for (const d of devices) {
      try {
        await exchange.removeMobileDevice(d.identity);
      } catch (err) {
        // Gone already (an earlier, interrupted attempt): the state we want is there.
        if (!(err instanceof LifecycleError && err.failure.kind === "not-found")) throw err;
      }
    }
    return {
      kind: "done",
      detail: devices.length ? `removed ${names(devices)}` : "no mobile device left to remove",
      data: { removedDevices: devices.map(nameOf) },
    };
  },
  async verify(p, ctx) {
    const left = await ctx.ports.mailboxAdmin.mobileDevices(p.upn);
    return left.length
      ? { kind: "not-verified", observed: `still syncing: ${names(left)}` }
      : { kind: "verified" };
  },
  residualAccess: {
    what: "mailbox",
    async check(p, ctx) {
      const exchange = ctx.ports.mailboxAdmin;
      if (!(await exchange.mailbox(p.upn))) return [{ found: "mailbox not found" }];
      const devices = await exchange.mobileDevices(p.upn);
      return devices.length
        ? [{ found: `mobile devices remain: ${devices.map((d) => d.friendlyName ?? d.identity).join(", ")}` }]
        : [];
    },
  },
});

import { defineAction } from "../define.ts";
import { lockoutParams, lockoutTarget } from "../support/lockout-target.ts";
import { unknowablePassword } from "./create-user.ts";
import { onPremReason } from "./disable-sign-in.ts";

/** The leaver's password becomes one nobody knows; it is never stored or shown. */
export const resetPassword = defineAction({
  type: "identity.reset-password",
  params: lockoutParams,
  ports: ["directory"],
  async plan(p, ctx) {
    const user = await lockoutTarget(ctx.ports.directory, p);
    if (user.synced) return { kind: "skip", reason: onPremReason };
    return { kind: "will-change", summary: "set a random password nobody knows" };
  },
  async apply(p, ctx) {
    const dir = ctx.ports.directory;
    await dir.setPassword((await lockoutTarget(dir, p)).id, unknowablePassword(), true);
    return { kind: "done", detail: "password reset to an unknown value" };
  },
  // Passwords cannot be read back; the directory accepting the write (204) is the proof there is.
  verify: async () => ({ kind: "verified", detail: "accepted by the directory" }),
});

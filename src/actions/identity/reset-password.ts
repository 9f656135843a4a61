import type { Capabilities } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { need } from "../need.ts";
import { unknowablePassword } from "./create-user.ts";
import { onPremReason } from "./disable-sign-in.ts";
import { lockoutTarget, type LockoutParams } from "./lockout-target.ts";

/** The leaver's password becomes one nobody knows; it is never stored or shown. */
export const resetPassword = defineAction<LockoutParams, Capabilities>("identity.reset-password", {
  async plan(p, ctx) {
    const user = await lockoutTarget(need(ctx.caps, "directory"), p);
    if (user.synced) return { kind: "skip", reason: onPremReason };
    return { kind: "will-change", summary: "set a random password nobody knows" };
  },
  async apply(p, ctx) {
    const dir = need(ctx.caps, "directory");
    await dir.setPassword((await lockoutTarget(dir, p)).id, unknowablePassword(), true);
    return { kind: "done", detail: "password reset to an unknown value" };
  },
  // Passwords cannot be read back; the directory accepting the write (204) is the proof there is.
  verify: async () => ({ kind: "verified", detail: "accepted by the directory" }),
});

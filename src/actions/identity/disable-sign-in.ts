import type { Capabilities } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { need } from "../need.ts";
import { lockoutTarget, type LockoutParams } from "./lockout-target.ts";
import { resolveUser } from "./resolve-user.ts";

export const onPremReason =
  "synced from on-premises AD: do this in AD (Entra would overwrite it at the next sync)";

export const disableSignIn = defineAction<LockoutParams, Capabilities>("identity.disable-sign-in", {
  async plan(p, ctx) {
    const user = await lockoutTarget(need(ctx.caps, "directory"), p);
    // Checked before anything changes: writing first and discovering the sync afterwards helps nobody.
    if (user.synced) return { kind: "skip", reason: onPremReason };
    if (user.accountEnabled === false) return { kind: "already-done", detail: "sign-in already blocked" };
    // Blocking an already blocked account is harmless: no read stands between approval and the write.
    return { kind: "will-change", summary: "block sign-in", from: true, to: false };
  },
  async apply(p, ctx) {
    const dir = need(ctx.caps, "directory");
    await dir.setAccountEnabled((await lockoutTarget(dir, p)).id, false);
    return { kind: "done", detail: "sign-in blocked" };
  },
  async verify(p, ctx) {
    const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
    return user.accountEnabled
      ? { kind: "not-verified", observed: "account still enabled" }
      : { kind: "verified" };
  },
});

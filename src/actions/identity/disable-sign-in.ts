import type { Capabilities } from "../capabilities.ts";
import { defineAction } from "../define.ts";
import { need } from "../need.ts";
import { resolveUser } from "./resolve-user.ts";

export const onPremReason =
  "synced from on-premises AD: do this in AD (Entra would overwrite it at the next sync)";

export const disableSignIn = defineAction<{ upn: string }, Capabilities>("identity.disable-sign-in", {
  async plan(p, ctx) {
    const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
    // Checked before anything changes: writing first and discovering the sync afterwards helps nobody.
    if (user.onPremisesSyncEnabled) return { kind: "skip", reason: onPremReason };
    if (!user.accountEnabled) return { kind: "already-done", detail: "sign-in already blocked" };
    return { kind: "will-change", summary: "block sign-in", from: true, to: false };
  },
  async apply(p, ctx) {
    const dir = need(ctx.caps, "directory");
    await dir.setAccountEnabled((await resolveUser(dir, p.upn)).id, false);
    return { kind: "done", detail: "sign-in blocked" };
  },
  async verify(p, ctx) {
    const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
    return user.accountEnabled
      ? { kind: "not-verified", observed: "account still enabled" }
      : { kind: "verified" };
  },
});

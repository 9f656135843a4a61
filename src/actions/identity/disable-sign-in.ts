import { defineAction } from "../define.ts";
import { lockoutParams, lockoutTarget } from "../support/lockout-target.ts";
import { resolveUser } from "../support/resolve-user.ts";

export const onPremReason =
  "synced from on-premises AD: do this in AD (Entra would overwrite it at the next sync)";

export const disableSignIn = defineAction({
  type: "identity.disable-sign-in",
  params: lockoutParams,
  ports: ["directory"],
  async plan(p, ctx) {
    const user = await lockoutTarget(ctx.ports.directory, p);
    // Checked before anything changes: writing first and discovering the sync afterwards helps nobody.
    if (user.synced) return { kind: "skip", reason: onPremReason };
    if (user.accountEnabled === false) return { kind: "already-done", detail: "sign-in already blocked" };
    // Blocking an already blocked account is harmless: no read stands between approval and the write.
    return { kind: "will-change", summary: "block sign-in", from: true, to: false };
  },
  async apply(p, ctx) {
    const dir = ctx.ports.directory;
    await dir.setAccountEnabled((await lockoutTarget(dir, p)).id, false);
    return { kind: "done", detail: "sign-in blocked" };
  },
  async verify(p, ctx) {
    const user = await resolveUser(ctx.ports.directory, p.upn);
    return user.accountEnabled
      ? { kind: "not-verified", observed: "account still enabled" }
      : { kind: "verified" };
  },
  residualAccess: {
    what: "sign-in",
    async check(p, ctx) {
      const user = await resolveUser(ctx.ports.directory, p.upn);
      if (!user.accountEnabled) return [];
      // Sign-in of a synced user is AD's to change: until the AD connector does, polling will not help.
      return user.onPremisesSyncEnabled
        ? [
            {
              found: "sign-in is still enabled (synced from on-premises AD: disable it there)",
              settled: true,
            },
          ]
        : [{ found: "sign-in is still enabled" }];
    },
  },
});

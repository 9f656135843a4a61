import type { Capabilities } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { need } from "../need.ts";
import { lockoutTarget, type LockoutParams } from "./lockout-target.ts";
import { resolveUser } from "./resolve-user.ts";

// The directory's clock and ours differ a little; a valid-from this close to the attempt is the attempt's.
const skewMs = 5_000;

/** Works for cloud and synced users alike: it is the first lock-out step and always possible. */
export const revokeSessions = defineAction<LockoutParams, Capabilities>("identity.revoke-sessions", {
  async plan(p, ctx) {
    await lockoutTarget(need(ctx.caps, "directory"), p);
    // Revoking again is harmless and a session may have started since any earlier revoke: always do it.
    return { kind: "will-change", summary: `revoke every sign-in session of ${p.upn}` };
  },
  async apply(p, ctx) {
    const dir = need(ctx.caps, "directory");
    await dir.revokeSessions((await lockoutTarget(dir, p)).id);
    return { kind: "done", detail: "sign-in sessions revoked" };
  },
  async verify(p, ctx) {
    const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
    const from = user.signInSessionsValidFromDateTime
      ? Date.parse(user.signInSessionsValidFromDateTime)
      : NaN;
    return from >= ctx.attemptStartedAt.getTime() - skewMs
      ? { kind: "verified", detail: `sessions valid from ${user.signInSessionsValidFromDateTime}` }
      : {
          kind: "not-verified",
          observed: `sessions valid from ${user.signInSessionsValidFromDateTime ?? "(unknown)"}`,
        };
  },
});

import { defineAction } from "../define.ts";
import { lockoutParams, lockoutTarget } from "../support/lockout-target.ts";
import { resolveUser } from "../support/resolve-user.ts";

// The directory's clock and ours differ a little; a valid-from this close to the attempt is the attempt's.
const skewMs = 5_000;
// Graph keeps signInSessionsValidFromDateTime to the second.
const secondMs = 1000;

/** Works for cloud and synced users alike: it is the first lock-out step and always possible. */
export const revokeSessions = defineAction({
  type: "identity.revoke-sessions",
  params: lockoutParams,
  ports: ["directory"],
  async plan(p, ctx) {
    await lockoutTarget(ctx.ports.directory, p);
    // Revoking again is harmless and a session may have started since any earlier revoke: always do it.
    return { kind: "will-change", summary: `revoke every sign-in session of ${p.upn}` };
  },
  async apply(p, ctx) {
    const dir = ctx.ports.directory;
    await dir.revokeSessions((await lockoutTarget(dir, p)).id);
    return { kind: "done", detail: "sign-in sessions revoked" };
  },
  async verify(p, ctx) {
    const user = await resolveUser(ctx.ports.directory, p.upn);
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
  // Measured against the run's start, not this step's: a session begun during the run is one too many.
  residualAccess: {
    what: "sign-in",
    async check(p, ctx) {
      const user = await resolveUser(ctx.ports.directory, p.upn);
      const from = user.signInSessionsValidFromDateTime
        ? Date.parse(user.signInSessionsValidFromDateTime)
        : NaN;
      return from >= ctx.runStartAt.getTime() - secondMs
        ? []
        : [
            {
              found: `sessions valid from ${user.signInSessionsValidFromDateTime ?? "(unknown)"}, before the run started`,
            },
          ];
    },
  },
});

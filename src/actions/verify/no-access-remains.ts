import type { OffboardingActions } from "../../domain/offboarding-actions.ts";
import type { Capabilities } from "../capabilities.ts";
import { defineAction } from "../define.ts";
import { resolveUser } from "../identity/resolve-user.ts";
import { need } from "../need.ts";

// Graph keeps signInSessionsValidFromDateTime to the second.
const secondMs = 1000;

/**
 * The offboarding's last word: an independent re-read of everything that was asked. A check that cannot
 * be made (its connector is not there) is a finding too: unproven is not the same as gone.
 */
export const noAccessRemains = defineAction<
  { upn: string; expect: Partial<OffboardingActions> },
  Capabilities
>("verify.no-access-remains", {
  plan: async (p) => ({ kind: "will-change", summary: `re-read ${p.upn} in every system` }),
  // Nothing to change: the step is its verification.
  apply: async () => ({ kind: "done", detail: "no access remains" }),
  async verify(p, ctx) {
    const dir = need(ctx.caps, "directory");
    const user = await resolveUser(dir, p.upn);
    const problems: string[] = [];
    const e = p.expect;
    if (e.disableAccount) {
      if (user.accountEnabled) problems.push("sign-in is still enabled");
      const from = user.signInSessionsValidFromDateTime
        ? Date.parse(user.signInSessionsValidFromDateTime)
        : NaN;
      if (!(from >= ctx.runStartAt.getTime() - secondMs))
        problems.push(
          `sessions valid from ${user.signInSessionsValidFromDateTime ?? "(unknown)"}, before the run started`,
        );
    }
    if (e.removeGroups) {
      const left = (await dir.groupsOf(user.id)).filter((g) => !g.readOnlyReason);
      if (left.length) problems.push(`still in ${left.map((g) => g.displayName).join(", ")}`);
    }
    if (e.removeLicenses && (await need(ctx.caps, "licensing").assignedSkuIds(user.id)).length)
      problems.push("still holds licenses");
    const unproven = [
      e.removeMfa && "MFA methods",
      e.convertToShared && "mailbox type",
      e.forwardTo && "forwarding",
      e.removeMobileDevices && "mobile devices",
    ].filter((x): x is string => typeof x === "string");
    if (unproven.length) problems.push(`not checked (no connector yet): ${unproven.join(", ")}`);
    return problems.length
      ? { kind: "not-verified", observed: problems.join("; ") }
      : { kind: "verified", detail: "no access remains" };
  },
  verifyDeadlineMs: 60_000,
});

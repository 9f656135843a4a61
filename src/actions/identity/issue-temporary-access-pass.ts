import { z } from "zod";
import { defineAction, type StepInfo } from "../define.ts";
import { upn } from "../support/params.ts";
import { resolveUser } from "../support/resolve-user.ts";

const params = z.strictObject({
  upn,
  /** The first working day; a pass issued earlier only becomes usable then. */
  startAt: z.string().optional(),
  lifetimeInMinutes: z.int().positive(),
  isUsableOnce: z.boolean(),
});
type TapParams = z.output<typeof params>;

const tapType = "temporaryAccessPassAuthenticationMethod";
// Graph's clock and ours differ a little: a pass created this much before the attempt began is still ours.
const clockSkewMs = 120_000;

/** A start in the future is passed on; a past or missing one means "usable now". */
function futureStart(p: TapParams, now: Date): Date | undefined {
  if (!p.startAt) return undefined;
  const start = new Date(p.startAt);
  return start.getTime() > now.getTime() ? start : undefined;
}

const validity = (p: TapParams, start: Date | undefined) =>
  `${start ? `from ${start.toISOString()}` : "from now"} for ${p.lifetimeInMinutes} min${p.isUsableOnce ? ", single use" : ""}`;

/**
 * Issues a Temporary Access Pass for the first sign-in and hands it over through a one-time link; neither
 * the pass nor the link's address reaches the step's data, detail or logs. Graph keeps one pass per user and a new one
 * replaces the old, and the link is keyed by the step, so a re-run replaces both rather than adding.
 */
export const issueTemporaryAccessPass = defineAction({
  type: "identity.issue-temporary-access-pass",
  params,
  // The links port is declared, so a client without one fails before a pass exists: one that cannot be
  // handed over helps nobody.
  ports: ["directory", "authentication", "oneTimeLinks"],
  async plan(p, ctx) {
    const auth = ctx.ports.authentication;
    const user = await resolveUser(ctx.ports.directory, p.upn);
    const existing = (await auth.methods(user.id)).some((m) => m.type === tapType);
    return {
      kind: "will-change",
      summary: `issue a Temporary Access Pass ${validity(p, futureStart(p, new Date()))} and share it by one-time link${existing ? " (replaces the current pass)" : ""}`,
    };
  },
  async apply(p, ctx) {
    const auth = ctx.ports.authentication;
    const links = ctx.ports.oneTimeLinks;
    const user = await resolveUser(ctx.ports.directory, p.upn);
    const now = new Date();
    const start = futureStart(p, now);
    const tap = await auth.issueTemporaryAccessPass(user.id, {
      ...(start ? { startDateTime: start.toISOString() } : {}),
      lifetimeInMinutes: p.lifetimeInMinutes,
      isUsableOnce: p.isUsableOnce,
    });
    // Graph's own start and lifetime decide when the pass stops working; the link should not outlive it.
    const startsAt = Date.parse(tap.startDateTime);
    const expiresAt = new Date(
      (Number.isNaN(startsAt) ? (start ?? now).getTime() : startsAt) + tap.lifetimeInMinutes * 60_000,
    );
    const link = await links.share({ runId: ctx.runId, actionKey: ctx.actionKey }, tap.pass, {
      label: `Temporary Access Pass for ${p.upn}`,
      expiresAt,
    });
    // The link's id and state, never its address: the welcome email asks for that when it is written.
    return {
      kind: "done",
      detail: `Temporary Access Pass issued ${validity(p, start)}; shared by one-time link ${link.linkId}`,
      data: {
        linkId: link.linkId,
        linkState: link.state,
        expiresAt: expiresAt.toISOString(),
        methodId: tap.id,
      },
    };
  },
  async verify(p, ctx) {
    const user = await resolveUser(ctx.ports.directory, p.upn);
    const taps = (await ctx.ports.authentication.methods(user.id)).filter((m) => m.type === tapType);
    return taps.some((m) => issuedThisAttempt(m.createdDateTime, ctx))
      ? { kind: "verified" }
      : {
          kind: "not-verified",
          observed: taps.length
            ? "only a pass older than this attempt"
            : "no Temporary Access Pass on the user",
        };
  },
});

function issuedThisAttempt(createdDateTime: string | undefined, ctx: StepInfo): boolean {
  if (!createdDateTime) return false;
  return Date.parse(createdDateTime) >= ctx.attemptStartedAt.getTime() - clockSkewMs;
}

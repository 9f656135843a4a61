import { z } from "zod";
import { defineAction } from "../define.ts";
import { upn } from "../support/params.ts";

/**
 * How often to look again: often while a mailbox is usually about to appear (most do within the first
 * minute after the licence), less once it is late, so a six-hour wait costs hundreds of reads, not
 * thousands. Measured from the run's start, which the step follows by seconds.
 */
export function mailboxPollMs(waitedMs: number): number {
  if (waitedMs < 2 * 60_000) return 2_000;
  if (waitedMs < 15 * 60_000) return 15_000;
  return 60_000;
}

/**
 * Exchange creates the mailbox some time after the license lands (tens of seconds to hours). Mail steps
 * depend on this one; it polls without holding a worker and changes nothing itself.
 */
export const waitForMailbox = defineAction({
  type: "mail.wait-for-mailbox",
  params: z.strictObject({ upn }),
  ports: ["mailboxes"],
  async plan(p, ctx) {
    if (await ctx.ports.mailboxes.isProvisioned(p.upn))
      return { kind: "will-change", summary: "mailbox is there; record it" };
    return {
      kind: "wait",
      for: `the mailbox of ${p.upn}`,
      retryInMs: mailboxPollMs(Date.now() - ctx.runStartAt.getTime()),
      deadlineMs: 6 * 3600_000,
    };
  },
  // Nothing to change: the step's result is the observation that the mailbox answers.
  apply: async (p) => ({ kind: "done", detail: `mailbox of ${p.upn} is provisioned` }),
  async verify(p, ctx) {
    return (await ctx.ports.mailboxes.isProvisioned(p.upn))
      ? { kind: "verified" }
      : { kind: "not-verified", observed: "mailbox not answering" };
  },
});

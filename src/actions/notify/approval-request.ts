import { z } from "zod";
import type { ApprovalLinkAddress, MailSender, OutgoingMail } from "../../ports/index.ts";
import { defineAction, type StepInfo } from "../define.ts";
import { text, upn } from "../support/params.ts";
import { escapeHtml, senderOf, sendOnce, sentItemsLagMs, utc } from "../support/send-once.ts";

const params = z.strictObject({
  /** The approvers by address the planner resolved (the manager, the policy's named addresses). */
  approvers: z.array(upn).min(1).max(20),
  from: upn.optional(),
  kind: z.enum(["onboard", "offboard"]),
  /** Who the run is about: the new starter's name, the leaver's address. */
  about: text,
  requester: text,
});
type Params = z.output<typeof params>;

// One message per approver, each with their own link: the key stamped on each tells them apart.
const keyOf = (ctx: StepInfo, approver: string) => `${ctx.idempotencyKey}:${approver.toLowerCase()}`;

const what = (p: Params) => `${p.kind === "onboard" ? "onboarding" : "offboarding"} of ${p.about}`;

async function unsentOf(p: Params, ctx: StepInfo, mail: MailSender, from: string): Promise<string[]> {
  const unsent: string[] = [];
  for (const approver of p.approvers)
    if (!(await mail.findSent(from, keyOf(ctx, approver)))) unsent.push(approver);
  return unsent;
}

/** The message to one approver, carrying their link: the only place its address is ever written. */
export function approvalRequestMail(
  p: Params,
  approver: string,
  link: Extract<ApprovalLinkAddress, { kind: "ready" }>,
  idempotencyKey: string,
): OutgoingMail {
  const url = escapeHtml(link.url);
  return {
    to: [approver],
    subject: `Approval needed: ${what(p)}`,
    html:
      `<p>Hello,</p><p>${escapeHtml(p.requester)} asked for the ${escapeHtml(what(p))}. ` +
      `It does not start until it is approved, and you are asked to approve it.</p>` +
      `<p>See every step it will take, then approve or reject it: <a href="${url}">${url}</a></p>` +
      `<p>The link is yours alone and takes one answer; it stops working at ${utc(link.expiresAt)}. ` +
      `If you did not expect this, reject it or tell your IT team.</p>`,
    idempotencyKey,
  };
}

/**
 * Mails each approver by address a link to the plan, to approve or reject it, while the run's approval
 * waits. Each message is stamped with its own key and looked for in Sent Items before it is sent, so a
 * retry or a crash never mails anyone twice; the link is derived again for each attempt, the same link
 * each time. The outcome names who was mailed and each link's id, never its address.
 */
export const approvalRequest = defineAction({
  type: "notify.approval-request",
  params,
  ports: ["mailSender", "approvalLinks"],
  async plan(p, ctx) {
    const from = senderOf(p.from);
    const unsent = await unsentOf(p, ctx, ctx.ports.mailSender, from);
    if (!unsent.length)
      return {
        kind: "already-done",
        detail: `approval already asked of ${p.approvers.join(", ")} (found in ${from}'s Sent Items)`,
      };
    if (!(await ctx.ports.approvalLinks.pending(ctx.runId)))
      return {
        kind: "skip",
        reason: `the run no longer waits for approval, so ${unsent.join(", ")} ${unsent.length > 1 ? "were" : "was"} not asked`,
      };
    if (ctx.inDoubt)
      return {
        kind: "wait",
        for: `the interrupted attempt's messages to reach ${from}'s Sent Items`,
        retryInMs: sentItemsLagMs,
      };
    return {
      kind: "will-change",
      summary: `email ${unsent.join(", ")} from ${from} a link to approve the ${what(p)}`,
      handOff: unsent,
    };
  },
  async apply(p, ctx, planned?: string[]) {
    const from = senderOf(p.from);
    const unsent = planned ?? (await unsentOf(p, ctx, ctx.ports.mailSender, from));
    const sentTo: string[] = [];
    const links: { approver: string; linkId: string }[] = [];
    const notAsked: { approver: string; reason: string }[] = [];
    for (const approver of unsent) {
      const link = await ctx.ports.approvalLinks.linkFor(ctx.runId, approver);
      if (link.kind === "unavailable") {
        notAsked.push({ approver, reason: link.reason });
        continue;
      }
      const mail = approvalRequestMail(p, approver, link, keyOf(ctx, approver));
      // Messages already sent are found in Sent Items by the next attempt's plan.
      const unclear = await sendOnce(ctx, from, mail);
      if (unclear) return unclear;
      sentTo.push(approver);
      links.push({ approver, linkId: link.linkId });
    }
    const skipped = notAsked.map((n) => `not ${n.approver}: ${n.reason}`).join("; ");
    return {
      kind: "done",
      detail: `approval asked of ${sentTo.join(", ") || "nobody"} by email from ${from}${skipped ? `; ${skipped}` : ""}`,
      data: { sentTo, links, ...(notAsked.length ? { notAsked } : {}) },
    };
  },
  async verify(p, ctx) {
    const from = senderOf(p.from);
    const unsent = await unsentOf(p, ctx, ctx.ports.mailSender, from);
    if (!unsent.length) return { kind: "verified" };
    // Decided meanwhile: those not asked need not be.
    if (!(await ctx.ports.approvalLinks.pending(ctx.runId)))
      return {
        kind: "verified",
        detail: `the approval was decided before ${unsent.join(", ")} could be asked`,
      };
    return { kind: "not-verified", observed: `not in ${from}'s Sent Items yet: ${unsent.join(", ")}` };
  },
});

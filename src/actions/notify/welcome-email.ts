import { z } from "zod";
import type { OutgoingMail } from "../../ports/index.ts";
import { defineAction, type StepInfo } from "../define.ts";
import { text, upn } from "../support/params.ts";
import {
  escapeHtml,
  nobodyToTell,
  planSend,
  recipients,
  senderOf,
  sendOnce,
  utc,
  verifySent,
} from "../support/send-once.ts";

const params = z.strictObject({
  upn,
  displayName: text,
  from: upn.optional(),
  /** The requester (HR, the manager): who arranges the first day; a name without an address is not mailed. */
  to: text,
  personalEmail: upn.optional(),
});
type Params = z.output<typeof params>;

/** The one-time link the TAP step made, if it ran: a link to the pass, never the pass. */
function tapLink(ctx: StepInfo): { url: string; expiresAt?: string } | undefined {
  const tap = ctx.output("tap");
  if (typeof tap?.linkUrl !== "string") return undefined;
  return { url: tap.linkUrl, ...(typeof tap.expiresAt === "string" ? { expiresAt: tap.expiresAt } : {}) };
}

const subjectOf = (p: Params) => `Welcome aboard: ${p.displayName}'s account is ready`;

function welcome(p: Params, ctx: StepInfo): OutgoingMail {
  const link = tapLink(ctx);
  const firstSignIn = link
    ? `<p>For the first sign-in, open this one-time link: <a href="${escapeHtml(link.url)}">${escapeHtml(link.url)}</a>. ` +
      `It shows a Temporary Access Pass once${link.expiresAt ? ` and stops working at ${utc(new Date(link.expiresAt))}` : ""}; ` +
      `at that sign-in you will set up multi-factor authentication.</p>`
    : "<p>Your technician will hand over the details for the first sign-in.</p>";
  return {
    to: recipients(p.to, p.personalEmail),
    subject: subjectOf(p),
    html:
      `<p>Hello,</p><p>The Microsoft 365 account for <strong>${escapeHtml(p.displayName)}</strong> is ready.</p>` +
      `<ul><li>Sign-in name: <strong>${escapeHtml(p.upn)}</strong></li>` +
      `<li>Account usable from: ${utc(ctx.runStartAt)}</li></ul>${firstSignIn}`,
    idempotencyKey: ctx.idempotencyKey,
  };
}

/** Tells the requester (and the new starter's private address, if given) how to sign in on day one. */
export const welcomeEmail = defineAction({
  type: "notify.welcome-email",
  params,
  ports: ["mailSender"],
  async plan(p, ctx) {
    const from = senderOf(p.from);
    const none = nobodyToTell(
      recipients(p.to, p.personalEmail),
      `the requester "${p.to}" is not an address and no personal email was given`,
    );
    if (none) return none;
    return planSend(
      ctx,
      from,
      `email ${recipients(p.to, p.personalEmail).join(", ")} from ${from}: "${subjectOf(p)}"`,
    );
  },
  async apply(p, ctx) {
    const mail = welcome(p, ctx);
    const unclear = await sendOnce(ctx, senderOf(p.from), mail);
    if (unclear) return unclear;
    return {
      kind: "done",
      detail: `welcome email sent to ${mail.to.join(", ")}`,
      data: {
        to: mail.to,
        subject: mail.subject,
        firstSignIn: tapLink(ctx) ? "one-time link" : "technician",
      },
    };
  },
  verify: (p, ctx) => verifySent(ctx, senderOf(p.from)),
});

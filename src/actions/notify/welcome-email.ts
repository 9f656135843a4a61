import { z } from "zod";
import type { OutgoingMail } from "../../ports/index.ts";
import { defineAction, type StepInfo } from "../define.ts";
import { text, upn } from "../support/params.ts";
import {
  escapeHtml,
  planSend,
  recipients,
  senderOf,
  sendOnce,
  utc,
  verifySent,
} from "../support/send-once.ts";

const params = z.strictObject({
  upn,
  displayName: text.optional(),
  from: upn.optional(),
  /**
   * Who arranges the first day: the client's HR contacts (may be none). A lone name is what plans made
   * before HR contacts existed carry (the requester, mailed only when it is an address): a run planned
   * then still runs as it was approved.
   */
  to: z.union([z.array(upn).max(50), text]),
  /** The new starter's private address, for the credentials hand-off. */
  personalEmail: upn.optional(),
});
type Params = z.output<typeof params>;

/** Everyone the email goes to, each address once whatever its case: the HR contacts, then the starter. */
const recipientsOf = (p: Params) =>
  recipients(...(typeof p.to === "string" ? [p.to] : p.to), p.personalEmail);

/** Why nobody is mailed, in the words of where the addresses should have come from. */
const nobodyBecause = (p: Params) =>
  typeof p.to === "string"
    ? `no email address to send it to (the requester "${p.to}" is not an address and no personal email was given)`
    : "no HR contact in the client's config and no personal email";

/** The one-time link the TAP step made, if it ran: a link to the pass, never the pass. */
function tapLink(ctx: StepInfo): { url: string; expiresAt?: string } | undefined {
  const tap = ctx.output("tap");
  if (typeof tap?.linkUrl !== "string") return undefined;
  return { url: tap.linkUrl, ...(typeof tap.expiresAt === "string" ? { expiresAt: tap.expiresAt } : {}) };
}

const nameOf = (p: Params) => p.displayName ?? p.upn;
const subjectOf = (p: Params) => `Welcome aboard: ${nameOf(p)}'s account is ready`;

function welcome(p: Params, ctx: StepInfo): OutgoingMail {
  const link = tapLink(ctx);
  const firstSignIn = link
    ? `<p>For the first sign-in, open this one-time link: <a href="${escapeHtml(link.url)}">${escapeHtml(link.url)}</a>. ` +
      `It shows a Temporary Access Pass once${link.expiresAt ? ` and stops working at ${utc(new Date(link.expiresAt))}` : ""}; ` +
      `at that sign-in you will set up multi-factor authentication.</p>`
    : "<p>Your technician will hand over the details for the first sign-in.</p>";
  return {
    to: recipientsOf(p),
    subject: subjectOf(p),
    html:
      `<p>Hello,</p><p>The Microsoft 365 account for <strong>${escapeHtml(nameOf(p))}</strong> is ready.</p>` +
      `<ul><li>Sign-in name: <strong>${escapeHtml(p.upn)}</strong></li>` +
      `<li>Account usable from: ${utc(ctx.runStartAt)}</li></ul>${firstSignIn}`,
    idempotencyKey: ctx.idempotencyKey,
  };
}

/**
 * Tells the client's HR contacts (and the new starter's private address, if given) how to sign in on day
 * one. Nobody to tell is a skip that says why, never a success. The outcome records who it went to; the
 * one-time link is only ever in the message.
 */
export const welcomeEmail = defineAction({
  type: "notify.welcome-email",
  params,
  ports: ["mailSender"],
  async plan(p, ctx) {
    const from = senderOf(p.from);
    const to = recipientsOf(p);
    if (!to.length) return { kind: "skip", reason: nobodyBecause(p) };
    const planned = await planSend(ctx, from, `email ${to.join(", ")} from ${from}: "${subjectOf(p)}"`);
    return planned.kind === "already-done"
      ? { ...planned, detail: `welcome email to ${to.join(", ")} ${planned.detail ?? "already sent"}` }
      : planned;
  },
  async apply(p, ctx) {
    const mail = welcome(p, ctx);
    const unclear = await sendOnce(ctx, senderOf(p.from), mail);
    if (unclear) return unclear;
    return {
      kind: "done",
      detail: `welcome email sent to ${mail.to.join(", ")}`,
      data: {
        sentTo: mail.to,
        subject: mail.subject,
        firstSignIn: tapLink(ctx) ? "one-time link" : "technician",
      },
    };
  },
  verify: (p, ctx) => verifySent(ctx, senderOf(p.from)),
});

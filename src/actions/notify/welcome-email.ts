import { z } from "zod";
import type { LinkAddress, OneTimeLinks, OutgoingMail } from "../../ports/index.ts";
import { defineAction, type StepInfo } from "../define.ts";
import {
  droppedText,
  recipientRules,
  screenRecipients,
  type Dropped,
} from "../support/allowed-recipients.ts";
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

export const welcomeParams = z.strictObject({
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
  ...recipientRules,
});
export type WelcomeParams = z.output<typeof welcomeParams>;

/**
 * Everyone the email may go to, each address once whatever its case: the HR contacts, then the starter;
 * any other address is dropped, with the reason.
 */
export function welcomeAudience(p: WelcomeParams): { to: string[]; dropped: Dropped[] } {
  return screenRecipients(recipients(...(typeof p.to === "string" ? [p.to] : p.to), p.personalEmail), {
    domains: p.domains,
    hrContacts: p.hrContacts,
    personalEmail: p.personalEmail,
    subject: p.upn,
  });
}

/** Why nobody is mailed, in the words of where the addresses should have come from. */
function nobodyBecause(p: WelcomeParams, dropped: Dropped[]): string {
  const why =
    typeof p.to === "string"
      ? `no email address to send it to (the requester "${p.to}" is not an address and no personal email was given)`
      : "no HR contact in the client's config and no personal email";
  return dropped.length ? `no email address it may go to: ${droppedText(dropped)}` : why;
}

/** The link the TAP step made, if it ran: its id, never its address (that comes only into the message). */
const tapLinkId = (ctx: StepInfo): string | undefined => {
  const id = ctx.output("tap")?.linkId;
  return typeof id === "string" ? id : undefined;
};

/** The link's address now, or why the message goes without it. */
async function firstSignInLink(
  ctx: StepInfo,
  links: OneTimeLinks | undefined,
): Promise<{ linkId: string; address: LinkAddress } | undefined> {
  const linkId = tapLinkId(ctx);
  if (!linkId) return undefined;
  if (!links)
    return {
      linkId,
      address: { kind: "unavailable", state: "unknown", reason: "this client has no one-time links" },
    };
  return { linkId, address: await links.address(linkId) };
}

const nameOf = (p: WelcomeParams) => p.displayName ?? p.upn;
const subjectOf = (p: WelcomeParams) => `Welcome aboard: ${nameOf(p)}'s account is ready`;

/** The welcome email; `reissued` when it carries a link that replaces one sent before. */
export function welcomeMail(
  p: WelcomeParams,
  to: string[],
  link: LinkAddress | undefined,
  opts: { runStartAt: Date; idempotencyKey: string; reissued?: boolean },
): OutgoingMail {
  const firstSignIn =
    link?.kind === "ready"
      ? `<p>For the first sign-in, open this one-time link: <a href="${escapeHtml(link.url)}">${escapeHtml(link.url)}</a>. ` +
        `It shows a Temporary Access Pass once and stops working at ${utc(link.expiresAt)}; ` +
        `at that sign-in you will set up multi-factor authentication.</p>` +
        (opts.reissued ? "<p>It replaces the link sent before, which no longer works.</p>" : "")
      : "<p>Your technician will hand over the details for the first sign-in.</p>";
  return {
    to,
    subject: opts.reissued ? `New sign-in link: ${nameOf(p)}` : subjectOf(p),
    html:
      `<p>Hello,</p><p>The Microsoft 365 account for <strong>${escapeHtml(nameOf(p))}</strong> is ready.</p>` +
      `<ul><li>Sign-in name: <strong>${escapeHtml(p.upn)}</strong></li>` +
      `<li>Account usable from: ${utc(opts.runStartAt)}</li></ul>${firstSignIn}`,
    idempotencyKey: opts.idempotencyKey,
  };
}

/**
 * Tells the client's HR contacts (and the new starter's private address, if given) how to sign in on day
 * one. Nobody to tell is a skip that says why, never a success; an address outside the client is dropped
 * and named. The outcome records who it went to and which link it carried; the link's address is only
 * ever in the message, derived again on each attempt, so a message sent again carries the same link.
 */
export const welcomeEmail = defineAction({
  type: "notify.welcome-email",
  params: welcomeParams,
  ports: ["mailSender"],
  optionalPorts: ["oneTimeLinks"],
  async plan(p, ctx) {
    const from = senderOf(p.from);
    const { to, dropped } = welcomeAudience(p);
    if (!to.length) return { kind: "skip", reason: nobodyBecause(p, dropped) };
    const also = dropped.length ? `; ${droppedText(dropped)}` : "";
    const planned = await planSend(
      ctx,
      from,
      `email ${to.join(", ")} from ${from}: "${subjectOf(p)}"${also}`,
    );
    return planned.kind === "already-done"
      ? { ...planned, detail: `welcome email to ${to.join(", ")} ${planned.detail ?? "already sent"}` }
      : planned;
  },
  async apply(p, ctx) {
    const { to, dropped } = welcomeAudience(p);
    const link = await firstSignInLink(ctx, ctx.ports.oneTimeLinks);
    const mail = welcomeMail(p, to, link?.address, {
      runStartAt: ctx.runStartAt,
      idempotencyKey: ctx.idempotencyKey,
    });
    const unclear = await sendOnce(ctx, senderOf(p.from), mail);
    if (unclear) return unclear;
    const without = link?.address.kind === "unavailable" ? `; without the link: ${link.address.reason}` : "";
    return {
      kind: "done",
      detail: `welcome email sent to ${mail.to.join(", ")}${dropped.length ? `; ${droppedText(dropped)}` : ""}${without}`,
      data: {
        sentTo: mail.to,
        subject: mail.subject,
        firstSignIn: link?.address.kind === "ready" ? "one-time link" : "technician",
        ...(link ? { linkId: link.linkId } : {}),
        ...(dropped.length ? { dropped } : {}),
      },
    };
  },
  verify: (p, ctx) => verifySent(ctx, senderOf(p.from)),
});

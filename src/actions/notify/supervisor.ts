import { z } from "zod";
import type { DirectoryUser, OutgoingMail, Ports } from "../../ports/index.ts";
import { defineAction, type StepContext, type StepInfo } from "../define.ts";
import { droppedText, recipientRules, screenRecipients } from "../support/allowed-recipients.ts";
import { text, upn } from "../support/params.ts";
import { resolveUser } from "../support/resolve-user.ts";
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
  from: upn.optional(),
  /** Whoever asked: an address is told too, a name (a CLI user, an API client) is not mailed. */
  requester: text,
  ...recipientRules,
});
type Params = z.output<typeof params>;

async function audience(p: Params, ctx: StepContext<Pick<Ports, "directory">>) {
  const dir = ctx.ports.directory;
  const user = await resolveUser(dir, p.upn);
  const manager = await dir.getManager(user.id);
  // The directory's manager is screened too: a guest's address is outside the client like anyone's.
  const { to, dropped } = screenRecipients(recipients(manager?.userPrincipalName, p.requester), {
    domains: p.domains,
    hrContacts: p.hrContacts,
    subject: p.upn,
  });
  return { user, manager: manager?.userPrincipalName, to, dropped };
}

/** What the directory shows now, not what the plan hoped: a manager is told facts. */
function facts(user: DirectoryUser, ctx: StepInfo): string[] {
  const revokedAt = user.signInSessionsValidFromDateTime
    ? new Date(user.signInSessionsValidFromDateTime)
    : undefined;
  return [
    user.accountEnabled ? "Sign-in is still allowed." : "Sign-in is blocked.",
    revokedAt && revokedAt >= ctx.runStartAt
      ? `Every sign-in session was ended at ${utc(revokedAt)}.`
      : "Existing sign-in sessions were not ended by this offboarding.",
    ...(user.onPremisesSyncEnabled
      ? ["The account is synced from on-premises AD: changes to it are made there."]
      : []),
  ];
}

function notice(p: Params, ctx: StepInfo, a: Awaited<ReturnType<typeof audience>>): OutgoingMail {
  const name = escapeHtml(a.user.displayName);
  const list = facts(a.user, ctx)
    .map((f) => `<li>${escapeHtml(f)}</li>`)
    .join("");
  const noManager = a.manager
    ? ""
    : `<p>${escapeHtml(p.upn)} has no manager in the directory, so this notice went to the requester only.</p>`;
  return {
    to: a.to,
    subject: `Offboarding of ${a.user.displayName}`,
    html:
      `<p>Hello,</p><p>${name} (${escapeHtml(p.upn)}) is being offboarded at the request of ` +
      `${escapeHtml(p.requester)}. As of ${utc(new Date())}:</p><ul>${list}</ul>${noManager}` +
      `<p>Reply to this message if ${name} still needs something handed over.</p>`,
    idempotencyKey: ctx.idempotencyKey,
  };
}

/** Tells the leaver's manager (and the requester) that access is gone; without a manager, the requester. */
export const notifySupervisor = defineAction({
  type: "notify.supervisor",
  params,
  ports: ["directory", "mailSender"],
  async plan(p, ctx) {
    const from = senderOf(p.from);
    const a = await audience(p, ctx);
    const none = nobodyToTell(
      a.to,
      a.dropped.length
        ? droppedText(a.dropped)
        : `no manager on record and the requester "${p.requester}" is not an address`,
    );
    if (none) return none;
    const who = a.manager
      ? `the manager ${a.manager} and ${p.requester}`
      : `${p.requester} only (no manager on record)`;
    const also = a.dropped.length ? `; ${droppedText(a.dropped)}` : "";
    return planSend(ctx, from, `email ${who} from ${from}${also}`);
  },
  async apply(p, ctx) {
    const a = await audience(p, ctx);
    const mail = notice(p, ctx, a);
    const unclear = await sendOnce(ctx, senderOf(p.from), mail);
    if (unclear) return unclear;
    const also = a.dropped.length ? `; ${droppedText(a.dropped)}` : "";
    return {
      kind: "done",
      detail: a.manager
        ? `notice sent to ${mail.to.join(", ")}${also}`
        : `no manager on record: notice sent to ${mail.to.join(", ")} only${also}`,
      data: { to: mail.to, manager: a.manager ?? null, ...(a.dropped.length ? { dropped: a.dropped } : {}) },
    };
  },
  verify: (p, ctx) => verifySent(ctx, senderOf(p.from)),
});

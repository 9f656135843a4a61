import { toFailure } from "../../domain/errors.ts";
import { isEmailAddress } from "../../domain/fields.ts";
import type { PlanResult, VerifyResult } from "../../domain/outcome.ts";
import type { MailSender, OutgoingMail } from "../../ports/index.ts";
import type { StepContext } from "../define.ts";
import { actionError } from "./fail.ts";

type Ctx = StepContext<{ mailSender: MailSender }>;

// sendMail answers 202 before the copy lands in Sent Items; this is how long an interrupted send gets.
export const sentItemsLagMs = 60_000;

export function senderOf(from: string | undefined): string {
  if (!from) throw actionError("NO_SENDER", "no sender mailbox configured (microsoft.sendMailFrom)");
  return from;
}

/**
 * sendMail is not idempotent, so every send is stamped with the step's key and the sender's Sent Items
 * is searched for it first. An interrupted attempt whose message is not there yet may still have sent
 * it: one wait gives Exchange time to file the copy, and the attempt after that (no longer in doubt)
 * sends only if the copy is still missing.
 */
export async function planSend(ctx: Ctx, from: string, summary: string): Promise<PlanResult> {
  const sent = await ctx.ports.mailSender.findSent(from, ctx.idempotencyKey);
  if (sent)
    return {
      kind: "already-done",
      detail: `already sent${sent.sentAt ? ` at ${sent.sentAt}` : ""} (found in ${from}'s Sent Items)`,
    };
  if (ctx.inDoubt)
    return {
      kind: "wait",
      for: `the interrupted attempt's message to reach ${from}'s Sent Items`,
      retryInMs: sentItemsLagMs,
    };
  return { kind: "will-change", summary };
}

/**
 * Sends, or — when the send failed in a way that may have come after delivery (a 5xx, a dropped
 * connection) — waits for Sent Items before the plan looks again, so a retry never sends twice.
 */
export async function sendOnce(
  ctx: Ctx,
  from: string,
  mail: OutgoingMail,
): Promise<{ kind: "wait"; for: string; retryInMs: number } | undefined> {
  try {
    await ctx.ports.mailSender.send(from, mail);
    return undefined;
  } catch (err) {
    if (toFailure(err).kind !== "transient") throw err;
    return { kind: "wait", for: `${from}'s Sent Items after an unclear send`, retryInMs: sentItemsLagMs };
  }
}

export async function verifySent(ctx: Ctx, from: string): Promise<VerifyResult> {
  const sent = await ctx.ports.mailSender.findSent(from, ctx.idempotencyKey);
  return sent ? { kind: "verified" } : { kind: "not-verified", observed: `not in ${from}'s Sent Items yet` };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Each address once, whatever its case. A requester is whoever submitted the form and need not be an
 * address (a CLI user, an API client): such names are not mailed to, rather than bounced by Graph.
 */
export function recipients(...addresses: (string | undefined)[]): string[] {
  const seen = new Map<string, string>();
  for (const a of addresses)
    if (a && isEmailAddress(a.toLowerCase()) && !seen.has(a.toLowerCase())) seen.set(a.toLowerCase(), a);
  return [...seen.values()];
}

/** Nobody with an address to tell: the step says so instead of sending to nobody. */
export function nobodyToTell(to: string[], who: string): PlanResult | undefined {
  return to.length ? undefined : { kind: "skip", reason: `no email address to send it to (${who})` };
}

export const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

import { z } from "zod";
import type { Psa, PsaTicket } from "../../ports/index.ts";
import { defineAction, type StepInfo } from "../define.ts";
import { actionError } from "../support/fail.ts";
import { text } from "../support/params.ts";

const params = z.strictObject({
  /** The ticket the request named ("48291"); absent: the run opens one. */
  number: text.optional(),
  title: text.max(200),
  description: text.max(8000).optional(),
});
type Params = z.output<typeof params>;

const missingTicketRetryMs = 60_000;
/** How long a named ticket the PSA does not know is waited for (it may be being created by hand). */
export const missingTicketDeadlineMs = 30 * 60_000;

async function existing(psa: Psa, p: Params, ctx: StepInfo): Promise<PsaTicket | undefined> {
  // A run opens its ticket under its own id as reference: a retried open finds the one the lost answer made.
  return p.number ? psa.findTicket(p.number) : psa.findTicketByReference(ctx.runId);
}

const data = (t: PsaTicket) => ({ ticketId: t.id, number: t.number, ...(t.url ? { url: t.url } : {}) });

/**
 * The ticket the run logs to: the one the request named, or one it opens on the client's board or queue.
 * A named ticket the PSA does not know is waited for (it may be created by hand) until the deadline.
 */
export const openTicket = defineAction({
  type: "psa.open-ticket",
  params,
  ports: ["psa"],
  async plan(p, ctx) {
    const found = await existing(ctx.ports.psa, p, ctx);
    if (p.number && !found)
      return {
        kind: "wait",
        for: `ticket #${p.number} in the PSA`,
        retryInMs: missingTicketRetryMs,
        deadlineMs: missingTicketDeadlineMs,
      };
    if (found?.closed && p.number)
      return {
        kind: "will-change",
        summary: `ticket #${found.number} is closed: open a new one that names it`,
      };
    return found
      ? { kind: "will-change", summary: `log to ticket #${found.number}` }
      : { kind: "will-change", summary: `open a ticket "${p.title}"` };
  },
  async apply(p, ctx) {
    const psa = ctx.ports.psa;
    // One this run opened already (an answer lost, or a named ticket found closed before) comes first.
    const ours = await psa.findTicketByReference(ctx.runId);
    if (ours) return { kind: "done", detail: `logging to ticket #${ours.number}`, data: data(ours) };
    const named = p.number ? await psa.findTicket(p.number) : undefined;
    if (named && !named.closed)
      return { kind: "done", detail: `logging to ticket #${named.number}`, data: data(named) };
    const opened = await psa.openTicket({
      title: p.title,
      description:
        [p.description, named ? `Follows ticket #${named.number}, which is closed.` : undefined]
          .filter(Boolean)
          .join("\n\n") || p.title,
      reference: ctx.runId,
    });
    return { kind: "done", detail: `opened ticket #${opened.number}`, data: data(opened) };
  },
  async verify(p, ctx) {
    const psa = ctx.ports.psa;
    const t =
      (await psa.findTicketByReference(ctx.runId)) ?? (p.number ? await psa.findTicket(p.number) : undefined);
    if (!t) throw actionError("TICKET_NOT_FOUND", "the ticket this run logs to is gone from the PSA");
    return { kind: "verified" };
  },
});

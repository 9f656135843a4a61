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

interface Found {
  /** One this run opened already: an answer lost, or a named ticket found closed before. */
  ours: PsaTicket | undefined;
  named: PsaTicket | undefined;
}

/**
 * The run opens its ticket under its own id as reference, and only this step does: a retried open finds
 * the one the lost answer made, and before the step's first attempt there is none to look for.
 */
async function lookUp(psa: Psa, p: Params, ctx: StepInfo): Promise<Found> {
  const ours = ctx.firstAttempt ? undefined : await psa.findTicketByReference(ctx.runId);
  const named = p.number && !ours ? await psa.findTicket(p.number) : undefined;
  return { ours, named };
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
    const found = await lookUp(ctx.ports.psa, p, ctx);
    const { ours, named } = found;
    if (ours) return { kind: "will-change", summary: `log to ticket #${ours.number}`, handOff: found };
    if (p.number && !named)
      return {
        kind: "wait",
        for: `ticket #${p.number} in the PSA`,
        retryInMs: missingTicketRetryMs,
        deadlineMs: missingTicketDeadlineMs,
      };
    if (named?.closed)
      return {
        kind: "will-change",
        summary: `ticket #${named.number} is closed: open a new one that names it`,
        handOff: found,
      };
    return named
      ? { kind: "will-change", summary: `log to ticket #${named.number}`, handOff: found }
      : { kind: "will-change", summary: `open a ticket "${p.title}"`, handOff: found };
  },
  async apply(p, ctx, planned) {
    const psa = ctx.ports.psa;
    // After an earlier attempt, looked up again right before opening: its open may still have been
    // landing at the PSA when plan read. A first attempt's plan has just looked.
    const { ours, named } = ctx.firstAttempt && planned ? planned : await lookUp(psa, p, ctx);
    const chosen = ours ?? (named && !named.closed ? named : undefined);
    if (chosen)
      return {
        kind: "done",
        detail: `logging to ticket #${chosen.number}`,
        data: data(chosen),
        handOff: { read: true },
      };
    const opened = await psa.openTicket({
      title: p.title,
      description:
        [p.description, named ? `Follows ticket #${named.number}, which is closed.` : undefined]
          .filter(Boolean)
          .join("\n\n") || p.title,
      reference: ctx.runId,
    });
    return {
      kind: "done",
      detail: `opened ticket #${opened.number}`,
      data: data(opened),
      handOff: { read: false },
    };
  },
  async verify(p, ctx, applied) {
    // A ticket this attempt found by reading is there: that read is the proof. One it opened is read back
    // by the run's reference, which is what a retried open relies on to find it.
    if (applied?.read) return { kind: "verified" };
    const psa = ctx.ports.psa;
    const t =
      (await psa.findTicketByReference(ctx.runId)) ?? (p.number ? await psa.findTicket(p.number) : undefined);
    if (!t) throw actionError("TICKET_NOT_FOUND", "the ticket this run logs to is gone from the PSA");
    return { kind: "verified" };
  },
});

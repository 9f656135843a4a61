import { z } from "zod";
import { defineAction } from "../define.ts";
import { text } from "../support/params.ts";
import { postNoteOnce } from "../support/post-note.ts";
import { planNote } from "../support/ticket-log.ts";

/** The ticket's first note: the plan, each step in order; the ticket is then in progress. */
export const notePlan = defineAction({
  type: "psa.note-plan",
  params: z.strictObject({ ticketId: text, number: text }),
  ports: ["psa", "runRecord"],
  async plan(p, ctx) {
    // Before the step's first attempt no note carries its marker: there is nothing to look for.
    return !ctx.firstAttempt && (await ctx.ports.psa.findNote(p.ticketId, ctx.idempotencyKey))
      ? { kind: "already-done", detail: `plan noted on ticket #${p.number}` }
      : { kind: "will-change", summary: `note the plan on ticket #${p.number}` };
  },
  async apply(p, ctx) {
    const { psa, runRecord } = ctx.ports;
    await postNoteOnce(
      psa,
      p.ticketId,
      ctx.idempotencyKey,
      async () => planNote(await runRecord.run(ctx.runId), runRecord.links(ctx.runId)),
      { lookFirst: !ctx.firstAttempt },
    );
    await psa.setTicketPhase(p.ticketId, "in-progress");
    return { kind: "done", detail: `plan noted on ticket #${p.number}` };
  },
  // The note read back by its marker, not the post's answer: what every later attempt's look relies on.
  async verify(p, ctx) {
    return (await ctx.ports.psa.findNote(p.ticketId, ctx.idempotencyKey))
      ? { kind: "verified" }
      : { kind: "not-verified", observed: `no plan note on ticket #${p.number}` };
  },
});

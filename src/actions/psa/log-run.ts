import { z } from "zod";
import { defineAction } from "../define.ts";
import { text } from "../support/params.ts";
import { postNoteOnce } from "../support/post-note.ts";
import { finalLog, finalPhase } from "../support/ticket-log.ts";

/**
 * The run's full timestamped log on its ticket, then the ticket's status for how the run ended. Planned
 * to run after every other step, however they ended: a failed run needs its log most.
 */
export const logRun = defineAction({
  type: "psa.log-run",
  params: z.strictObject({ ticketId: text, number: text }),
  ports: ["psa", "runRecord"],
  async plan(p, ctx) {
    // Before the step's first attempt no note carries its marker: there is nothing to look for.
    return !ctx.firstAttempt && (await ctx.ports.psa.findNote(p.ticketId, ctx.idempotencyKey))
      ? { kind: "will-change", summary: `set ticket #${p.number}'s status (the log is on it)` }
      : { kind: "will-change", summary: `log every step to ticket #${p.number}` };
  },
  async apply(p, ctx) {
    const { psa, runRecord } = ctx.ports;
    const run = await runRecord.run(ctx.runId);
    const { posted } = await postNoteOnce(
      psa,
      p.ticketId,
      ctx.idempotencyKey,
      async () => finalLog(run, runRecord.links(ctx.runId), new Date()),
      { lookFirst: !ctx.firstAttempt },
    );
    const phase = finalPhase(run);
    await psa.setTicketPhase(p.ticketId, phase);
    return {
      kind: "done",
      detail: `${posted ? "logged all actions" : "all actions were logged"} to ticket #${p.number}; status ${phase}`,
      data: { number: p.number, phase },
    };
  },
  // The log read back by its marker, not the post's answer: what every later attempt's look relies on.
  async verify(p, ctx) {
    return (await ctx.ports.psa.findNote(p.ticketId, ctx.idempotencyKey))
      ? { kind: "verified" }
      : { kind: "not-verified", observed: `no log note on ticket #${p.number}` };
  },
});

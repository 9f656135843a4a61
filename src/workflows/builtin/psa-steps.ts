import type { WorkflowStepInput } from "../definition.ts";

// About three hours of retries at the engine's five-minute backoff cap: a PSA that is down for a while gets
// its notes when it answers again, and no other step waits for it meanwhile.
const onThePsa = { on: "psa", when: { serves: "psa" }, required: false, maxAttempts: 40 } as const;
const theTicket = {
  ticketId: "${steps.psa-ticket.data.ticketId}",
  number: "${steps.psa-ticket.data.number}",
};

/**
 * The PSA's side of a run, the same for both kinds: the run's ticket (named or opened) and the plan on it
 * before the approval (the approver reads it there), and at the end, however the run ended, every step
 * with its time. None is required: a PSA that is down must not fail the work done elsewhere.
 */
export function ticketSteps(ticket: { title: string; description: string }): {
  open: WorkflowStepInput;
  planNote: WorkflowStepInput;
  log: WorkflowStepInput;
} {
  return {
    open: {
      id: "psa-ticket",
      action: "psa.open-ticket",
      title: "PSA ticket",
      beforeApproval: true,
      ...onThePsa,
      params: { number: "${request.ticket}", ...ticket },
    },
    planNote: {
      id: "psa-plan-note",
      action: "psa.note-plan",
      title: "Plan noted on the ticket",
      beforeApproval: true,
      ...onThePsa,
      params: theTicket,
      after: ["psa-ticket"],
    },
    log: {
      id: "psa-log",
      action: "psa.log-run",
      title: "Logged all actions to the ticket",
      ...onThePsa,
      params: theTicket,
      after: "all",
      always: true,
    },
  };
}

/** A PSA step that is not one of the ticket's own: `on: psa`, only where the client has one, optional. */
export const psaStep = onThePsa;

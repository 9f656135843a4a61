import type { Store } from "../store/sql.ts";
import { wakeChannel } from "./events.ts";
import { checkpoint } from "./queries/checkpoint.ts";
import { claimActions } from "./queries/claim.ts";
import { gateSignals } from "./queries/gate-signals.ts";
import { markApplying } from "./queries/mark-applying.ts";
import { nextDueAt } from "./queries/next-due.ts";
import { renewLease } from "./queries/renew-lease.ts";
import { throttleTenant } from "./queries/throttle.ts";
import type { StepQueue } from "./step-queue.ts";

/** The queue as rows of the store (PGlite or PostgreSQL): one query module per verb. */
export function sqlStepQueue(store: Store): StepQueue {
  return {
    claim: (worker, leaseMs, max, filter) => claimActions(store, worker, leaseMs, max, filter),
    markApplying: (step, summary) => markApplying(store, step, summary),
    checkpoint: (step, t, tuning) => checkpoint(store, step, t, tuning),
    renewLease: (lease, leaseMs) => renewLease(store, lease.actionId, lease.fence, leaseMs),
    throttle: (bucket, ms) => throttleTenant(store, bucket.tenant, bucket.api, ms),
    nextDueAt: (filter, opts) => nextDueAt(store, filter, opts),
    gateSignals: (step) => gateSignals(store, step),
    listen: (onWake) => store.listen(wakeChannel, onWake),
  };
}

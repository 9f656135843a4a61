import type { Store } from "../../store/sql.ts";
import { eventsChannel } from "../events.ts";
import { LeaseLost } from "../step-queue.ts";
import type { ClaimedAction } from "../types.ts";
import { fenced } from "./checkpoint.ts";

/**
 * Records that `apply` is about to run and what it will change: the timeline shows it while it happens.
 * A lease that has run out counts as lost here even if nobody took the step yet: its slot may already be
 * someone else's, so this worker must not start a change.
 */
export async function markApplying(store: Store, a: ClaimedAction, summary: string): Promise<void> {
  const rows = await store.query(
    `with u as (update actions set phase = 'apply' where ${fenced} and lease_until > now() returning run_id, key),
          e as (insert into events (run_id, action_key, type, message) select run_id, key, 'action.applying', $3 from u returning run_id)
     select pg_notify('${eventsChannel}', run_id::text) from e`,
    [a.id, a.fence, summary],
  );
  if (!rows.length) throw new LeaseLost(a.key);
}

import type { Store } from "../../store/sql.ts";
import { type ClaimFilter, typesParam } from "../step-queue.ts";

/**
 * When the next step this worker could claim falls due, so an idle worker sleeps no longer than it must.
 * Only its own queues and types count: a step due for another kind of worker would wake it for nothing.
 */
export async function nextDueAt(store: Store, filter: ClaimFilter): Promise<Date | null> {
  const [row] = await store.query<{ at: Date | null }>(
    `select least(
       (select min(greatest(a.run_at, coalesce(l.throttled_until, a.run_at)))
          from actions a join tenant_limits l on l.tenant = a.tenant and l.api = a.api
         where a.state in ('ready', 'waiting', 'retry')
           and a.queue = any($1::text[]) and ($2::text[] is null or a.type = any($2::text[]))),
       (select min(lease_until) from actions
         where state = 'running' and queue = any($1::text[]) and ($2::text[] is null or type = any($2::text[])))) as at`,
    [filter.queues, typesParam(filter)],
  );
  return row?.at ?? null;
}

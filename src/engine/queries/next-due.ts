import type { Store } from "../../store/sql.ts";
import { urgentPriority } from "../../domain/plan.ts";
import { type ClaimFilter, typesParam } from "../step-queue.ts";

/** What both questions share: the worker's own steps, a 429 hold, and when a waiting step may go. */
const termsOf = (urgentOnly: boolean) => {
  const only = urgentOnly ? ` and a.priority >= ${urgentPriority}` : "";
  const held = `l.throttled_until > now() and a.priority < ${urgentPriority}`;
  return {
    mine: `a.queue = any($1::text[]) and ($2::text[] is null or a.type = any($2::text[]))${only}`,
    held,
    // An urgent step is not held by its tenant's 429 (see claim.ts), so only its own run_at counts.
    at: `case when a.priority >= ${urgentPriority} then a.run_at
              else greatest(a.run_at, coalesce(l.throttled_until, a.run_at)) end`,
  };
};
const waiting = "actions a join tenant_limits l on l.tenant = a.tenant and l.api = a.api";

// Asked only about urgent steps, the partial index actions_urgent answers (its predicate is repeated in
// `mine`). Under a bulk most of the backlog is due: the first due row found answers "now" without the
// minimum over every row (the ELSE's subqueries run only when nothing is due).
const dueSql = (urgentOnly: boolean) => {
  const { mine, held, at } = termsOf(urgentOnly);
  return `select case
       when exists (select 1 from ${waiting}
                     where a.state in ('ready', 'waiting', 'retry') and a.run_at <= now() and ${mine}
                       and not coalesce(${held}, false))
       then now()
       else least(
         (select min(${at}) from ${waiting} where a.state in ('ready', 'waiting', 'retry') and ${mine}),
         (select min(a.lease_until) from actions a where a.state = 'running' and ${mine}))
       end as at`;
};

// Only what falls due later: asked while every step due now is held back by a limit, so a step of another
// tenant (a condition's next poll, a scheduled start) still wakes the worker at its time.
const laterSql = (urgentOnly: boolean) => {
  const { mine, held, at } = termsOf(urgentOnly);
  return `select least(
       (select min(${at}) from ${waiting}
         where a.state in ('ready', 'waiting', 'retry') and ${mine}
           and (a.run_at > now() or coalesce(${held}, false))),
       (select min(a.lease_until) from actions a where a.state = 'running' and a.lease_until > now() and ${mine})
     ) as at`;
};

const queries = {
  due: { ordinary: dueSql(false), urgent: dueSql(true) },
  later: { ordinary: laterSql(false), urgent: laterSql(true) },
};

/**
 * When the next step this worker could claim falls due, so an idle worker sleeps no longer than it must.
 * Only its own queues and types count: a step due for another kind of worker would wake it for nothing.
 */
export async function nextDueAt(
  store: Store,
  filter: ClaimFilter,
  opts: { laterOnly?: boolean } = {},
): Promise<Date | null> {
  const sql = queries[opts.laterOnly ? "later" : "due"][filter.urgentOnly ? "urgent" : "ordinary"];
  const [row] = await store.query<{ at: Date | null }>(sql, [filter.queues, typesParam(filter)]);
  return row?.at ?? null;
}

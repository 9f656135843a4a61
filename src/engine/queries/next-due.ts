import type { Store } from "../../store/sql.ts";
import { urgentPriority } from "../../domain/plan.ts";
import { type ClaimFilter, typesParam } from "../step-queue.ts";

// An urgent step is not held by its tenant's 429 (see claim.ts), so only its own run_at counts; asked
// only about urgent steps, the partial index actions_urgent answers (its predicate is repeated here).
// Under a bulk most of the backlog is due: the first due row found answers "now" without the minimum
// over every row (the ELSE's subqueries run only when nothing is due).
const dueSql = (urgentOnly: boolean) => {
  const only = urgentOnly ? ` and a.priority >= ${urgentPriority}` : "";
  const mine = `a.queue = any($1::text[]) and ($2::text[] is null or a.type = any($2::text[]))${only}`;
  const held = `l.throttled_until > now() and a.priority < ${urgentPriority}`;
  return `select case
       when exists (select 1 from actions a join tenant_limits l on l.tenant = a.tenant and l.api = a.api
                     where a.state in ('ready', 'waiting', 'retry') and a.run_at <= now() and ${mine}
                       and not coalesce(${held}, false))
       then now()
       else least(
         (select min(case when a.priority >= ${urgentPriority} then a.run_at
                          else greatest(a.run_at, coalesce(l.throttled_until, a.run_at)) end)
            from actions a join tenant_limits l on l.tenant = a.tenant and l.api = a.api
           where a.state in ('ready', 'waiting', 'retry') and ${mine}),
         (select min(a.lease_until) from actions a where a.state = 'running' and ${mine}))
       end as at`;
};
const ordinaryDueSql = dueSql(false);
const urgentDueSql = dueSql(true);

// Only what falls due later: asked while every step due now is held back by a limit, so a step of another
// tenant (a condition's next poll, a scheduled start) still wakes the worker at its time.
const laterSql = (urgentOnly: boolean) => {
  const only = urgentOnly ? ` and a.priority >= ${urgentPriority}` : "";
  const mine = `a.queue = any($1::text[]) and ($2::text[] is null or a.type = any($2::text[]))${only}`;
  const held = `l.throttled_until > now() and a.priority < ${urgentPriority}`;
  return `select least(
       (select min(case when a.priority >= ${urgentPriority} then a.run_at
                        else greatest(a.run_at, coalesce(l.throttled_until, a.run_at)) end)
          from actions a join tenant_limits l on l.tenant = a.tenant and l.api = a.api
         where a.state in ('ready', 'waiting', 'retry') and ${mine}
           and (a.run_at > now() or coalesce(${held}, false))),
       (select min(a.lease_until) from actions a where a.state = 'running' and a.lease_until > now() and ${mine})
     ) as at`;
};
const ordinaryLaterSql = laterSql(false);
const urgentLaterSql = laterSql(true);

/**
 * When the next step this worker could claim falls due, so an idle worker sleeps no longer than it must.
 * Only its own queues and types count: a step due for another kind of worker would wake it for nothing.
 */
export async function nextDueAt(
  store: Store,
  filter: ClaimFilter,
  opts: { laterOnly?: boolean } = {},
): Promise<Date | null> {
  const sql = opts.laterOnly
    ? filter.urgentOnly
      ? urgentLaterSql
      : ordinaryLaterSql
    : filter.urgentOnly
      ? urgentDueSql
      : ordinaryDueSql;
  const [row] = await store.query<{ at: Date | null }>(sql, [filter.queues, typesParam(filter)]);
  return row?.at ?? null;
}

import type { Store } from "../../store/sql.ts";
import { txWithRetry } from "../../store/sql.ts";
import { appendEvent } from "../events.ts";
import { refreshRunStatus } from "./run-status.ts";
import { type ClaimFilter, typesParam } from "../step-queue.ts";
import type { ClaimedAction } from "../types.ts";

// Ready or due rows, and rows whose lease ran out mid-attempt (their worker died or stalled), of the queues
// this worker serves and the action types it has: a step no worker here can run waits for one that can,
// instead of failing in the wrong hands. SKIP LOCKED: two workers never wait on, or take, the same candidate.
const candidatesSql = `
  select a.id, a.tenant, a.api, a.run_id
    from actions a
    join tenant_limits l on l.tenant = a.tenant and l.api = a.api
   where a.queue = any($2::text[]) and ($3::text[] is null or a.type = any($3::text[]))
     and ((a.state in ('ready', 'waiting', 'retry') and a.run_at <= now())
          or (a.state = 'running' and a.lease_until < now()))
     and (l.throttled_until is null or l.throttled_until <= now())
   order by a.priority desc, a.run_at, a.id
   limit $1
   for update of a skip locked`;

// The limit row is locked (and waited for) so that counting running steps and taking a slot is atomic
// across every worker of the tenant and API: this is what keeps "at most N at once" true cluster-wide.
// The counts must be a separate statement: under READ COMMITTED, a statement that waited for the lock
// still sees the snapshot from before the other worker's claim committed, and would count one too few.
const lockLimitSql = `
  select l.concurrency,
         least(greatest(1, l.rate_per_second),
               l.tokens + extract(epoch from (now() - l.refilled_at)) * l.rate_per_second) as tokens,
         (l.throttled_until is not null and l.throttled_until > now()) as throttled
    from tenant_limits l
   where l.tenant = $1 and l.api = $2
     for update`;

const busySql = `
  select (select count(*)::int from actions x
           where x.tenant = $1 and x.api = $2 and x.state = 'running' and x.lease_until >= now()) as busy,
         (select count(*)::int from actions y
           where y.run_id = $3 and y.state = 'running' and y.lease_until >= now()) as run_busy,
         (select max_parallel from runs where id = $3) as run_cap`;

const takeSql = `
  with prev as (select id, state, started_at from actions where id = $1),
       spend as (update tenant_limits set tokens = $4::double precision - 1, refilled_at = now()
                  where tenant = $5 and api = $6)
  update actions a
     set state = 'running', lease_owner = $2, lease_until = now() + $3 * interval '1 millisecond',
         fence = a.fence + 1, attempts = a.attempts + 1, started_at = coalesce(a.started_at, now())
    from prev, runs r
   where a.id = prev.id and r.id = a.run_id
  returning a.id, a.run_id as "runId", r.client_id as "clientId", a.key, a.type, a.title, a.params, a.deps,
            a.required, a.tenant, a.api, a.queue, a.bind, a.phase, a.attempts, a.max_attempts as "maxAttempts", a.fence,
            prev.state as "previousState",
            prev.started_at is null as "firstAttempt", a.deadline_at as "deadlineAt", now() as "claimedAt",
            r.plan_hash as "planHash", r.start_at as "runStartAt", r.status as "runStatus", a.lease_owner as "worker",
            a.outcome->'applied' as applied,
            coalesce((select jsonb_object_agg(d.key, d.outcome->'data') from actions d
                       where d.run_id = a.run_id and d.key = any(a.deps) and d.outcome ? 'data'), '{}'::jsonb) as outputs`;

interface Candidate {
  id: number;
  tenant: string;
  api: string;
  run_id: string;
}

interface Limit {
  concurrency: number;
  tokens: number;
  throttled: boolean;
}

interface Busy {
  busy: number;
  run_busy: number;
  run_cap: number;
}

/**
 * Claims up to `max` steps for `worker` under a lease, honouring per-tenant+API concurrency and rate and
 * the per-run parallelism cap. Each claim bumps the fencing token: the previous holder can no longer write.
 */
export async function claimActions(
  store: Store,
  worker: string,
  leaseMs: number,
  max: number,
  filter: ClaimFilter,
): Promise<ClaimedAction[]> {
  const claimed = await txWithRetry(store, async (sql) => {
    // Twice the free slots: some candidates fall to tenant limits, the rest should still fill the slots.
    const candidates = await sql.query<Candidate>(candidatesSql, [
      max * 2,
      filter.queues,
      typesParam(filter),
    ]);
    const claimed: ClaimedAction[] = [];
    const full = new Set<string>();
    for (const c of candidates) {
      if (claimed.length >= max) break;
      const group = `${c.tenant}\u0000${c.api}`;
      if (full.has(group)) continue;
      const [limit] = await sql.query<Limit>(lockLimitSql, [c.tenant, c.api]);
      if (!limit || limit.throttled || limit.tokens < 1) {
        full.add(group);
        continue;
      }
      const [slot] = await sql.query<Busy>(busySql, [c.tenant, c.api, c.run_id]);
      if (!slot) continue;
      if (slot.busy >= limit.concurrency) {
        full.add(group);
        continue;
      }
      if (slot.run_busy >= slot.run_cap) continue;
      const [row] = await sql.query<ClaimedAction>(takeSql, [
        c.id,
        worker,
        leaseMs,
        limit.tokens,
        c.tenant,
        c.api,
      ]);
      if (!row) continue;
      claimed.push(row);
      const resumed = row.previousState === "running";
      await appendEvent(sql, {
        runId: row.runId,
        actionKey: row.key,
        type: "action.started",
        message: resumed
          ? `attempt ${row.attempts} after an interrupted attempt (lease expired); state is re-read before any change`
          : `attempt ${row.attempts}`,
        detail: { attempt: row.attempts, worker, inDoubt: resumed, phase: row.phase },
      });
    }
    return claimed;
  });
  // Outside the claim transaction: taking run locks while holding limit locks would let two claims
  // deadlock (each holding one tenant's limit and wanting the other's run).
  for (const row of claimed) {
    if (row.runStatus === "scheduled" || row.runStatus === "waiting") {
      await txWithRetry(store, (sql) => refreshRunStatus(sql, row.runId));
    }
  }
  return claimed;
}

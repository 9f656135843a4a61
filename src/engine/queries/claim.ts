import type { Store } from "../../store/sql.ts";
import { txWithRetry } from "../../store/sql.ts";
import { appendEvent } from "../events.ts";
import { refreshRunStatus } from "./run-status.ts";
import type { ClaimedAction } from "../types.ts";

// Ready or due rows, and rows whose lease ran out mid-attempt (their worker died or stalled). SKIP LOCKED:
// two workers never wait on, or take, the same candidate.
const candidatesSql = `
  select a.id, a.tenant, a.api, a.run_id
    from actions a
    join tenant_limits l on l.tenant = a.tenant and l.api = a.api
   where ((a.state in ('ready', 'waiting', 'retry') and a.run_at <= now())
          or (a.state = 'running' and a.lease_until < now()))
     and (l.throttled_until is null or l.throttled_until <= now())
   order by a.priority desc, a.run_at, a.id
   limit 8
   for update of a skip locked`;

// The limit row is locked (and waited for) so that counting running steps and taking a slot is atomic
// across every worker of the tenant and API: this is what keeps "at most N at once" true cluster-wide.
const slotSql = `
  select l.concurrency,
         least(greatest(1, l.rate_per_second),
               l.tokens + extract(epoch from (now() - l.refilled_at)) * l.rate_per_second) as tokens,
         (select count(*)::int from actions x
           where x.tenant = l.tenant and x.api = l.api and x.state = 'running' and x.lease_until >= now()) as busy,
         (select count(*)::int from actions y
           where y.run_id = $3 and y.state = 'running' and y.lease_until >= now()) as run_busy,
         (select max_parallel from runs where id = $3) as run_cap,
         (l.throttled_until is not null and l.throttled_until > now()) as throttled
    from tenant_limits l
   where l.tenant = $1 and l.api = $2
     for update`;

const takeSql = `
  with prev as (select id, state from actions where id = $1)
  update actions a
     set state = 'running', lease_owner = $2, lease_until = now() + $3 * interval '1 millisecond',
         fence = a.fence + 1, attempts = a.attempts + 1, started_at = coalesce(a.started_at, now())
    from prev, runs r
   where a.id = prev.id and r.id = a.run_id
  returning a.id, a.run_id as "runId", r.client_id as "clientId", a.key, a.type, a.title, a.params, a.deps,
            a.required, a.tenant, a.api, a.phase, a.attempts, a.max_attempts as "maxAttempts", a.fence,
            prev.state as "previousState", a.deadline_at as "deadlineAt", a.started_at as "startedAt",
            r.plan_hash as "planHash", r.start_at as "runStartAt", a.lease_owner as "worker"`;

interface Candidate {
  id: number;
  tenant: string;
  api: string;
  run_id: string;
}

interface Slot {
  concurrency: number;
  tokens: number;
  busy: number;
  run_busy: number;
  run_cap: number;
  throttled: boolean;
}

/**
 * Claims up to `max` steps for `worker` under a lease, honouring per-tenant+API concurrency and rate and
 * the per-run parallelism cap. Each claim bumps the fencing token: the previous holder can no longer write.
 */
export async function claimActions(store: Store, worker: string, leaseMs: number, max: number): Promise<ClaimedAction[]> {
  return txWithRetry(store, async (sql) => {
    const candidates = await sql.query<Candidate>(candidatesSql);
    const claimed: ClaimedAction[] = [];
    const full = new Set<string>();
    for (const c of candidates) {
      if (claimed.length >= max) break;
      const group = `${c.tenant}\u0000${c.api}`;
      if (full.has(group)) continue;
      const [slot] = await sql.query<Slot>(slotSql, [c.tenant, c.api, c.run_id]);
      if (!slot || slot.throttled || slot.busy >= slot.concurrency || slot.tokens < 1) {
        full.add(group);
        continue;
      }
      if (slot.run_busy >= slot.run_cap) continue;
      await sql.query(
        `update tenant_limits set tokens = $3::double precision - 1, refilled_at = now() where tenant = $1 and api = $2`,
        [c.tenant, c.api, slot.tokens],
      );
      const [row] = await sql.query<ClaimedAction>(takeSql, [c.id, worker, leaseMs]);
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
      await refreshRunStatus(sql, row.runId);
    }
    return claimed;
  });
}

/** When the next claimable step falls due, so an idle worker sleeps no longer than it must. */
export async function nextDueAt(store: Store): Promise<Date | null> {
  const [row] = await store.query<{ at: Date | null }>(
    `select least(
       (select min(greatest(a.run_at, coalesce(l.throttled_until, a.run_at)))
          from actions a join tenant_limits l on l.tenant = a.tenant and l.api = a.api
         where a.state in ('ready', 'waiting', 'retry')),
       (select min(lease_until) from actions where state = 'running')) as at`,
  );
  return row?.at ?? null;
}

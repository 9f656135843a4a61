import type { Store } from "../../store/sql.ts";
import { txWithRetry } from "../../store/sql.ts";
import { appendEvent } from "../events.ts";
import { refreshRunStatus } from "./run-status.ts";
import { type Claim, type ClaimFilter, typesParam } from "../step-queue.ts";
import type { ClaimedAction } from "../types.ts";
import { urgentPriority } from "../../domain/plan.ts";

// Ready or due rows, and rows whose lease ran out mid-attempt (their worker died or stalled), of the queues
// this worker serves and the action types it has: a step no worker here can run waits for one that can,
// instead of failing in the wrong hands. SKIP LOCKED: two workers never wait on, or take, the same candidate.
// An urgent step is not held by another step's 429: the hold may come from a budget it does not spend
// from (a mailbox's), and if it does, its own 429 sends it back for its own Retry-After (run_at), so it
// costs the vendor one refused call, not a lock-out delayed by the bulk's backoff.
// Only urgent steps: the question a worker with only its priority slots free asks on every wake, answered
// from the actions_urgent index (whose predicate this repeats) instead of a scan of a bulk's backlog.
const candidatesSql = (urgentOnly: boolean) => {
  const only = urgentOnly ? ` and a.priority >= ${urgentPriority}` : "";
  return `
  select a.id, a.tenant, a.api, a.run_id, a.priority >= ${urgentPriority} as urgent
    from actions a
    join tenant_limits l on l.tenant = a.tenant and l.api = a.api
   where a.queue = any($2::text[]) and ($3::text[] is null or a.type = any($3::text[]))
     and ((a.state in ('ready', 'waiting', 'retry') and a.run_at <= now()${only})
          or (a.state = 'running' and a.lease_until < now()${only}))
     and (l.throttled_until is null or l.throttled_until <= now() or a.priority >= ${urgentPriority})
   order by a.priority desc, a.run_at, a.id
   limit $1
   for update of a skip locked`;
};
const ordinaryCandidatesSql = candidatesSql(false);
const urgentCandidatesSql = candidatesSql(true);

// The limit row is locked (and waited for) so that counting running steps and taking a slot is atomic
// across every worker of the tenant and API: this is what keeps "at most N at once" true cluster-wide.
// The counts must be a separate statement: under READ COMMITTED, a statement that waited for the lock
// still sees the snapshot from before the other worker's claim committed, and would count one too few.
const lockLimitSql = `
  select l.concurrency, l.priority_slots as "prioritySlots", l.rate_per_second as "ratePerSecond",
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
            a.required, a.tenant, a.api, a.queue, a.bind, a.phase, a.priority, a.attempts, a.max_attempts as "maxAttempts", a.fence,
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
  urgent: boolean;
}

interface Limit {
  concurrency: number;
  prioritySlots: number;
  ratePerSecond: number;
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
 *
 * Urgent steps (priority from `urgentPriority`: an offboarding's lock-out) come first and have a lane of
 * their own: they may run `prioritySlots` past the tenant's concurrency, borrow as many tokens past an
 * empty rate bucket (the debt is repaid before other work gets a token), pass a 429 hold, and are not
 * counted against their run's cap. Everything else still stops at the cap, so a bulk onboarding can take
 * every ordinary slot and token and a lock-out still starts at once; the vendor sees at most
 * `concurrency + prioritySlots` at once, and the lane only while urgent work runs.
 */
export async function claimActions(
  store: Store,
  worker: string,
  leaseMs: number,
  max: number,
  filter: ClaimFilter,
): Promise<Claim> {
  // Whether a limit turned a due step away, and the soonest an emptied bucket has a token again.
  const seen: { limited?: { retryInMs: number | null } } = {};
  const limitedBy = (retryInMs: number | null) => {
    const before = seen.limited?.retryInMs ?? null;
    seen.limited = {
      retryInMs: retryInMs === null ? before : Math.min(retryInMs, before ?? retryInMs),
    };
  };
  const claimed = await txWithRetry(store, async (sql) => {
    delete seen.limited;
    // Twice the free slots: some candidates fall to tenant limits, the rest should still fill the slots.
    const candidates = await sql.query<Candidate>(
      filter.urgentOnly ? urgentCandidatesSql : ordinaryCandidatesSql,
      [max * 2, filter.queues, typesParam(filter)],
    );
    const claimed: ClaimedAction[] = [];
    // Groups with no room left: for ordinary steps, or for any (urgent ones sort first, so once a group
    // is full for an urgent step every later candidate of it is turned away too).
    const full = new Map<string, "ordinary" | "all">();
    for (const c of candidates) {
      if (claimed.length >= max) break;
      const group = `${c.tenant}\u0000${c.api}`;
      const fullFor = full.get(group);
      if (fullFor === "all" || (fullFor === "ordinary" && !c.urgent)) continue;
      const [limit] = await sql.query<Limit>(lockLimitSql, [c.tenant, c.api]);
      const lane = c.urgent ? (limit?.prioritySlots ?? 0) : 0;
      if (!limit || (limit.throttled && !c.urgent) || limit.tokens < 1 - lane) {
        full.set(group, c.urgent ? "all" : "ordinary");
        // A 429 hold's end is nextDueAt's to know; an empty bucket refills at its rate.
        if (limit && !(limit.throttled && !c.urgent) && limit.ratePerSecond > 0)
          limitedBy(Math.ceil(((1 - lane - limit.tokens) / limit.ratePerSecond) * 1000));
        else limitedBy(null);
        continue;
      }
      const [slot] = await sql.query<Busy>(busySql, [c.tenant, c.api, c.run_id]);
      if (!slot) continue;
      if (slot.busy >= limit.concurrency + lane) {
        full.set(group, c.urgent ? "all" : "ordinary");
        limitedBy(null);
        continue;
      }
      if (slot.run_busy >= slot.run_cap && !c.urgent) {
        limitedBy(null);
        continue;
      }
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
  return seen.limited ? { steps: claimed, limited: seen.limited } : { steps: claimed };
}

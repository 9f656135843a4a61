import { defaultMinutesPerStep, type ImpactSettings } from "../domain/client.ts";
import { gateType } from "../domain/plan.ts";
import type { Sql } from "../store/sql.ts";

/**
 * What the console's front page shows: how many runs stand where now, what the waiting ones wait on, and
 * what the month's runs did. Counted in SQL over runs and actions (the same statements on PGlite and
 * PostgreSQL); only the minutes per step, a per-client setting, are applied here.
 */
export interface DashboardFilter {
  /** Only this client. */
  clientId?: string | undefined;
  /** Only these clients (a principal limited to some); absent, every client. */
  clientIds?: readonly string[] | undefined;
  /** The month, "YYYY-MM", in `timeZone`. */
  month: string;
  /** The zone days and the month's bounds are read in (the client's, or UTC across clients). */
  timeZone: string;
  /** Each client's impact settings; a client not named counts the default minutes for every step. */
  impact: (clientId: string) => ImpactSettings | undefined;
}

/** Which step of which run: what the dashboard's waiting and missed lists both name. */
export interface StepOfRun {
  runId: string;
  clientId: string;
  kind: "onboard" | "offboard";
  subject: string;
  key: string;
  title: string;
  type: string;
}

export interface WaitingStep extends StepOfRun {
  /** What the step waits on, in the step's own words ("a free seat of SPB", "tech@msp to …"). */
  reason: string;
  /** "person" when only someone acting ends the wait (a seat to buy, a task to do). */
  needs: "person" | null;
  /** The next look at it. */
  until: Date | null;
  since: Date | null;
}

export interface MissedStep extends StepOfRun {
  state: "failed" | "skipped";
  reason: string;
  code: string | null;
  at: Date;
}

export interface DayFigures {
  date: string;
  runsStarted: number;
  stepsAutomated: number;
}

export interface Dashboard {
  month: string;
  timeZone: string;
  counts: {
    inFlight: number;
    awaitingApproval: number;
    scheduled: number;
    waiting: number;
    /** Runs that ended failed within the month. */
    failed: number;
  };
  waiting: WaitingStep[];
  impact: {
    onboardings: number;
    offboardings: number;
    stepsAutomated: number;
    minutesSaved: number;
    missedSteps: number;
  };
  missedSteps: MissedStep[];
  daily: DayFigures[];
}

/** At most this many missed steps are listed (the count is of all of them). */
export const missedStepsListed = 200;

const scoped = (alias: string, first: number) =>
  `($${first}::text is null or ${alias}.client_id = $${first}) and ($${first + 1}::text[] is null or ${alias}.client_id = any($${first + 1}::text[]))`;

export async function dashboard(sql: Sql, f: DashboardFilter): Promise<Dashboard> {
  const scope = [f.clientId ?? null, f.clientIds ?? null];
  // $1 month's first day, $2 zone, $3/$4 scope, $5 the gate type. The bounds are instants: midnight in the zone.
  const month = [`${f.month}-01`, f.timeZone, ...scope];
  const base = [...month, gateType];
  const bounds = `with m as (select ($1::date)::timestamp at time zone $2 as lo,
                                    ($1::date + interval '1 month')::timestamp at time zone $2 as hi)`;

  const [counts] = await sql.query<Dashboard["counts"]>(
    `${bounds}
     select count(*) filter (where r.status = 'running')::int as "inFlight",
            count(*) filter (where r.status = 'awaiting-approval')::int as "awaitingApproval",
            count(*) filter (where r.status = 'scheduled')::int as scheduled,
            count(*) filter (where r.status = 'waiting')::int as waiting,
            count(*) filter (where r.status = 'failed' and r.finished_at >= m.lo and r.finished_at < m.hi)::int as failed
       from runs r, m
      where ${scoped("r", 3)}`,
    month,
  );

  // A step waits on a condition (its outcome says which), on a retry after a failure (its error says why),
  // or, a manual task not yet looked at, on the person its params name.
  const waiting = await sql.query<WaitingStep>(
    `select r.id as "runId", r.client_id as "clientId", r.kind, r.subject, a.key, a.title, a.type,
            coalesce(a.outcome->>'for', a.outcome->'error'->>'message',
                     case when a.type = $3 then (a.params->>'who') || ' to ' || (a.params->>'ask') end,
                     a.state) as reason,
            case when a.outcome->>'needs' = 'person' or a.type = $3 then 'person' end as needs,
            a.run_at as until, a.waiting_since as since
       from runs r join actions a on a.run_id = r.id
      where r.status = 'waiting' and a.state in ('waiting', 'retry') and ${scoped("r", 1)}
      order by a.waiting_since nulls last, r.created_at, a.id
      limit 500`,
    [...scope, gateType],
  );

  const [finished] = await sql.query<{ onboardings: number; offboardings: number }>(
    `${bounds}
     select count(*) filter (where r.kind = 'onboard')::int as onboardings,
            count(*) filter (where r.kind = 'offboard')::int as offboardings
       from runs r, m
      where r.status in ('completed', 'completed-with-warnings') and r.finished_at >= m.lo and r.finished_at < m.hi
        and ${scoped("r", 3)}`,
    month,
  );

  // Steps automated: work (not gates) that succeeded; the minutes each saves depend on client and type.
  const byType = await sql.query<{ clientId: string; type: string; steps: number }>(
    `${bounds}
     select r.client_id as "clientId", a.type, count(*)::int as steps
       from actions a join runs r on r.id = a.run_id, m
      where a.state = 'succeeded' and a.type <> $5 and a.finished_at >= m.lo and a.finished_at < m.hi
        and ${scoped("r", 3)}
      group by r.client_id, a.type`,
    base,
  );

  const missedWhere = `a.state in ('failed', 'skipped') and a.type <> $5 and a.finished_at >= m.lo and a.finished_at < m.hi
        and ${scoped("r", 3)}`;
  const [missedCount] = await sql.query<{ n: number }>(
    `${bounds} select count(*)::int as n from actions a join runs r on r.id = a.run_id, m where ${missedWhere}`,
    base,
  );
  const missedSteps = await sql.query<MissedStep>(
    `${bounds}
     select r.id as "runId", r.client_id as "clientId", r.kind, r.subject, a.key, a.title, a.type, a.state,
            coalesce(a.outcome->'error'->>'message', a.outcome->>'reason', a.state) as reason,
            a.outcome->'error'->>'code' as code, a.finished_at as at
       from actions a join runs r on r.id = a.run_id, m
      where ${missedWhere}
      order by a.finished_at desc, a.id
      limit ${missedStepsListed}`,
    base,
  );

  // A run started on the day its first step did; a run whose steps never began started on no day.
  const daily = await sql.query<DayFigures>(
    `${bounds},
     days as (select d::date as day
                from generate_series($1::date, ($1::date + interval '1 month' - interval '1 day'), interval '1 day') d),
     began as (select (min(a.started_at) at time zone $2)::date as day
                 from actions a join runs r on r.id = a.run_id
                where a.type <> $5 and a.started_at is not null and ${scoped("r", 3)}
                group by a.run_id),
     steps as (select (a.finished_at at time zone $2)::date as day, count(*)::int as n
                 from actions a join runs r on r.id = a.run_id, m
                where a.state = 'succeeded' and a.type <> $5 and a.finished_at >= m.lo and a.finished_at < m.hi
                  and ${scoped("r", 3)}
                group by 1)
     select to_char(days.day, 'YYYY-MM-DD') as date,
            (select count(*)::int from began where began.day = days.day) as "runsStarted",
            coalesce(steps.n, 0) as "stepsAutomated"
       from days left join steps on steps.day = days.day
      order by days.day`,
    base,
  );

  let stepsAutomated = 0;
  let minutesSaved = 0;
  for (const row of byType) {
    const settings = f.impact(row.clientId);
    const perAction = settings?.perAction ?? {};
    const per = Object.hasOwn(perAction, row.type)
      ? (perAction[row.type] ?? 0)
      : (settings?.minutesPerStep ?? defaultMinutesPerStep);
    stepsAutomated += row.steps;
    minutesSaved += row.steps * per;
  }

  return {
    month: f.month,
    timeZone: f.timeZone,
    counts: counts ?? { inFlight: 0, awaitingApproval: 0, scheduled: 0, waiting: 0, failed: 0 },
    waiting,
    impact: {
      onboardings: finished?.onboardings ?? 0,
      offboardings: finished?.offboardings ?? 0,
      stepsAutomated,
      minutesSaved,
      missedSteps: missedCount?.n ?? 0,
    },
    missedSteps,
    daily,
  };
}

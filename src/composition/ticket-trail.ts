import { randomUUID } from "node:crypto";
import { postNoteOnce } from "../actions/support/post-note.ts";
import { scrubbed } from "../actions/support/ticket-log.ts";
import type { Outcome } from "../domain/outcome.ts";
import { appendEvent, eventsSince, type RunEvent } from "../engine/events.ts";
import type { Psa, TicketPhase } from "../ports/index.ts";
import { getClient } from "../store/clients-repo.ts";
import type { Store } from "../store/sql.ts";
import type { PortBinding, PortsResolver } from "./client-ports.ts";

/**
 * Between a run's plan note and its final log, its ticket hears of every moment a person is needed: an
 * approval asked and given, a step waiting for someone (a seat to buy, a task to do), a step that failed
 * with the vendor's words; and, where the client asks, every step as it ends. Each event is one note,
 * posted once by its marker however often this is retried; progress is kept per run, so a PSA that was
 * down hears everything, in order, when it answers again.
 */

const personEvents = [
  "approval.requested",
  "approval.approved",
  "approval.rejected",
  "task.done",
  "task.rejected",
];
const stepEvents = [
  "action.waiting",
  "action.failed",
  "action.succeeded",
  "action.skipped",
  "action.already-done",
];
const watched = [...personEvents, ...stepEvents];

interface TrailRun {
  runId: string;
  clientId: string;
  ticketId: string;
  bind: PortBinding | null;
  cursor: number;
}

const pendingSql = `
  select a.run_id as "runId", r.client_id as "clientId", a.outcome->'data'->>'ticketId' as "ticketId",
         a.bind, coalesce(t.last_event_id, 0)::bigint as cursor
    from actions a
    join runs r on r.id = a.run_id
    left join ticket_trail t on t.run_id = a.run_id
   where a.type = 'psa.open-ticket' and a.state = 'succeeded'
     and (t.lease_until is null or t.lease_until < now())
     -- The plan note goes first: the trail begins once it has ended, however.
     and not exists (select 1 from actions p where p.run_id = a.run_id and p.type = 'psa.note-plan'
                       and p.state in ('pending', 'ready', 'running', 'waiting', 'retry'))
     and exists (select 1 from events e where e.run_id = a.run_id and e.id > coalesce(t.last_event_id, 0)
                   and e.type = any($1::text[]))
   limit 20`;

const claimSql = `
  insert into ticket_trail (run_id, last_event_id, lease_owner, lease_until)
  values ($1, 0, $2, now() + $3 * interval '1 millisecond')
  on conflict (run_id) do update set lease_owner = $2, lease_until = now() + $3 * interval '1 millisecond'
   where ticket_trail.lease_until is null or ticket_trail.lease_until < now()
  returning last_event_id::bigint as cursor`;

interface Note {
  text?: string;
  phase?: TicketPhase;
}

/** What an event says on the ticket, if anything, and the status it puts the ticket in. */
async function noteFor(store: Store, e: RunEvent, perAction: boolean): Promise<Note> {
  const step = e.actionKey ?? "run";
  const outcome = e.detail as Outcome | null;
  switch (e.type) {
    case "approval.requested":
      return { text: `Waiting for approval: ${e.message ?? ""}`.trim(), phase: "waiting-on-customer" };
    case "approval.approved":
    case "task.done":
      return {
        text: `${e.type === "task.done" ? `Task ${step}` : "Plan"} ${e.message ?? ""}.`,
        phase: "in-progress",
      };
    case "approval.rejected":
    case "task.rejected":
      return { text: `${e.type === "task.rejected" ? `Task ${step}` : "Plan"} ${e.message ?? "rejected"}.` };
    case "action.waiting":
      return outcome?.kind === "waiting" && outcome.needs === "person"
        ? { text: `Waiting (${step}): ${outcome.for}. A person is needed.`, phase: "waiting-on-customer" }
        : {};
    case "action.failed":
      return {
        text: `FAILED ${step}: ${outcome?.kind === "failed" ? `${outcome.error.code ?? outcome.error.kind} ${outcome.error.message}` : (e.message ?? "")}${e.requestId ? ` (request ${e.requestId})` : ""}`,
      };
    case "action.succeeded":
    case "action.skipped":
    case "action.already-done": {
      // A step that had waited for a person is done: the ticket is back in progress.
      const [waited] = await store.query<{ n: number }>(
        `select count(*)::int as n from events where run_id = $1 and action_key = $2 and type = 'action.waiting'
            and detail->>'needs' = 'person' and id < $3`,
        [e.runId, e.actionKey, e.id],
      );
      const phase: TicketPhase | undefined =
        e.type === "action.succeeded" && waited?.n ? "in-progress" : undefined;
      return {
        ...(perAction ? { text: `${step}: ${e.message ?? e.type}` } : {}),
        ...(phase ? { phase } : {}),
      };
    }
    default:
      return {};
  }
}

export interface TicketTrail {
  /** One pass over the runs whose tickets have news; what a loop calls, and what tests call directly. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function ticketTrail(
  store: Store,
  ports: PortsResolver,
  opts: { intervalMs?: number; leaseMs?: number; retryMs?: number } = {},
): TicketTrail {
  const owner = `trail:${randomUUID().slice(0, 8)}`;
  const leaseMs = opts.leaseMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function delayed(runId: string, why: string): Promise<void> {
    const message = `ticket notes delayed: ${why}`.slice(0, 500);
    const [last] = await store.query<{ message: string | null }>(
      `select message from events where run_id = $1 and type = 'ticket.delayed' order by id desc limit 1`,
      [runId],
    );
    if (last?.message !== message) await appendEvent(store, { runId, type: "ticket.delayed", message });
  }

  // The run's log step sets the ticket's final status: once it has begun, a trail running behind the run
  // (a slow pass, a PSA that was down) would put back a status of a moment long past.
  async function finalStatusBegun(runId: string): Promise<boolean> {
    const begun = await store.query(
      `select 1 from actions where run_id = $1 and type = 'psa.log-run' and state not in ('pending', 'ready')`,
      [runId],
    );
    return begun.length > 0;
  }

  async function follow(run: TrailRun): Promise<void> {
    let cursor = run.cursor;
    try {
      const client = await getClient(store, run.clientId);
      const psa: Psa | undefined = (await ports(client, run.bind ?? undefined)).psa;
      if (!client || !psa) return;
      const perAction = client.ticketTrail.notePerAction;
      const saveCursor = () =>
        store.query(`update ticket_trail set last_event_id = $2 where run_id = $1`, [run.runId, cursor]);
      const events = await eventsSince(store, run.runId, cursor);
      const notes = new Map<number, Note>();
      for (const e of events)
        if (watched.includes(e.type)) notes.set(e.id, await noteFor(store, e, perAction));
      // Only the newest status of a pass is set: an older one is out of date already (an approval asked
      // and given since the last pass leaves the ticket in progress, not waiting on the customer).
      const newestPhase = [...notes].findLast(([, n]) => n.phase)?.[0];
      for (const e of events) {
        const note = notes.get(e.id);
        if (note) {
          const text = note.text;
          if (text)
            // Always looked for first: a pass that died after posting leaves no trace but the note itself.
            await postNoteOnce(psa, run.ticketId, `${run.runId}:event:${e.id}`, async () => scrubbed(text), {
              lookFirst: true,
            });
          if (note.phase && e.id === newestPhase && !(await finalStatusBegun(run.runId)))
            await psa.setTicketPhase(run.ticketId, note.phase);
          cursor = e.id;
          await saveCursor();
        } else cursor = e.id;
      }
      await saveCursor();
    } catch (err) {
      // The PSA is down or refused: the events stay where they are, and a pass after `retryMs` tells them
      // again from the cursor; markers keep each note single. The run's own timeline says why its ticket
      // is behind, once for each reason.
      await delayed(run.runId, err instanceof Error ? err.message : String(err));
      await store.query(
        `update ticket_trail set lease_until = now() + $3 * interval '1 millisecond' where run_id = $1 and lease_owner = $2`,
        [run.runId, owner, opts.retryMs ?? leaseMs],
      );
      return;
    }
    await store.query(
      `update ticket_trail set lease_until = null, lease_owner = null where run_id = $1 and lease_owner = $2`,
      [run.runId, owner],
    );
  }

  async function tick(): Promise<number> {
    const pending = await store.query<TrailRun>(pendingSql, [watched]);
    let followed = 0;
    for (const run of pending) {
      const [claimed] = await store.query<{ cursor: number }>(claimSql, [run.runId, owner, leaseMs]);
      if (!claimed) continue;
      await follow({ ...run, cursor: Number(claimed.cursor) });
      followed++;
    }
    return followed;
  }

  return {
    tick,
    start() {
      const loop = () => {
        running = tick()
          .catch(() => 0)
          .finally(() => {
            if (timer !== undefined) timer = setTimeout(loop, opts.intervalMs ?? 2_000);
          });
      };
      timer = setTimeout(loop, 0);
    },
    async stop() {
      const t = timer;
      timer = undefined;
      if (t) clearTimeout(t);
      await running;
    },
  };
}

import type { Sql } from "../store/sql.ts";

export const eventsChannel = "lifecycle_events";
export const wakeChannel = "lifecycle_wake";

export interface EventInput {
  runId: string;
  actionKey?: string | null;
  type: string;
  outcome?: string | null;
  message?: string | null;
  requestId?: string | null;
  detail?: unknown;
}

/** Appends in the caller's transaction, so an event exists exactly when its transition committed. */
export async function appendEvent(sql: Sql, e: EventInput, opts: { wake?: boolean } = {}): Promise<void> {
  // NOTIFY is transactional: followers hear of it only after commit. One statement, one round trip.
  await sql.query(
    `with e as (insert into events (run_id, action_key, type, outcome, message, request_id, detail)
                values ($1, $2, $3, $4, $5, $6, $7) returning run_id)
     select pg_notify('${eventsChannel}', run_id::text), case when $8::boolean then pg_notify('${wakeChannel}', '') end from e`,
    [
      e.runId,
      e.actionKey ?? null,
      e.type,
      e.outcome ?? null,
      e.message ?? null,
      e.requestId ?? null,
      e.detail === undefined ? null : JSON.stringify(e.detail),
      opts.wake ?? false,
    ],
  );
}

export async function wakeWorkers(sql: Sql): Promise<void> {
  await sql.query("select pg_notify($1, '')", [wakeChannel]);
}

export interface RunEvent {
  id: number;
  runId: string;
  actionKey: string | null;
  at: Date;
  type: string;
  outcome: string | null;
  message: string | null;
  requestId: string | null;
  detail: unknown;
}

export async function eventsSince(sql: Sql, runId: string, afterId: number): Promise<RunEvent[]> {
  return sql.query<RunEvent>(
    `select id, run_id as "runId", action_key as "actionKey", at, type, outcome, message,
            request_id as "requestId", detail
       from events where run_id = $1 and id > $2 order by id`,
    [runId, afterId],
  );
}

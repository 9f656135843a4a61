import type { Store } from "../store/sql.ts";
import { eventsChannel, eventsSince, type RunEvent } from "./events.ts";

/**
 * Delivers a run's events in order, live: NOTIFY (PostgreSQL across processes, PGlite in-process) says
 * "something happened to run X", and the events table says what. A slow poll covers a dropped listener.
 */
export async function followRun(
  store: Store,
  runId: string,
  onEvent: (e: RunEvent) => void,
  opts: { afterId?: number; pollMs?: number; onError?: (err: unknown) => void } = {},
): Promise<() => Promise<void>> {
  let last = opts.afterId ?? 0;
  const onError = opts.onError ?? ((err: unknown) => console.error(`[follow ${runId}]`, err));
  let stopped = false;
  let pumping: Promise<void> = Promise.resolve();
  const pump = () => {
    pumping = pumping.then(async () => {
      if (stopped) return;
      for (const e of await eventsSince(store, runId, last)) {
        last = e.id;
        onEvent(e);
      }
    });
    return pumping;
  };
  const unlisten = await store.listen(eventsChannel, (payload) => {
    if (payload === runId) void pump().catch(onError);
  });
  const timer = setInterval(() => void pump().catch(onError), opts.pollMs ?? 1000);
  await pump();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await unlisten();
    await pumping.catch(onError);
  };
}

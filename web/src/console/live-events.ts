import { useEffect, useRef, useState } from "react";
import type { paths } from "../api/schema";

export type RunEvent =
  paths["/api/runs/{id}/events"]["get"]["responses"][200]["content"]["application/json"][number];

/**
 * A run's events, existing ones first and then live, over the server's event stream. EventSource
 * reconnects by itself and resumes after the last id it saw (Last-Event-ID); ids already shown are dropped.
 * The events belong to one run: a page showing another run mounts anew (key it by the run id).
 */
export function useRunEvents(
  runId: string,
  onEvent?: (event: RunEvent) => void,
): { events: RunEvent[]; connected: boolean } {
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [connected, setConnected] = useState(false);
  const latest = useRef(onEvent);
  useEffect(() => {
    latest.current = onEvent;
  });
  useEffect(() => {
    const seen = new Set<number>();
    // `frames=message`: every event type arrives at onmessage, so new types need no listener here.
    const source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/stream?frames=message`);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as RunEvent;
      if (seen.has(event.id)) return;
      seen.add(event.id);
      setEvents((list) => [...list, event]);
      latest.current?.(event);
    };
    return () => source.close();
  }, [runId]);
  return { events, connected };
}

/** An instant in a client's time zone, with the zone named, as technicians and HR read it. */
export function inZone(iso: string | Date | null | undefined, timeZone?: string): string {
  if (!iso) return "—";
  const date = typeof iso === "string" ? new Date(iso) : iso;
  const text = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    // Without the client's zone, the reader's own: named, so nobody takes it for the client's.
    ...(timeZone ? {} : { timeZoneName: "short" as const }),
  }).format(date);
  return timeZone ? `${text} ${timeZone}` : text;
}

/** Elapsed time from the run's start as the ticket log writes it: m:ss, or h:mm:ss past an hour. */
export function sinceStart(from: string | Date, at: string | Date): string {
  const seconds = Math.max(0, Math.round((new Date(at).getTime() - new Date(from).getTime()) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export function duration(start: string | null, end: string | null): string {
  if (!start || !end) return "";
  const ms = new Date(end).getTime() - new Date(start).getTime();
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

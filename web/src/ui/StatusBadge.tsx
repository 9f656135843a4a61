const tone: Record<string, string> = {
  completed: "ok",
  succeeded: "ok",
  "already-done": "ok",
  running: "info",
  pending: "info",
  scheduled: "muted",
  waiting: "warn",
  "awaiting-approval": "warn",
  blocked: "warn",
  skipped: "muted",
  failed: "bad",
  rejected: "bad",
  cancelled: "muted",
};

/** A run's or step's status in words, coloured by what it asks of the reader. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${tone[status] ?? "muted"}`}>{status.replace(/-/g, " ")}</span>;
}

const tone: Record<string, string> = {
  completed: "ok",
  "completed-with-warnings": "warn",
  approved: "ok",
  succeeded: "ok",
  "already-done": "ok",
  running: "info",
  pending: "info",
  ready: "info",
  retry: "warn",
  info: "info",
  warning: "warn",
  error: "bad",
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

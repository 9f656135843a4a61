import { useEffect, useState } from "react";
import { ErrorNote } from "../ui/ErrorNote";
import { status as fetchStatus, type Status } from "./api";

const finished = new Set(["completed", "completed-with-warnings", "failed", "cancelled"]);
const tone: Record<string, string> = {
  completed: "ok",
  "completed-with-warnings": "warn",
  failed: "bad",
  cancelled: "muted",
  succeeded: "ok",
  "already-done": "ok",
  skipped: "muted",
  blocked: "bad",
  retry: "warn",
};
const words = (s: string) => s.replace(/-/g, " ");

/** Where a submitted run stands, step by step, re-read every few seconds until it has finished. */
export function StatusPage({ statusToken, zone }: { statusToken: string; zone?: string | undefined }) {
  const [state, setState] = useState<Status | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const s = await fetchStatus(statusToken);
        if (stop) return;
        setState(s);
        setError(null);
        if (finished.has(s.status)) return;
      } catch (err) {
        if (stop) return;
        setError(err);
      }
      timer = setTimeout(poll, 2000);
    };
    void poll();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [statusToken]);

  const when = (d: string | null | undefined) =>
    d
      ? new Date(d).toLocaleString(undefined, {
          dateStyle: "medium",
          timeStyle: "short",
          ...(zone ? { timeZone: zone } : {}),
        })
      : "";

  if (!state) return error ? <ErrorNote error={error} /> : <p>Loading where it stands…</p>;
  const done = state.steps.filter((s) => ["succeeded", "already-done", "skipped"].includes(s.state)).length;
  return (
    <section aria-labelledby="status-title">
      <h2 id="status-title">
        {state.kind === "onboard" ? "Onboarding" : "Offboarding"} of {state.subject}
      </h2>
      <p>
        <span className={`badge ${tone[state.status] ?? "info"}`} data-testid="run-status">
          {words(state.status)}
        </span>{" "}
        <span className="muted">
          {done} of {state.steps.length} steps done · starts {when(state.startAt)}
          {zone ? ` (${zone})` : ""}
          {state.finishedAt ? ` · finished ${when(state.finishedAt)}` : ""}
        </span>
      </p>
      <p className="help">Keep this page's address to come back to it: it shows this request only.</p>
      <ErrorNote error={error} />
      <ol className="steps" aria-label="Steps" aria-live="polite">
        {state.steps.map((s, i) => (
          <li key={`${i}-${s.title}`}>
            <span>{s.title}</span>{" "}
            <span className={`badge ${tone[s.state] ?? "info"}`}>{words(s.state)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

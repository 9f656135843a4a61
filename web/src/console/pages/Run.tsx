import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { ErrorNote } from "../../ui/ErrorNote";
import { StatusBadge } from "../../ui/StatusBadge";
import { useRunEvents } from "../live-events";
import { duration, inZone, sinceStart } from "../time";

export function Run({ runId }: { runId: string }) {
  const queryClient = useQueryClient();
  const run = useQuery({
    queryKey: ["run", runId],
    queryFn: () => unwrap(api.GET("/api/runs/{id}", { params: { path: { id: runId } } })),
  });
  // Each event may change a step's state: re-read the run (its steps) when one arrives.
  const { events, connected } = useRunEvents(runId, () =>
    queryClient.invalidateQueries({ queryKey: ["run", runId] }),
  );
  if (run.error) return <ErrorNote error={run.error} />;
  if (!run.data) return <p>Loading…</p>;
  const r = run.data;
  const origin = r.createdAt;
  return (
    <>
      <h1>
        {r.kind === "onboard" ? "Onboarding" : "Offboarding"} of {r.subject}
      </h1>
      <div className="row">
        <StatusBadge status={r.status} />
        <span className="muted">
          {r.clientId} · ticket {r.ticket ? `#${r.ticket}` : "none"} · started {inZone(r.startAt)}
        </span>
        <span className="muted" aria-live="polite">
          {connected ? "live" : "reconnecting…"}
        </span>
      </div>
      <h2>Timeline</h2>
      <ol className="panel timeline" aria-label="Timeline">
        {events
          .filter((e) => e.message)
          .map((e) => (
            <li key={e.id}>
              <span className="mono">{sinceStart(origin, e.at)}</span> {e.message}
              {e.requestId ? <span className="muted mono"> request {e.requestId}</span> : null}
            </li>
          ))}
      </ol>
      <h2>Steps</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">Attempts</th>
          </tr>
        </thead>
        <tbody>
          {r.actions.map((a) => (
            <tr key={a.key}>
              <td>{a.title}</td>
              <td>
                <StatusBadge status={a.state} />
              </td>
              <td>{duration(a.startedAt as string | null, a.finishedAt as string | null)}</td>
              <td>{a.attempts}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

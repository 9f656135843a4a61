import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { api, unwrap } from "../../api/client";
import { ErrorNote } from "../../ui/ErrorNote";
import { StatusBadge } from "../../ui/StatusBadge";
import { inZone } from "../time";

export function Runs() {
  const runs = useQuery({
    queryKey: ["runs"],
    queryFn: () => unwrap(api.GET("/api/runs", { params: { query: { limit: 100 } } })),
    refetchInterval: 5000,
  });
  return (
    <>
      <h1>Runs</h1>
      <ErrorNote error={runs.error} />
      {runs.data?.length === 0 ? <p className="muted">No runs yet.</p> : null}
      {runs.data?.length ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Who</th>
              <th scope="col">Client</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Start</th>
              <th scope="col">Ticket</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to="/runs/$runId" params={{ runId: r.id }}>
                    {r.subject}
                  </Link>
                </td>
                <td>{r.clientId}</td>
                <td>{r.kind === "onboard" ? "Onboarding" : "Offboarding"}</td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{inZone(r.startAt)}</td>
                <td>{r.ticket ? `#${r.ticket}` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

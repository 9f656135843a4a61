import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { ErrorNote } from "../../ui/ErrorNote";
import { StatusBadge } from "../../ui/StatusBadge";
import { useRunEvents } from "../live-events";
import { PageHeading } from "../PageHeading";
import { RunCommands } from "../RunCommands";
import { inZone } from "../time";
import {
  approvalOf,
  findingsOf,
  stepsOf,
  ticketOf,
  timelineOf,
  type FailureView,
  type RunDetail,
  type TimelineEvent,
} from "../timeline";

export function Run({ runId }: { runId: string }) {
  const queryClient = useQueryClient();
  const run = useQuery({
    queryKey: ["run", runId],
    queryFn: () => unwrap(api.GET("/api/runs/{id}", { params: { path: { id: runId } } })),
  });
  // Each event may change a step's state: re-read the run (its steps) when one arrives.
  const { events: live, connected } = useRunEvents(runId, () =>
    queryClient.invalidateQueries({ queryKey: ["run", runId] }),
  );
  if (run.error) return <ErrorNote error={run.error} />;
  if (!run.data) return <p>Loading…</p>;
  const r = run.data;
  // The stream replays every event from the first; until it has, the run's own copy stands in.
  const events = live.length >= r.events.length ? live : r.events;
  return (
    <>
      <PageHeading>
        {r.kind === "onboard" ? "Onboarding" : "Offboarding"} of {r.subject}
      </PageHeading>
      <RunSummary run={r} connected={connected} />
      <ApprovalPanel run={r} events={events} />
      <Findings events={events} />
      <RunCommands run={r} />
      <h2>Timeline</h2>
      <Timeline run={r} events={events} />
      <h2>Steps</h2>
      <Steps run={r} />
    </>
  );
}

function RunSummary({ run, connected }: { run: RunDetail; connected: boolean }) {
  const ticket = ticketOf(run);
  const report = (format: "pdf" | "html" | "json") =>
    `/api/runs/${encodeURIComponent(run.id)}/report?format=${format}`;
  return (
    <div className="panel summary">
      <div className="row">
        <StatusBadge status={run.status} />
        <span className="muted" aria-live="polite">
          {connected ? "live" : "reconnecting…"}
        </span>
      </div>
      <dl className="facts">
        <dt>Client</dt>
        <dd>{run.clientId}</dd>
        <dt>Requested by</dt>
        <dd>{run.requester}</dd>
        <dt>Start</dt>
        <dd>{inZone(run.startAt)}</dd>
        <dt>Ticket</dt>
        <dd>
          {ticket ? (
            ticket.url ? (
              <a href={ticket.url} target="_blank" rel="noreferrer noopener">
                #{ticket.number} (opens the PSA)
              </a>
            ) : (
              `#${ticket.number}`
            )
          ) : (
            "none"
          )}
        </dd>
        <dt>Report</dt>
        <dd>
          <a href={report("pdf")} download>
            PDF
          </a>{" "}
          · <a href={report("html")}>HTML</a> · <a href={report("json")}>JSON</a>
        </dd>
        {run.cancelReason ? (
          <>
            <dt>Cancelled</dt>
            <dd>{run.cancelReason}</dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}

function ApprovalPanel({ run, events }: { run: RunDetail; events: readonly TimelineEvent[] }) {
  const approval = approvalOf(run, events);
  if (!approval) return null;
  return (
    <section className={`panel ${approval.open ? "attention" : ""}`} aria-labelledby="approval-heading">
      <h2 id="approval-heading">Approval</h2>
      {approval.asked ? (
        <p>
          {approval.asked}
          {approval.askedAt ? <span className="muted"> (asked {inZone(approval.askedAt)})</span> : null}
        </p>
      ) : null}
      {approval.decisions.length ? (
        <ul className="plain">
          {approval.decisions.map((d) => (
            <li key={d.at + d.text}>
              <StatusBadge status={d.approved ? "approved" : "rejected"} /> {d.text}{" "}
              <span className="muted">{inZone(d.at)}</span>
            </li>
          ))}
        </ul>
      ) : approval.open ? (
        <p className="muted">Nothing is changed until it is approved.</p>
      ) : null}
      <p className="muted">
        Plan hash <span className="mono wrap">{run.planHash}</span>
      </p>
    </section>
  );
}

function Findings({ events }: { events: readonly TimelineEvent[] }) {
  const findings = findingsOf(events);
  if (!findings.length) return null;
  return (
    <section className="panel" aria-labelledby="findings-heading">
      <h2 id="findings-heading">What the pre-flight found</h2>
      <ul className="plain">
        {findings.map((f) => (
          <li key={f.field + f.message}>
            <StatusBadge status={f.severity} /> {f.field ? <span className="mono">{f.field}</span> : null}{" "}
            {f.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Timeline({ run, events }: { run: RunDetail; events: readonly TimelineEvent[] }) {
  const lines = timelineOf(run, events);
  return (
    <ol className="panel timeline" aria-label="Timeline">
      {lines.length === 0 ? <li className="muted">Nothing has happened yet.</li> : null}
      {lines.map((line) => (
        <li key={line.id} className={`tone-${line.tone}`}>
          <span className="mono elapsed">{line.elapsed}</span>
          <span className="line-text">
            {line.text}
            {line.failure ? <FailureText failure={line.failure} /> : null}
            {line.requestId && !line.failure ? (
              <span className="muted mono small"> request {line.requestId}</span>
            ) : null}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** The vendor's own code and status, and the request id its support asks for. */
export function FailureText({ failure }: { failure: FailureView }) {
  const vendor = [failure.vendor, failure.vendorStatus, failure.vendorCode].filter((x) => x !== null);
  return (
    <span className="failure">
      {vendor.length ? (
        <>
          {" "}
          <span className="mono">{vendor.join(" ")}</span>
        </>
      ) : null}
      {failure.code ? <span className="mono"> · {failure.code}</span> : null}
      {failure.requestId ? <span className="mono small"> · request {failure.requestId}</span> : null}
    </span>
  );
}

function Steps({ run }: { run: RunDetail }) {
  const steps = stepsOf(run.actions);
  return (
    <table className="table steps">
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Status</th>
          <th scope="col">Duration</th>
          <th scope="col">Attempts</th>
          <th scope="col">Request id</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((s) => (
          <tr key={s.key}>
            <th scope="row">{s.title}</th>
            <td data-label="Status">
              <StatusBadge status={s.state} />
            </td>
            <td data-label="Duration">{s.duration}</td>
            <td data-label="Attempts">{s.attempts}</td>
            <td data-label="Request id" className="mono small wrap">
              {s.requestId ?? ""}
            </td>
            <td data-label="Detail">
              {s.failure ? (
                <>
                  {s.failure.message}
                  <FailureText failure={{ ...s.failure, requestId: null }} />
                </>
              ) : (
                (s.note ?? "")
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { api, unwrap } from "../../api/client";
import type { paths } from "../../api/schema";
import { ErrorNote } from "../../ui/ErrorNote";
import { DailyChart } from "../DailyChart";
import { PageHeading } from "../PageHeading";
import { inZone } from "../time";

export type DashboardData = paths["/api/dashboard"]["get"]["responses"][200]["content"]["application/json"];

/** Minutes as a person says them: "45 min", "3 h 20 min", "2 d 4 h" past a working day's worth. */
export function minutesInWords(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (h < 24) return rest ? `${h} h ${rest} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

const monthName = (month: string) =>
  new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" }).format(
    new Date(`${month}-01T12:00:00Z`),
  );

export function Dashboard() {
  const dashboard = useQuery({
    queryKey: ["dashboard"],
    queryFn: () => unwrap(api.GET("/api/dashboard")),
    refetchInterval: 10_000,
  });
  return (
    <>
      <PageHeading>Dashboard</PageHeading>
      <ErrorNote error={dashboard.error} />
      {dashboard.data ? <DashboardView data={dashboard.data} /> : dashboard.error ? null : <p>Loading…</p>}
    </>
  );
}

export function DashboardView({ data }: { data: DashboardData }) {
  const { counts, impact } = data;
  const now: [string, number, string][] = [
    ["In flight", counts.inFlight, "steps running now"],
    ["Awaiting approval", counts.awaitingApproval, "nothing changes until approved"],
    ["Scheduled", counts.scheduled, "start later"],
    ["Waiting", counts.waiting, "held by a condition"],
    ["Failed", counts.failed, "this month"],
  ];
  const month = monthName(data.month);
  const figures: [string, string][] = [
    ["Onboardings", String(impact.onboardings)],
    ["Offboardings", String(impact.offboardings)],
    ["Steps automated", String(impact.stepsAutomated)],
    ["Time saved", minutesInWords(impact.minutesSaved)],
    ["Missed steps", String(impact.missedSteps)],
  ];
  return (
    <>
      <section aria-labelledby="now-heading">
        <h2 id="now-heading">Runs now</h2>
        <ul className="grid stats" aria-label="Runs now">
          {now.map(([label, value, help]) => (
            <li key={label} className={`stat ${label === "Failed" && value > 0 ? "bad" : ""}`}>
              <span className="value">{value}</span>
              <span className="label">{label}</span>
              <span className="help">{help}</span>
            </li>
          ))}
        </ul>
        <p>
          <Link to="/runs">All runs</Link> · <Link to="/approvals">Approvals</Link> ·{" "}
          <Link to="/schedules">Schedules</Link>
        </p>
      </section>
      {data.waiting.length ? (
        <section aria-labelledby="waiting-heading">
          <h2 id="waiting-heading">Waiting, and on what</h2>
          <ul className="panel plain list">
            {data.waiting.map((w) => (
              <li key={w.runId + w.key}>
                <Link to="/runs/$runId" params={{ runId: w.runId }}>
                  {w.subject}
                </Link>{" "}
                <span className="muted">({w.clientId})</span>: {w.title} waits for {w.reason}
                {w.needs === "person" ? <strong> (someone has to act)</strong> : null}
                {w.until ? <span className="muted"> · next look {inZone(w.until)}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="impact-heading">
        <h2 id="impact-heading">Impact in {month}</h2>
        <ul className="grid stats" aria-label={`Impact in ${month}`}>
          {figures.map(([label, value]) => (
            <li key={label} className="stat">
              <span className="value">{value}</span>
              <span className="label">{label}</span>
            </li>
          ))}
        </ul>
        <div className="panel">
          <DailyChart days={data.daily} month={month} />
        </div>
      </section>
      {data.missedSteps.length ? (
        <section aria-labelledby="missed-heading">
          <h2 id="missed-heading">Missed steps</h2>
          <ul className="panel plain list">
            {data.missedSteps.map((m) => (
              <li key={m.runId + m.key}>
                <Link to="/runs/$runId" params={{ runId: m.runId }}>
                  {m.subject}
                </Link>{" "}
                <span className="muted">({m.clientId})</span>: {m.title} {m.state}, {m.reason}
                {m.code ? <span className="mono"> · {m.code}</span> : null}
                <span className="muted"> · {inZone(m.at)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

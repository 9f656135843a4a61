import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useId, useState } from "react";
import { api, ApiFailure, unwrap } from "../../api/client";
import type { paths } from "../../api/schema";
import { Button } from "../../ui/Button";
import { ErrorNote } from "../../ui/ErrorNote";
import { StatusBadge } from "../../ui/StatusBadge";
import { PageHeading } from "../PageHeading";
import { may, useMe } from "../session";

type Scheduled = paths["/api/schedules"]["get"]["responses"][200]["content"]["application/json"][number];

/** "2026-12-03T09:00" as "3 Dec 2026, 09:00": the client's wall clock, never converted. */
export function wallClock(local: string): string {
  const [date = "", time = ""] = local.split("T");
  const [y, m, d] = date.split("-").map(Number);
  const month = new Intl.DateTimeFormat("en-GB", { month: "short", timeZone: "UTC" }).format(
    new Date(Date.UTC(y ?? 2000, (m ?? 1) - 1, 1)),
  );
  return `${d} ${month} ${y}, ${time.slice(0, 5)}`;
}

const utc = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

export function Schedules() {
  const schedules = useQuery({
    queryKey: ["schedules"],
    queryFn: () => unwrap(api.GET("/api/schedules")),
    refetchInterval: 30_000,
  });
  return (
    <>
      <PageHeading>Schedules</PageHeading>
      <p className="muted">
        Runs whose start lies ahead, soonest first. Each start is in the client's time zone.
      </p>
      <ErrorNote error={schedules.error} />
      {schedules.data?.length === 0 ? <p>Nothing is scheduled.</p> : null}
      <ul className="plain cards">
        {schedules.data?.map((s) => (
          <li key={s.runId}>
            <ScheduleCard schedule={s} />
          </li>
        ))}
      </ul>
    </>
  );
}

function ScheduleCard({ schedule: s }: { schedule: Scheduled }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<"reschedule" | "cancel" | null>(null);
  const [local, setLocal] = useState(s.startLocal.slice(0, 16));
  const [reason, setReason] = useState("");
  const headingId = useId();
  const startId = useId();
  const reasonId = useId();
  const done = () => {
    setEditing(null);
    void queryClient.invalidateQueries({ queryKey: ["schedules"] });
    void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
  };
  const reschedule = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/runs/{id}/reschedule", {
          params: { path: { id: s.runId } },
          body: {
            startAt: { local, timeZone: s.timeZone },
            ...(reason.trim() ? { reason: reason.trim() } : {}),
          },
        }),
      ),
    onSuccess: done,
  });
  const cancel = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/runs/{id}/cancel", {
          params: { path: { id: s.runId } },
          body: reason.trim() ? { reason: reason.trim() } : {},
        }),
      ),
    onSuccess: done,
  });
  const operate = may(me.data, "operate");
  const fieldError = reschedule.error instanceof ApiFailure && reschedule.error.fields.length > 0;
  return (
    <article className="panel schedule" aria-labelledby={headingId}>
      <h2 id={headingId}>
        <Link to="/runs/$runId" params={{ runId: s.runId }}>
          {s.name ?? s.subject}
        </Link>{" "}
        <span className="muted small">
          {s.kind === "onboard" ? "onboarding" : "offboarding"} · {s.clientId}
        </span>
      </h2>
      <p className="when">
        <strong>
          {wallClock(s.startLocal)} {s.timeZone}
        </strong>{" "}
        <span className="muted">
          (UTC{s.utcOffset}) · {utc(s.startAt)}
        </span>
      </p>
      <p className="row">
        <StatusBadge status={s.status} />
        <span className="muted">
          {s.subject} · asked by {s.requester}
        </span>
      </p>
      {operate && editing === null ? (
        <div className="row">
          <Button variant="secondary" onClick={() => setEditing("reschedule")}>
            Reschedule…
          </Button>
          <Button variant="secondary" onClick={() => setEditing("cancel")}>
            Cancel…
          </Button>
        </div>
      ) : null}
      {editing === "reschedule" ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            reschedule.mutate();
          }}
        >
          <div className="field">
            <label htmlFor={startId}>New start, in {s.timeZone}</label>
            <input
              id={startId}
              type="datetime-local"
              value={local}
              required
              onChange={(e) => setLocal(e.target.value)}
              aria-invalid={fieldError || undefined}
              autoFocus
            />
            <span className="help">
              The client's wall clock. A new start changes the plan: an approval already given is asked for
              again.
            </span>
          </div>
          <div className="field">
            <label htmlFor={reasonId}>Reason (optional)</label>
            <input
              id={reasonId}
              value={reason}
              maxLength={1000}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          <ErrorNote error={reschedule.error} />
          <div className="row">
            <Button type="submit" disabled={reschedule.isPending || !local}>
              Move the start
            </Button>
            <Button variant="secondary" onClick={() => setEditing(null)}>
              Keep it
            </Button>
          </div>
        </form>
      ) : null}
      {editing === "cancel" ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            cancel.mutate();
          }}
        >
          <div className="field">
            <label htmlFor={reasonId}>Why cancel? (optional)</label>
            <input
              id={reasonId}
              value={reason}
              maxLength={1000}
              onChange={(e) => setReason(e.target.value)}
              autoFocus
            />
          </div>
          <ErrorNote error={cancel.error} />
          <div className="row">
            <Button type="submit" variant="danger" disabled={cancel.isPending}>
              Cancel the run
            </Button>
            <Button variant="secondary" onClick={() => setEditing(null)}>
              Keep it
            </Button>
          </div>
        </form>
      ) : null}
    </article>
  );
}

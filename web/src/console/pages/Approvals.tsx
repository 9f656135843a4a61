import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useId, useState } from "react";
import { api, unwrap } from "../../api/client";
import type { paths } from "../../api/schema";
import { Button } from "../../ui/Button";
import { ErrorNote } from "../../ui/ErrorNote";
import { PageHeading } from "../PageHeading";
import { inZone } from "../time";

type Pending = paths["/api/approvals"]["get"]["responses"][200]["content"]["application/json"][number];

export function Approvals() {
  const approvals = useQuery({
    queryKey: ["approvals"],
    queryFn: () => unwrap(api.GET("/api/approvals")),
    refetchInterval: 15_000,
  });
  return (
    <>
      <PageHeading>Approvals</PageHeading>
      <p className="muted">
        Runs waiting for you. Approving approves the plan as shown: if it changes, you are asked again.
      </p>
      <ErrorNote error={approvals.error} />
      {approvals.data?.length === 0 ? <p>Nothing waits for your approval.</p> : null}
      <ul className="plain cards">
        {approvals.data?.map((a) => (
          <li key={a.runId}>
            <ApprovalCard approval={a} />
          </li>
        ))}
      </ul>
    </>
  );
}

function ApprovalCard({ approval: a }: { approval: Pending }) {
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const noteId = useId();
  const headingId = useId();
  const decide = useMutation({
    mutationFn: (decision: "approve" | "reject") => {
      const params = { path: { id: a.runId } };
      const body = note.trim() ? { note: note.trim() } : {};
      return decision === "approve"
        ? unwrap(api.POST("/api/runs/{id}/approve", { params, body: { planHash: a.planHash, ...body } }))
        : unwrap(api.POST("/api/runs/{id}/reject", { params, body }));
    },
    onSuccess: (run) => {
      queryClient.setQueryData(["run", a.runId], run);
      void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
    },
  });
  const kind = a.kind === "onboard" ? "Onboarding" : "Offboarding";
  const decided = decide.isSuccess ? (decide.variables === "approve" ? "Approved" : "Rejected") : null;
  return (
    <article className="panel approval" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {kind} of{" "}
        <Link to="/runs/$runId" params={{ runId: a.runId }}>
          {a.subject}
        </Link>
      </h2>
      <dl className="facts">
        <dt>Client</dt>
        <dd>{a.clientId}</dd>
        <dt>Requested by</dt>
        <dd>{a.requester}</dd>
        <dt>Waiting since</dt>
        <dd>{inZone(a.since)}</dd>
        <dt>Starts</dt>
        <dd>{inZone(a.startAt)}</dd>
        {a.expiresAt ? (
          <>
            <dt>Expires</dt>
            <dd>{inZone(a.expiresAt)}</dd>
          </>
        ) : null}
        <dt>Approver</dt>
        <dd>{a.who}</dd>
        {a.ticket ? (
          <>
            <dt>Ticket</dt>
            <dd>#{a.ticket}</dd>
          </>
        ) : null}
      </dl>
      <details>
        <summary>
          The plan: {a.plan.steps.length} steps{a.plan.workflow ? ` (${a.plan.workflow})` : ""}
        </summary>
        <ol>
          {a.plan.steps.map((s) => (
            <li key={s.key}>{s.title}</li>
          ))}
        </ol>
        <p className="muted small">
          Plan hash <span className="mono wrap">{a.planHash}</span>
        </p>
      </details>
      {decided ? (
        <p role="status" className="decided">
          {decided}.{" "}
          <Link to="/runs/$runId" params={{ runId: a.runId }}>
            Follow the run
          </Link>
        </p>
      ) : (
        <>
          <div className="field">
            <label htmlFor={noteId}>Note (optional)</label>
            <textarea
              id={noteId}
              rows={2}
              maxLength={2000}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </div>
          <div className="row decide-buttons">
            <Button disabled={decide.isPending} onClick={() => decide.mutate("approve")}>
              Approve
            </Button>
            <Button variant="danger" disabled={decide.isPending} onClick={() => decide.mutate("reject")}>
              Reject
            </Button>
          </div>
        </>
      )}
      <ErrorNote error={decide.error} />
    </article>
  );
}

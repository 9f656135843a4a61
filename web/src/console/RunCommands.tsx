import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api, unwrap } from "../api/client";
import { Button } from "../ui/Button";
import { ErrorNote } from "../ui/ErrorNote";
import { may, useMe } from "./session";
import { finished, type RunDetail } from "./timeline";

type Command =
  | { kind: "approve"; planHash: string; note?: string }
  | { kind: "reject"; note?: string }
  | { kind: "cancel"; reason?: string }
  | { kind: "retry" };

function send(runId: string, c: Command): Promise<RunDetail> {
  const params = { path: { id: runId } };
  const note = c.kind !== "retry" && c.kind !== "cancel" && c.note ? { note: c.note } : {};
  switch (c.kind) {
    case "approve":
      return unwrap(api.POST("/api/runs/{id}/approve", { params, body: { planHash: c.planHash, ...note } }));
    case "reject":
      return unwrap(api.POST("/api/runs/{id}/reject", { params, body: note }));
    case "cancel":
      return unwrap(
        api.POST("/api/runs/{id}/cancel", { params, body: c.reason ? { reason: c.reason } : {} }),
      );
    case "retry":
      return unwrap(api.POST("/api/runs/{id}/retry", { params, body: {} }));
  }
}

/** A command on one run; its answer is the run as it now stands, so the page shows it at once. */
export function useRunCommand(runId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (c: Command) => send(runId, c),
    onSuccess: (run) => {
      queryClient.setQueryData(["run", runId], run);
      void queryClient.invalidateQueries({ queryKey: ["approvals"] });
      void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
    },
  });
}

/**
 * What this person may do to the run now. The buttons follow the role only to spare a refusal; the server
 * decides (an admin is refused a run the client's policy leaves to the manager), and a refusal is shown.
 */
export function RunCommands({ run }: { run: RunDetail }) {
  const me = useMe();
  const command = useRunCommand(run.id);
  const [note, setNote] = useState("");
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState("");
  const noteId = useId();
  const reasonId = useId();
  const deciding = run.status === "awaiting-approval" && may(me.data, "approve");
  const operating = may(me.data, "operate");
  const canCancel = operating && !finished(run.status);
  const canRetry = operating && (run.status === "failed" || run.status === "completed-with-warnings");
  // Nothing left to do (the run moved on): an earlier refusal no longer applies either.
  if (!deciding && !canCancel && !canRetry) return null;
  const busy = command.isPending;
  return (
    <section className="panel" aria-label="Commands">
      {deciding ? (
        <div className="decide">
          <div className="field">
            <label htmlFor={noteId}>Note to the approval (optional)</label>
            <textarea
              id={noteId}
              value={note}
              maxLength={2000}
              rows={2}
              onChange={(e) => setNote(e.target.value)}
            />
          </div>
          <div className="row">
            <Button
              disabled={busy}
              onClick={() => command.mutate({ kind: "approve", planHash: run.planHash, note })}
            >
              Approve
            </Button>
            <Button variant="danger" disabled={busy} onClick={() => command.mutate({ kind: "reject", note })}>
              Reject
            </Button>
            <span className="muted">
              Approving approves plan <span className="mono">{run.planHash.slice(0, 12)}</span> only.
            </span>
          </div>
        </div>
      ) : null}
      <div className="row">
        {canRetry ? (
          <Button variant="secondary" disabled={busy} onClick={() => command.mutate({ kind: "retry" })}>
            Retry failed steps
          </Button>
        ) : null}
        {canCancel && !cancelling ? (
          <Button variant="secondary" disabled={busy} onClick={() => setCancelling(true)}>
            Cancel run…
          </Button>
        ) : null}
      </div>
      {canCancel && cancelling ? (
        <form
          className="cancel-form"
          onSubmit={(e) => {
            e.preventDefault();
            command.mutate(
              { kind: "cancel", reason: reason.trim() || undefined },
              { onSuccess: () => setCancelling(false) },
            );
          }}
        >
          <div className="field">
            <label htmlFor={reasonId}>Why cancel? (optional, goes on the ticket)</label>
            <input
              id={reasonId}
              value={reason}
              maxLength={1000}
              onChange={(e) => setReason(e.target.value)}
              autoFocus
            />
          </div>
          <div className="row">
            <Button type="submit" variant="danger" disabled={busy}>
              Cancel the run
            </Button>
            <Button variant="secondary" onClick={() => setCancelling(false)}>
              Keep it running
            </Button>
          </div>
        </form>
      ) : null}
      <ErrorNote error={command.error} />
    </section>
  );
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api, unwrap } from "../../api/client";
import { Button } from "../../ui/Button";
import { ErrorNote } from "../../ui/ErrorNote";
import { Field } from "../../ui/Field";
import { BulkRows, blockingLines, type BulkRow } from "./BulkRows";
import { clientsQuery } from "./Clients";
import "./Bulk.css";

type Kind = "onboard" | "offboard";
const terminal = new Set(["completed", "completed-with-warnings", "failed", "cancelled"]);

interface Batch {
  batchId: string;
  client: string;
  kind: Kind;
  state: "uploaded" | "submitting" | "submitted";
  planHash?: string;
  excluded: number[];
  rows: BulkRow[];
  counts: {
    rows: number;
    ok: number;
    withErrors: number;
    excluded: number;
    runs: number;
    byStatus: Record<string, number>;
  };
}

function Progress({ batch }: { batch: Batch }) {
  const { runs, byStatus } = batch.counts;
  const done = Object.entries(byStatus)
    .filter(([s]) => terminal.has(s))
    .reduce((n, [, c]) => n + (c ?? 0), 0);
  return (
    <div className="panel" aria-labelledby="progress">
      <h2 id="progress">Progress</h2>
      <progress max={Math.max(runs, 1)} value={done} aria-label="Runs finished" />{" "}
      <span role="status" aria-live="polite">
        {done} of {runs} runs finished
        {Object.entries(byStatus).length
          ? `: ${Object.entries(byStatus)
              .map(([s, n]) => `${n} ${s.replace(/-/g, " ")}`)
              .join(", ")}`
          : ""}
      </span>
    </div>
  );
}

export function Bulk() {
  const queryClient = useQueryClient();
  const clients = useQuery(clientsQuery);
  const [picked, setClient] = useState("");
  const client = picked || clients.data?.[0]?.id || "";
  const [kind, setKind] = useState<Kind>("onboard");
  const [batchId, setBatchId] = useState<string>();
  const [excluded, setExcluded] = useState<Set<number>>(new Set());
  const [rejectNote, setRejectNote] = useState("");
  const fileId = useId();

  const upload = useMutation({
    mutationFn: async (file: File) => {
      const text = await file.text();
      return unwrap(
        api.POST(`/api/bulk/${kind}`, {
          params: { query: { client } },
          body: text,
          bodySerializer: (b: string) => b,
          headers: { "content-type": "text/csv" },
        }),
      ) as Promise<Batch>;
    },
    onSuccess: (b) => {
      queryClient.setQueryData(["bulk", b.batchId], b);
      setBatchId(b.batchId);
      setExcluded(new Set(b.excluded));
      submit.reset();
      approve.reset();
    },
  });
  const batch = useQuery({
    queryKey: ["bulk", batchId],
    enabled: Boolean(batchId),
    queryFn: () =>
      unwrap(
        api.GET("/api/bulk/{batchId}", { params: { path: { batchId: batchId as string } } }),
      ) as Promise<Batch>,
    // Polled while runs are under way, so progress shows across the batch without a reload.
    refetchInterval: (q) => {
      const b = q.state.data;
      if (!b || b.state === "uploaded") return false;
      return b.rows.some((r) => r.runId && !terminal.has(r.status ?? "")) || b.state === "submitting"
        ? 1500
        : false;
    },
  });
  const submit = useMutation({
    mutationFn: (b: Batch) =>
      unwrap(
        api.POST("/api/bulk/{batchId}/submit", {
          params: { path: { batchId: b.batchId } },
          body: { exclude: [...excluded].sort((x, y) => x - y) },
        }),
      ) as Promise<Batch>,
    onSuccess: (b) => queryClient.setQueryData(["bulk", b.batchId], b),
  });
  const approve = useMutation({
    mutationFn: (b: Batch) =>
      unwrap(
        api.POST("/api/bulk/{batchId}/approve", {
          params: { path: { batchId: b.batchId } },
          body: { planHash: b.planHash as string },
        }),
      ) as Promise<Batch>,
    onSuccess: (b) => queryClient.setQueryData(["bulk", b.batchId], b),
  });

  const reject = useMutation({
    mutationFn: (b: Batch) =>
      unwrap(
        api.POST("/api/bulk/{batchId}/reject", {
          params: { path: { batchId: b.batchId } },
          body: rejectNote.trim() ? { note: rejectNote.trim() } : {},
        }),
      ) as Promise<Batch>,
    onSuccess: (b) => queryClient.setQueryData(["bulk", b.batchId], b),
  });

  const b = batch.data;
  const submitted = Boolean(b && b.state !== "uploaded");
  const blocking = b ? blockingLines(b.rows, excluded) : [];
  const included = b ? b.rows.filter((r) => !excluded.has(r.line)).length : 0;
  const awaiting = b?.counts.byStatus["awaiting-approval"] ?? 0;

  return (
    <>
      <h1>Bulk onboarding and offboarding</h1>
      <form className="panel" aria-label="Upload a file" onSubmit={(e) => e.preventDefault()}>
        <div className="grid">
          <Field label="Client">
            <select value={client} onChange={(e) => setClient(e.target.value)}>
              {(clients.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Kind">
            <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              <option value="onboard">Onboarding</option>
              <option value="offboard">Offboarding</option>
            </select>
          </Field>
          <div className="field">
            <label htmlFor={fileId}>CSV file</label>
            <input
              id={fileId}
              type="file"
              accept=".csv,text/csv"
              disabled={!client || upload.isPending}
              aria-describedby={`${fileId}-help`}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) upload.mutate(file);
                // The same file, fixed and chosen again, is a new upload.
                e.target.value = "";
              }}
            />
            <span className="help" id={`${fileId}-help`}>
              A header row naming form fields (first name, last name, start, …); each row is checked as a dry
              run and nothing runs until you submit.
            </span>
          </div>
        </div>
        {upload.isPending ? <p role="status">Checking every row…</p> : null}
        {upload.error ? <ErrorNote error={upload.error} /> : null}
      </form>

      {b ? (
        <>
          <section className="panel" aria-labelledby="rows">
            <h2 id="rows">
              {b.counts.rows} row{b.counts.rows === 1 ? "" : "s"} for {b.client}:{" "}
              {b.kind === "onboard" ? "onboarding" : "offboarding"}
            </h2>
            <p role="status">
              {b.counts.ok} ready, {b.counts.withErrors} with errors
              {excluded.size ? `, ${excluded.size} left out` : ""}.
            </p>
            <BulkRows
              rows={b.rows}
              excluded={excluded}
              submitted={submitted}
              onToggle={(line, include) => {
                const next = new Set(excluded);
                if (include) next.delete(line);
                else next.add(line);
                setExcluded(next);
                submit.reset();
              }}
            />
            {!submitted ? (
              <div className="row submit-bar">
                <Button
                  onClick={() => submit.mutate(b)}
                  disabled={submit.isPending || blocking.length > 0 || included === 0}
                  aria-describedby="submit-why"
                >
                  Submit {included} run{included === 1 ? "" : "s"}
                </Button>
                <span id="submit-why" className={blocking.length ? "error" : "muted"}>
                  {blocking.length
                    ? `Line${blocking.length === 1 ? "" : "s"} ${blocking.join(", ")} ${blocking.length === 1 ? "has" : "have"} errors: leave ${blocking.length === 1 ? "it" : "them"} out, or fix the file and upload it again.`
                    : included === 0
                      ? "Every row is left out."
                      : "Every included row is ready."}
                </span>
              </div>
            ) : null}
            {submit.error ? <ErrorNote error={submit.error} /> : null}
          </section>
          {submitted ? (
            <>
              {awaiting > 0 && b.planHash ? (
                <section className="panel" aria-labelledby="approval">
                  <h2 id="approval">Approval</h2>
                  <p>
                    {awaiting} run{awaiting === 1 ? " waits" : "s wait"} for approval under the client's
                    policy. One approval covers the batch (plan hash{" "}
                    <span className="mono">{b.planHash.slice(0, 12)}…</span>); whoever uploaded or submitted
                    it cannot give it.
                  </p>
                  <Button onClick={() => approve.mutate(b)} disabled={approve.isPending || reject.isPending}>
                    Approve the batch
                  </Button>
                  {approve.error ? <ErrorNote error={approve.error} /> : null}
                  <Field label="Reason for rejecting (optional)">
                    <input
                      value={rejectNote}
                      maxLength={2000}
                      onChange={(e) => setRejectNote(e.target.value)}
                    />
                  </Field>
                  <Button
                    variant="danger"
                    onClick={() => reject.mutate(b)}
                    disabled={approve.isPending || reject.isPending}
                  >
                    Reject the batch
                  </Button>
                  {reject.error ? <ErrorNote error={reject.error} /> : null}
                </section>
              ) : null}
              <Progress batch={b} />
            </>
          ) : null}
        </>
      ) : null}
    </>
  );
}

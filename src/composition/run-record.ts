import type { Outcome } from "../domain/outcome.ts";
import { residualChecksIn } from "../domain/residual-access.ts";
import { getRun } from "../engine/read.ts";
import type { RecordedStep, RunRecord } from "../ports/index.ts";
import type { Sql } from "../store/sql.ts";
import { reportUrl } from "../evidence/url.ts";

function words(o: Outcome | null): Pick<RecordedStep, "detail" | "code" | "requestId"> {
  if (!o) return {};
  switch (o.kind) {
    case "succeeded":
      return {
        ...(o.detail ? { detail: o.detail } : {}),
        ...(o.requestId ? { requestId: o.requestId } : {}),
      };
    case "already-done":
      return o.detail ? { detail: o.detail } : {};
    case "skipped":
    case "blocked":
      return { detail: o.reason };
    case "waiting":
      return { detail: `waiting for ${o.for}` };
    case "failed": {
      const failedCall = o.calls?.findLast((c) => c.status >= 400);
      const requestId = o.error.vendor?.requestId ?? failedCall?.requestId;
      return {
        detail: o.error.message,
        ...(o.error.code ? { code: o.error.code } : {}),
        ...(requestId ? { requestId } : {}),
      };
    }
  }
}

/** What a verification step's outcome recorded of its re-read, whichever way it ended. */
function checksOf(o: Outcome | null): Pick<RecordedStep, "checks"> {
  const data = o?.kind === "succeeded" || o?.kind === "failed" || o?.kind === "waiting" ? o.data : undefined;
  const checks = residualChecksIn(data);
  return checks ? { checks } : {};
}

/** A run's record from the store, for the steps that report on it; no secret is in what it returns. */
export function runRecordOf(sql: Sql, publicUrl: () => string | undefined): RunRecord {
  return {
    async run(runId) {
      const run = await getRun(sql, runId);
      return {
        runId: run.id,
        kind: run.kind,
        clientId: run.clientId,
        subject: run.subject,
        requester: run.requester,
        startAt: run.startAt,
        planHash: run.planHash,
        ...(run.workflow ? { workflow: run.workflow } : {}),
        steps: run.actions.map((a) => ({
          key: a.key,
          type: a.type,
          title: a.title,
          required: a.required,
          state: a.state,
          ...(a.startedAt ? { startedAt: a.startedAt } : {}),
          ...(a.finishedAt ? { finishedAt: a.finishedAt } : {}),
          ...words(a.outcome),
          ...checksOf(a.outcome),
        })),
      };
    },
    links(runId) {
      const base = publicUrl()?.replace(/\/+$/, "");
      if (!base) return {};
      return { run: `${base}/api/runs/${encodeURIComponent(runId)}`, report: reportUrl(base, runId) };
    },
  };
}

import type { ClientConfig } from "../domain/client.ts";
import type { Outcome } from "../domain/outcome.ts";
import type { Plan, PlanFinding } from "../domain/plan.ts";
import type { RunEvent } from "../engine/events.ts";
import type { ActionRow, RunDetail, RunRow } from "../engine/read.ts";

const time = (d: Date | null | undefined) =>
  d ? new Date(d).toISOString().replace("T", " ").slice(0, 23) : "";

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Addresses a step's data says it mailed (`data.sentTo`), for any step that records them. */
function sentTo(data: Record<string, unknown> | undefined): string[] {
  const to = data?.sentTo;
  return Array.isArray(to) ? to.filter((a): a is string => typeof a === "string") : [];
}

/** The detail, and where the step's message went unless the detail already says so. */
function withRecipients(detail: string, data: Record<string, unknown> | undefined): string {
  const to = sentTo(data);
  if (!to.length || to.every((a) => detail.includes(a))) return detail;
  return [detail, `sent to ${to.join(", ")}`].filter(Boolean).join("; ");
}

export function outcomeText(o: Outcome | null): string {
  if (!o) return "";
  switch (o.kind) {
    case "succeeded":
      return withRecipients(o.detail ?? "", o.data);
    case "already-done":
      return o.detail ?? "already done";
    case "skipped":
      return o.reason;
    case "blocked":
      return o.reason;
    case "waiting":
      return withRecipients(`waiting for ${o.for}`, o.applied?.data);
    case "failed":
      return `${o.error.kind}${o.error.code ? ` ${o.error.code}` : ""}: ${o.error.message}${o.error.requestId ? ` (request ${o.error.requestId})` : ""}`;
  }
}

export function renderClients(clients: ClientConfig[]): string {
  return table([
    ["ID", "NAME", "DOMAINS", "TIME ZONE", "SYSTEMS"],
    ...clients.map((c) => [
      c.id,
      c.displayName,
      c.domains.join(","),
      c.timeZone,
      Object.entries(c.systems)
        .map(([name, s]) => (name === s.connector ? name : `${name} (${s.connector})`))
        .join(", ") || "none",
    ]),
  ]);
}

/** `text` broken into lines of at most `width`, the first prefixed by `first`, the rest by `rest`. */
export function wrapped(text: string, width: number, first = "", rest = first): string {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/)) {
    const prefix = lines.length ? rest : first;
    if (line.length > prefix.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else line += (line.length > prefix.length ? " " : "") + word;
  }
  return [...lines, line].join("\n");
}

export function renderPlan(plan: Plan, hash: string): string {
  const rows = [
    ["STEP", "ACTION", "AFTER", "TITLE"],
    ...plan.actions.map((a) => [
      a.key,
      a.type,
      a.deps.join(",") || "-",
      `${a.title}${a.required ? "" : " (optional)"}`,
    ]),
  ];
  return `${table(rows)}\nplan hash ${hash}`;
}

/** The pre-flight's findings, errors first, each with the field it is about (and its step). */
export function renderFindings(findings: PlanFinding[]): string {
  if (!findings.length) return "pre-flight: nothing to report";
  const rows = [
    ["SEVERITY", "FIELD", "FINDING"],
    ...findings.map((f) => [
      f.severity,
      f.field,
      `${f.message}${f.step && !f.field.startsWith("steps.") ? ` (step ${f.step})` : ""}`,
    ]),
  ];
  const errors = findings.filter((f) => f.severity === "error").length;
  const verdict = errors
    ? `${errors} error${errors === 1 ? "" : "s"}: a real submission would be refused`
    : "no errors: a real submission would be accepted";
  return `pre-flight\n${table(rows)}\n${verdict}`;
}

export function renderRuns(runs: RunRow[]): string {
  return table([
    ["RUN", "CLIENT", "KIND", "SUBJECT", "STATUS", "START", "CREATED"],
    ...runs.map((r) => [r.id, r.clientId, r.kind, r.subject, r.status, time(r.startAt), time(r.createdAt)]),
  ]);
}

/** The PSA ticket the run logs to: the one the request named, or the one its ticket step opened. */
function ticketOf(run: RunDetail): string | undefined {
  const step = run.actions.find((a) => a.type === "psa.open-ticket")?.outcome;
  const opened = step?.kind === "succeeded" ? step.data?.number : undefined;
  return typeof opened === "string" ? opened : (run.ticket ?? undefined);
}

export function renderRun(run: RunDetail): string {
  const head = [
    `run      ${run.id}`,
    `client   ${run.clientId}   ${run.kind} ${run.subject}`,
    `status   ${run.status}${run.cancelReason ? ` (${run.cancelReason})` : ""}`,
    `start    ${time(run.startAt)}   requested by ${run.requester}${ticketOf(run) ? `, ticket #${ticketOf(run)}` : ""}`,
    `plan     ${run.planHash}${run.workflow ? `   workflow ${run.workflow}` : ""}`,
  ].join("\n");
  const rows = [
    ["STEP", "STATE", "TRIES", "STARTED", "FINISHED", "OUTCOME"],
    ...run.actions.map((a: ActionRow) => [
      a.key,
      a.state,
      String(a.attempts),
      time(a.startedAt),
      time(a.finishedAt),
      outcomeText(a.outcome),
    ]),
  ];
  return `${head}\n\n${table(rows)}`;
}

const marks: Record<string, string> = {
  "action.succeeded": "✓",
  "action.already-done": "=",
  "action.skipped": "-",
  "action.blocked": "-",
  "action.cancelled": "-",
  "action.failed": "✗",
  "action.waiting": "…",
  "action.retry-scheduled": "↻",
  "action.started": "▶",
  "action.applying": "▶",
};

export function renderEvent(e: RunEvent): string {
  const mark = marks[e.type] ?? "•";
  return `${time(e.at)}  ${mark} ${(e.actionKey ?? "run").padEnd(22)} ${e.message ?? e.type}${e.requestId ? `  [request ${e.requestId}]` : ""}`;
}

/** The machine-readable form of a run: what scripts and the PSA integration read. */
export function runJson(run: RunDetail): Record<string, unknown> {
  return {
    runId: run.id,
    client: run.clientId,
    kind: run.kind,
    subject: run.subject,
    status: run.status,
    planHash: run.planHash,
    workflow: run.workflow,
    startAt: run.startAt,
    finishedAt: run.finishedAt,
    actions: run.actions.map((a) => ({
      key: a.key,
      type: a.type,
      title: a.title,
      required: a.required,
      state: a.state,
      attempts: a.attempts,
      outcome: a.outcome,
      startedAt: a.startedAt,
      finishedAt: a.finishedAt,
    })),
  };
}

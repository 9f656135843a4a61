import { DateTime } from "luxon";
import type { ClientConfig } from "../domain/client.ts";
import type { Outcome } from "../domain/outcome.ts";
import type { Plan, PlanFinding } from "../domain/plan.ts";
import type { RunEvent } from "../engine/events.ts";
import type { ActionRow, RunDetail, RunRow } from "../engine/read.ts";
import { duration } from "../evidence/index.ts";

/** The widest a table is made when asked to fit: a terminal window's usual width. */
export const screenWidth = 100;

/**
 * An instant on `zone`'s wall clock, without the zone's name (a table names it once): people read the
 * times of a client's run where the client is. An unknown zone falls back to UTC rather than failing.
 */
export function localTime(d: Date | string | null | undefined, zone: string, seconds = false): string {
  if (!d) return "";
  const at = DateTime.fromJSDate(new Date(d)).setZone(zone);
  const dt = at.isValid ? at : DateTime.fromJSDate(new Date(d)).setZone("UTC");
  return dt.toFormat(seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm");
}

/** The zone localTime shows times in: `zone`, or UTC when luxon does not know it. */
export const zoneName = (zone: string): string => (DateTime.local().setZone(zone).isValid ? zone : "UTC");

/** An instant on `zone`'s wall clock with the zone named: "2026-12-03 09:00 Europe/Berlin". */
export function zonedTime(d: Date | string | null | undefined, zone: string, seconds = false): string {
  return d ? `${localTime(d, zone, seconds)} ${zoneName(zone)}` : "";
}

/**
 * Columns two spaces apart. With `width`, the widest columns are narrowed until the table fits, and their
 * cells wrap at spaces and after , . : @ / - (a piece longer than its column is cut across lines, never lost).
 */
export function table(rows: string[][], opts: { width?: number } = {}): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  if (opts.width !== undefined) fitWidths(rows, widths, opts.width);
  return rows
    .flatMap((r) => {
      const cells = r.map((c, i) => cellLines(c, widths[i] ?? c.length));
      const height = Math.max(1, ...cells.map((c) => c.length));
      return Array.from({ length: height }, (_, line) =>
        cells
          .map((c, i) => (c[line] ?? "").padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd(),
      );
    })
    .join("\n");
}

/** Narrows `widths` in place, widest first: first no narrower than a column's longest word, then further. */
function fitWidths(rows: string[][], widths: number[], width: number): void {
  const total = () => widths.reduce((a, w) => a + w, 0) + 2 * Math.max(0, widths.length - 1);
  const header = rows[0] ?? [];
  const longestWord = widths.map((_, i) =>
    Math.max(...rows.slice(1).flatMap((r) => pieces(r[i] ?? "").map((p) => p.text.length)), 0),
  );
  for (const floor of [
    (i: number) => Math.max((header[i] ?? "").length, longestWord[i] ?? 0),
    (i: number) => Math.max((header[i] ?? "").length, 6),
  ]) {
    while (total() > width) {
      let widest = -1;
      for (let i = 0; i < widths.length; i++)
        if (widths[i]! > floor(i) && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
      if (widest < 0) break;
      widths[widest]!--;
    }
  }
}

/** A cell's words (split at spaces and after commas), each with what joins it to the one before. */
function pieces(text: string, joints = /(?<=,)(?=.)/): { text: string; glue: string }[] {
  return text
    .split(" ")
    .flatMap((word, w) =>
      word.split(joints).map((p, i) => ({ text: p, glue: i > 0 ? "" : w > 0 ? " " : "" })),
    )
    .filter((p) => p.text);
}

// Where an identifier too long for its column breaks: "identity.issue-" / "temporary-access-pass".
const identifierJoints = /(?<=[.:@/-])(?=.)/;

function cellLines(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let line = "";
  const place = (piece: string, glue: string) => {
    if (line && line.length + glue.length + piece.length <= width) {
      line += glue + piece;
      return;
    }
    if (line) lines.push(line);
    line = piece;
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = line.slice(width);
    }
  };
  for (const { text: word, glue } of pieces(text)) {
    const fits = (line ? line.length + glue.length : 0) + word.length <= width;
    if (fits || word.length <= width) place(word, glue);
    // Only a word no line could hold is broken at its joints, the rest of the line used first.
    else pieces(word, identifierJoints).forEach((p, i) => place(p.text, i === 0 ? glue : ""));
  }
  if (line) lines.push(line);
  return lines;
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

/** When the request starts, on the client's clock: "now", or the instant with the client's zone named. */
export function startText(request: { startNow?: boolean; startAt?: string; timeZone?: string }): string {
  if (request.startNow) return "now";
  return request.startAt ? zonedTime(request.startAt, request.timeZone ?? "UTC") : "";
}

/** A step's dependencies; a long list (a step after every group) is summed up: --json has them all. */
function after(deps: string[], shown = 3): string {
  if (!deps.length) return "-";
  const more = deps.length - shown;
  return more > 1 ? `${deps.slice(0, shown).join(",")} +${more} more` : deps.join(",");
}

export function renderPlan(plan: Plan, hash: string): string {
  const rows = [
    ["STEP", "ACTION", "AFTER", "TITLE"],
    ...plan.actions.map((a) => [
      a.key,
      a.type,
      after(a.deps),
      `${a.title}${a.required ? "" : " (optional)"}`,
    ]),
  ];
  return `${table(rows, { width: screenWidth })}\nplan hash ${hash}`;
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
  return `pre-flight\n${table(rows, { width: screenWidth })}\n${verdict}`;
}

/** Runs, their times on each client's clock (`zoneOf` its client's time zone), the zone named per row. */
export function renderRuns(runs: RunRow[], zoneOf: (clientId: string) => string = () => "UTC"): string {
  return table([
    ["RUN ID", "CLIENT", "KIND", "SUBJECT", "STATUS", "START", "CREATED", "TIME ZONE"],
    ...runs.map((r) => {
      const zone = zoneOf(r.clientId);
      return [
        r.id,
        r.clientId,
        r.kind,
        r.subject,
        r.status,
        localTime(r.startAt, zone),
        localTime(r.createdAt, zone),
        zoneName(zone),
      ];
    }),
  ]);
}

/** The PSA ticket the run logs to: the one the request named, or the one its ticket step opened. */
function ticketOf(run: RunDetail): string | undefined {
  const step = run.actions.find((a) => a.type === "psa.open-ticket")?.outcome;
  const opened = step?.kind === "succeeded" ? step.data?.number : undefined;
  return typeof opened === "string" ? opened : (run.ticket ?? undefined);
}

/** A run, its times on its client's clock (`zone`, the client's time zone), the zone named. */
export function renderRun(run: RunDetail, zone = "UTC"): string {
  const head = [
    `run id   ${run.id}`,
    `client   ${run.clientId}   ${run.kind} ${run.subject}`,
    `status   ${run.status}${run.cancelReason ? ` (${run.cancelReason})` : ""}`,
    `start    ${zonedTime(run.startAt, zone)}   requested by ${run.requester}${ticketOf(run) ? `, ticket #${ticketOf(run)}` : ""}`,
    `plan     ${run.planHash}${run.workflow ? `   workflow ${run.workflow}` : ""}`,
  ].join("\n");
  // A step's start on the run's own day is its time alone: the head has the date.
  const day = localTime(run.startAt, zone).slice(0, 10);
  const started = (d: Date | string | null) => {
    const t = localTime(d, zone, true);
    return t.startsWith(`${day} `) ? t.slice(11) : t;
  };
  const took = (a: ActionRow) =>
    a.startedAt && a.finishedAt
      ? // A no-break space: "1.89 s" is one word to the table, never wrapped into two lines.
        duration(new Date(a.finishedAt).getTime() - new Date(a.startedAt).getTime()).replaceAll(" ", "\u00a0")
      : "";
  const rows = [
    // The steps' times are on the clock the head names (the start line's zone).
    ["STEP", "STATE", "TRIES", "STARTED", "TOOK", "OUTCOME"],
    ...run.actions.map((a: ActionRow) => [
      a.key,
      a.state,
      String(a.attempts),
      started(a.startedAt),
      took(a),
      outcomeText(a.outcome),
    ]),
  ];
  // The outcome (an error's message, its request id) wraps in its column instead of the terminal's.
  return `${head}\n\n${table(rows, { width: screenWidth })}`;
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

/** One event of a live timeline, at its time on the client's clock (the follower names the zone once). */
export function renderEvent(e: RunEvent, zone = "UTC"): string {
  const mark = marks[e.type] ?? "•";
  return `${localTime(e.at, zone, true)}  ${mark} ${(e.actionKey ?? "run").padEnd(22)} ${e.message ?? e.type}${e.requestId ? `  [request ${e.requestId}]` : ""}`;
}

/**
 * The machine-readable form of a run in a list: the keys of runJson, the id as `runId` as the API's
 * submissions and events name it (its run list and detail call it `id`, kept there for their callers).
 */
export function runRowJson(run: RunRow): Record<string, unknown> {
  return {
    runId: run.id,
    client: run.clientId,
    kind: run.kind,
    subject: run.subject,
    status: run.status,
    planHash: run.planHash,
    workflow: run.workflow,
    startAt: run.startAt,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    cancelReason: run.cancelReason,
    requester: run.requester,
    ticket: run.ticket,
  };
}

/** The machine-readable form of a run: what scripts and the PSA integration read. */
export function runJson(run: RunDetail): Record<string, unknown> {
  return {
    ...runRowJson(run),
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

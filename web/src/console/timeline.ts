import type { paths } from "../api/schema";
import { duration, sinceStart } from "./time";

export type RunDetail = paths["/api/runs/{id}"]["get"]["responses"][200]["content"]["application/json"];
export type RunAction = RunDetail["actions"][number];
export type TimelineEvent = RunDetail["events"][number];

export type Tone = "ok" | "info" | "warn" | "bad" | "muted";

/** A failure as a person reads it: ours in words, the vendor's code and message as sent. */
export interface FailureView {
  kind: string;
  message: string;
  /** Our catalogued code (NOT_CONFIGURED, USER_NOT_FOUND, …). */
  code: string | null;
  /** The vendor API that answered, in its product name ("Microsoft Graph"). */
  vendor: string | null;
  vendorStatus: number | null;
  vendorCode: string | null;
  requestId: string | null;
}

export interface TimelineLine {
  id: number;
  at: string;
  /** m:ss from the run's start, as the ticket log writes it. */
  elapsed: string;
  actionKey: string | null;
  tone: Tone;
  text: string;
  requestId: string | null;
  failure: FailureView | null;
}

export interface StepView {
  key: string;
  title: string;
  type: string;
  state: RunAction["state"];
  duration: string;
  attempts: number;
  requestId: string | null;
  /** Why it was skipped or blocked, what it waits for, or what it did. */
  note: string | null;
  failure: FailureView | null;
}

// The connectors' API names (VendorDetail.api, VendorCall.api) in the words on the vendor's own console.
const vendorNames: Record<string, string> = {
  graph: "Microsoft Graph",
  exchange: "Exchange Online",
  halopsa: "HaloPSA",
  connectwise: "ConnectWise",
  autotask: "Autotask",
};
const vendorName = (api: unknown) => (typeof api === "string" ? (vendorNames[api] ?? api) : null);

const record = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** The failure an outcome (or a failed event's detail) carries; null when it is not a failure. */
export function failureOf(outcome: unknown): FailureView | null {
  const o = record(outcome);
  if (o.kind !== "failed") return null;
  const error = record(o.error);
  const vendor = record(error.vendor);
  return {
    kind: text(error.kind) ?? "fatal",
    message: text(error.message) ?? "failed",
    code: text(error.code),
    vendor: vendorName(vendor.api),
    vendorStatus: typeof vendor.status === "number" ? vendor.status : null,
    vendorCode: text(vendor.code),
    requestId: text(error.requestId) ?? text(vendor.requestId) ?? lastCallRequestId(o),
  };
}

function lastCallRequestId(outcome: Record<string, unknown>): string | null {
  const calls = Array.isArray(outcome.calls) ? outcome.calls : [];
  for (let i = calls.length - 1; i >= 0; i--) {
    const id = text(record(calls[i]).requestId);
    if (id) return id;
  }
  return null;
}

/** The vendor's request id for what a step did: the change's own, else the last call that had one. */
export function requestIdOf(outcome: unknown): string | null {
  const o = record(outcome);
  if (o.kind === "failed") return failureOf(o)?.requestId ?? null;
  return text(o.requestId) ?? lastCallRequestId(o);
}

/** What an outcome says, by its kind; `title` names the step where the outcome has no words. */
function outcomeWords(outcome: unknown, title: string): { tone: Tone; text: string } | null {
  const o = record(outcome);
  switch (o.kind) {
    case "succeeded":
      return { tone: "ok", text: capitalise(text(o.detail) ?? `${title}: done`) };
    case "already-done":
      return {
        tone: "ok",
        text: `${title}: already done${text(o.detail) ? ` (${text(o.detail)})` : ", nothing changed"}`,
      };
    case "skipped":
      return { tone: "muted", text: `${title}: skipped, ${text(o.reason) ?? "no reason given"}` };
    case "blocked":
      // The engine's reason reads "not run: <step> failed".
      return { tone: "muted", text: `${title}: ${text(o.reason) ?? "not run: a step before it failed"}` };
    case "waiting":
      return { tone: "warn", text: `${title}: waiting for ${text(o.for) ?? "a condition"}` };
    case "failed": {
      const f = failureOf(o);
      return { tone: "bad", text: `${title}: failed, ${f?.message ?? "no message"}` };
    }
    default:
      return null;
  }
}

// The run's own statuses worth a line: "running" follows from the line before it (created, approved).
const statusTone: Record<string, Tone> = {
  "awaiting-approval": "warn",
  waiting: "warn",
  completed: "ok",
  "completed-with-warnings": "warn",
  failed: "bad",
  cancelled: "muted",
};
const statusWords: Record<string, string> = {
  "awaiting-approval": "Waiting for approval",
  waiting: "Waiting",
  completed: "Completed",
  "completed-with-warnings": "Completed with warnings",
  failed: "Failed",
  cancelled: "Cancelled",
};

const actionOutcomeTypes = new Set([
  "action.succeeded",
  "action.already-done",
  "action.skipped",
  "action.failed",
  "action.blocked",
  "action.waiting",
  "action.cancelled",
]);

/** The run's origin for elapsed times: its start, or its creation when it was asked to start at once. */
export function originOf(run: Pick<RunDetail, "createdAt" | "startAt">): string {
  return new Date(run.startAt) > new Date(run.createdAt) ? run.startAt : run.createdAt;
}

/**
 * The timeline as a person follows it: each step's outcome (done, already done, skipped and why, waiting
 * on what, failed with the vendor's words), the run's requests, approvals and end. Attempts starting and
 * the intent lines before a change are left out, and a wait polled again for the same thing is one line.
 */
export function timelineOf(
  run: Pick<RunDetail, "createdAt" | "startAt" | "actions">,
  events: readonly TimelineEvent[],
): TimelineLine[] {
  const origin = originOf(run);
  const titles = new Map(run.actions.map((a) => [a.key, a.title]));
  const gates = new Set(run.actions.filter((a) => a.type === "engine.gate").map((a) => a.key));
  const lastWait = new Map<string, string>();
  const lines: TimelineLine[] = [];
  for (const e of events) {
    // A gate waiting or passed says again what its approval (or task) events said: one line is enough.
    if (
      e.actionKey &&
      gates.has(e.actionKey) &&
      (e.type === "action.waiting" || e.type === "action.succeeded")
    )
      continue;
    const line = lineOf(e, titles, lastWait);
    if (line)
      lines.push({
        id: e.id,
        at: e.at,
        elapsed: sinceStart(origin, e.at),
        actionKey: e.actionKey,
        requestId: null,
        failure: null,
        ...line,
      });
  }
  return lines;
}

function lineOf(
  e: TimelineEvent,
  titles: Map<string, string>,
  lastWait: Map<string, string>,
): (Partial<TimelineLine> & { tone: Tone; text: string }) | null {
  const title = (e.actionKey && titles.get(e.actionKey)) || e.actionKey || "A step";
  if (e.type.startsWith("action.")) {
    if (!actionOutcomeTypes.has(e.type) || !e.actionKey) return null;
    if (e.type === "action.waiting") {
      const waitingFor = text(record(e.detail).for) ?? e.message ?? "";
      if (lastWait.get(e.actionKey) === waitingFor) return null;
      lastWait.set(e.actionKey, waitingFor);
    } else lastWait.delete(e.actionKey);
    // Blocked and cancelled steps are recorded without an outcome in the event: their message is the reason.
    const detail =
      e.detail ??
      (e.type === "action.blocked"
        ? { kind: "blocked", reason: e.message }
        : e.type === "action.cancelled"
          ? { kind: "skipped", reason: e.message }
          : null);
    const words = outcomeWords(detail, title);
    if (!words) return null;
    return {
      ...words,
      requestId: e.requestId ?? requestIdOf(detail),
      failure: failureOf(detail),
    };
  }
  if (e.type === "run.status") {
    const status = e.outcome ?? "";
    const tone = statusTone[status];
    return tone ? { tone, text: statusWords[status] ?? status } : null;
  }
  if (e.type.startsWith("approval.") || e.type.startsWith("task.")) {
    const tone: Tone = e.type.endsWith(".rejected")
      ? "bad"
      : e.type.endsWith(".approved") || e.type.endsWith(".done")
        ? "ok"
        : "info";
    return { tone, text: capitalise(e.message ?? e.type) };
  }
  if (e.type === "run.cancel") return { tone: "muted", text: capitalise(e.message ?? "cancelled") };
  if (!e.message) return null;
  return { tone: "info", text: capitalise(e.message) };
}

/** Each step with what a technician needs when it went wrong: state, time, attempts, request id, error. */
export function stepsOf(actions: readonly RunAction[]): StepView[] {
  return actions.map((a) => {
    const o = record(a.outcome);
    const note =
      o.kind === "skipped" || o.kind === "blocked"
        ? text(o.reason)
        : o.kind === "waiting"
          ? `waiting for ${text(o.for) ?? "a condition"}`
          : text(o.detail);
    return {
      key: a.key,
      title: a.title,
      type: a.type,
      state: a.state,
      duration: duration(a.startedAt, a.finishedAt),
      attempts: a.attempts,
      requestId: requestIdOf(a.outcome),
      note,
      failure: failureOf(a.outcome),
    };
  });
}

export interface Finding {
  field: string;
  message: string;
  severity: string;
}

/** What planning found (warnings and notes; an error would have refused the request), from run.created. */
export function findingsOf(events: readonly TimelineEvent[]): Finding[] {
  const created = events.find((e) => e.type === "run.created");
  const findings = record(created?.detail).findings;
  if (!Array.isArray(findings)) return [];
  return findings.flatMap((f) => {
    const r = record(f);
    const message = text(r.message);
    return message ? [{ field: text(r.field) ?? "", message, severity: text(r.severity) ?? "info" }] : [];
  });
}

export interface ApprovalInfo {
  /** Who was asked and by when, as the engine recorded it. */
  asked: string | null;
  askedAt: string | null;
  /** The decisions, in order. */
  decisions: { at: string; text: string; approved: boolean }[];
  /** Whether the run waits for a decision now. */
  open: boolean;
}

/** The run's approval, when it has one: who was asked, and who decided. */
export function approvalOf(
  run: Pick<RunDetail, "status" | "actions">,
  events: readonly TimelineEvent[],
): ApprovalInfo | null {
  const asked = events.filter((e) => e.type === "approval.requested").at(-1);
  const gate = run.actions.find((a) => a.type === "engine.gate" && a.key === "approval");
  if (!asked && !gate) return null;
  return {
    asked: asked?.message ?? null,
    askedAt: asked?.at ?? null,
    decisions: events
      .filter((e) => e.type === "approval.approved" || e.type === "approval.rejected")
      .map((e) => ({
        at: e.at,
        text: capitalise(e.message ?? e.type),
        approved: e.type === "approval.approved",
      })),
    open: run.status === "awaiting-approval",
  };
}

/** The PSA ticket the run logs to: its number and, where the PSA gives one, its address. */
export function ticketOf(
  run: Pick<RunDetail, "ticket" | "actions">,
): { number: string; url: string | null } | null {
  const opened = run.actions.find((a) => a.type === "psa.open-ticket");
  const data = record(record(opened?.outcome).data);
  const number = text(data.number) ?? run.ticket;
  if (!number) return null;
  const url = text(data.url);
  // Only a web address is a link: a PSA's value is shown, never followed as a script.
  return { number, url: url && /^https?:\/\//i.test(url) ? url : null };
}

export const finished = (status: RunDetail["status"]) =>
  status === "completed" ||
  status === "completed-with-warnings" ||
  status === "failed" ||
  status === "cancelled";

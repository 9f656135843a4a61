import type { RunReport } from "./report/schema.ts";

/** Wording and formats both renderings share, so the HTML page and the PDF say the same things. */

export const utc = (at: string | null): string =>
  at ? `${at.replace("T", " ").replace(/\.\d+Z$|Z$/, "")} UTC` : "-";

/**
 * An instant as a time of day, to the millisecond, when it falls on `day` (the run's start date, said
 * once above the table): a column of steps seconds apart reads as times, not as one repeated date.
 */
export function clock(at: string | null, day: string): string {
  if (!at) return "-";
  const text = at.replace("T", " ").replace(/Z$/, "");
  return text.startsWith(`${day} `) ? text.slice(day.length + 1) : text.replace(/\.\d+$/, "");
}

export const dayOf = (at: string): string => at.slice(0, 10);

/** "+1.25 s", "+3 min 4 s", "+2 h 5 min" from the run's start; "-" when it did not happen. */
export function offset(ms: number | null): string {
  if (ms === null) return "-";
  return `${ms < 0 ? "-" : "+"}${duration(Math.abs(ms))}`;
}

export function duration(ms: number | null): string {
  if (ms === null) return "-";
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export const kindTitle = (r: RunReport) => (r.run.kind === "offboard" ? "Offboarding" : "Onboarding");

export const reportTitle = (r: RunReport) => `${kindTitle(r)} of ${r.run.subject}`;

/** A request field's value as text: lists joined, an object's `key: value` pairs one per line. */
export function fieldValue(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return "-";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.length ? v.map((x) => fieldValue(x, depth + 1)).join(", ") : "none";
  if (typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>);
    if (!entries.length) return "none";
    return entries.map(([k, x]) => `${k}: ${fieldValue(x, depth + 1)}`).join(depth ? "; " : "\n");
  }
  return String(v);
}

export const verificationWords: Record<RunReport["verification"]["result"], string> = {
  verified: "Verified: no access remains",
  "not-verified": "NOT verified: access remains or could not be checked",
  "not-run": "Not run",
  "none-planned": "No final verification step (each step re-read its own change)",
};

export function approvalLine(r: RunReport): string {
  const approved = r.approvals.filter((a) => a.decision === "approve");
  if (!approved.length)
    return r.approvals.some((a) => a.decision === "reject") ? "rejected" : "no approval recorded";
  return approved.map((a) => `${a.by} at ${utc(a.at)}`).join("; ");
}

/** How many vendor calls a step made and how many request ids they left, under its change's id. */
export function callsLine(a: RunReport["actions"][number]): string | undefined {
  if (!a.calls.length) return undefined;
  const ids = a.requestIds.length;
  return `${a.calls.length} call${a.calls.length === 1 ? "" : "s"}, ${ids} request id${ids === 1 ? "" : "s"}`;
}

export function errorLine(a: RunReport["actions"][number]): string | undefined {
  const e = a.error;
  if (!e) return undefined;
  const codes = [e.code, e.vendorCode && `vendor ${e.vendorCode}`, e.vendorStatus && `HTTP ${e.vendorStatus}`]
    .filter(Boolean)
    .join(", ");
  return `${e.kind}${codes ? ` (${codes})` : ""}: ${e.message}`;
}

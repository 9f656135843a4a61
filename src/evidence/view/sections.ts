import {
  approvalLine,
  callsLine,
  clock,
  dayOf,
  duration,
  errorLine,
  fieldValue,
  offset,
  reportTitle,
  utc,
  verificationWords,
} from "../format.ts";
import { gateType } from "../../domain/plan.ts";
import type { ReportAction, ReportResidualCheck, ReportSku, RunReport } from "../report/schema.ts";
import { cell, type Block, type Cell, type Note, type ReportView, type Section, type Tone } from "./model.ts";

const good = new Set(["succeeded", "completed", "verified", "approve", "clean"]);
const bad = new Set(["failed", "blocked", "cancelled", "not-verified", "reject", "found", "error"]);
const warn = new Set([
  "skipped",
  "already-done",
  "completed-with-warnings",
  "waiting",
  "retry",
  "not-run",
  "not-checked",
  "warning",
]);

export function toneOf(state: string): Tone | undefined {
  if (good.has(state)) return "good";
  if (bad.has(state)) return "bad";
  if (warn.has(state)) return "warn";
  return undefined;
}

const badge = (state: string, text = state): Cell => {
  const tone = toneOf(state);
  return cell(text, { badge: true, ...(tone ? { tone } : {}) });
};
const mono = (text: string, notes?: Note[]): Cell => cell(text, { mono: true, ...(notes ? { notes } : {}) });
const empty = (text: string): Block => ({ kind: "empty", text });

/** The PSA ticket the run logged to: the one its ticket step found or opened, beside the one asked for. */
function ticketLine(r: RunReport): string {
  const step = r.actions.find((a) => a.type === "psa.open-ticket" && a.outcome === "succeeded");
  const used = typeof step?.data.number === "string" ? step.data.number : undefined;
  const named = r.request.ticket;
  if (!used) return named ? `#${named} (named by the request)` : "none";
  if (used === named) return `#${used} (named by the request)`;
  return `#${used} (opened by the run; ${named ? `the request named #${named}` : "the request named none"})`;
}

const skuNames = (skus: ReportSku[]) => skus.map((s) => s.skuPartNumber).join(", ") || "none";

function checksLine(v: RunReport["verification"]): string | undefined {
  if (!v.checks) return undefined;
  const count = (result: ReportResidualCheck["result"]) =>
    v.checks!.filter((c) => c.result === result).length;
  const parts = [
    `${count("clean")} clean`,
    count("found") ? `${count("found")} found access remaining` : "",
    count("not-checked") ? `${count("not-checked")} not checked` : "",
  ].filter(Boolean);
  return `${v.checks.length} check${v.checks.length === 1 ? "" : "s"}: ${parts.join(", ")}`;
}

function summary(r: RunReport): Section {
  const v = r.verification;
  const verificationNote = checksLine(v);
  const rows: { label: string; value: Cell }[] = [
    { label: "Status", value: badge(r.run.status) },
    { label: "Client", value: cell(r.run.clientId) },
    { label: "Subject", value: cell(r.run.subject) },
    { label: "Requested by", value: cell(r.request.requester) },
    { label: "Submitted", value: cell(utc(r.request.submittedAt)) },
    { label: "PSA ticket", value: cell(ticketLine(r)) },
    {
      label: "Approved by",
      value: cell(
        r.approvals.length || r.plan.steps.some((s) => s.type === gateType)
          ? approvalLine(r)
          : "none needed (the plan has no approval step)",
      ),
    },
    { label: "Start", value: cell(utc(r.run.startAt)) },
    { label: "Finished", value: cell(utc(r.run.finishedAt)) },
    { label: "Elapsed", value: cell(duration(r.run.elapsedMs)) },
    {
      label: "Workflow",
      value: cell(
        `${r.plan.workflow ?? "not recorded"}${r.plan.extends ? ` (extends ${r.plan.extends})` : ""}`,
      ),
    },
    {
      label: "Plan hash",
      value: mono(r.plan.hash, [
        r.plan.hashMatches
          ? { text: "matches the stored plan", tone: "muted" }
          : { text: "does NOT match the stored plan", tone: "bad" },
      ]),
    },
    {
      label: "Verification",
      value: cell(verificationWords[v.result], {
        bold: true,
        ...(toneOf(v.result) ? { tone: toneOf(v.result)! } : {}),
        ...(verificationNote ? { notes: [{ text: verificationNote, tone: "muted" as const }] } : {}),
      }),
    },
    ...(r.run.kind === "offboard"
      ? [{ label: "Licenses recovered", value: cell(skuNames(r.billing.licensesRecovered), { bold: true }) }]
      : [{ label: "Licenses assigned", value: cell(skuNames(r.billing.licensesAssigned), { bold: true }) }]),
    ...(r.run.cancelReason ? [{ label: "Cancelled", value: cell(r.run.cancelReason, { tone: "bad" }) }] : []),
  ];
  return { title: "Summary", blocks: [{ kind: "pairs", rows }] };
}

function request(r: RunReport): Section {
  const rows = Object.entries(r.request.fields).map(([k, v]) => [mono(k), cell(fieldValue(v))]);
  return {
    title: "Request",
    blocks: [
      {
        kind: "text",
        text: `Submitted ${utc(r.request.submittedAt)} by ${r.request.requester}; the fields as validated, secrets left out.`,
        note: true,
      },
      rows.length
        ? {
            kind: "table",
            columns: [
              { header: "Field", width: 1 },
              { header: "Value", width: 4 },
            ],
            rows,
          }
        : empty("No request fields recorded."),
    ],
  };
}

function approvals(r: RunReport): Section {
  if (!r.approvals.length) return { title: "Approval", blocks: [empty("This run needed no approval.")] };
  return {
    title: "Approval",
    blocks: [
      {
        kind: "table",
        columns: [
          { header: "Gate", width: 1 },
          { header: "Decision", width: 1 },
          { header: "By", width: 2 },
          { header: "When", width: 2.3 },
          { header: "Plan hash approved", width: 4.6 },
          { header: "Note", width: 1.6 },
        ],
        rows: r.approvals.map((a) => [
          mono(a.gate),
          badge(a.decision),
          cell(a.by),
          cell(utc(a.at)),
          mono(a.planHash ?? "-", a.matchesPlan ? undefined : [{ text: "not this run's plan", tone: "bad" }]),
          cell(a.note ?? ""),
        ]),
      },
    ],
  };
}

function plan(r: RunReport): Section {
  const findings: Block = r.plan.findings.length
    ? {
        kind: "table",
        columns: [
          { header: "Severity", width: 1 },
          { header: "Field", width: 2 },
          { header: "Finding", width: 7 },
        ],
        rows: r.plan.findings.map((f) => [badge(f.severity), mono(f.field), cell(f.message)]),
      }
    : empty("The pre-flight reads found nothing to report.");
  return {
    title: "Plan",
    blocks: [
      {
        kind: "text",
        text: `Planned with workflow ${r.plan.workflow ?? "(not recorded)"}${r.plan.extends ? `, which extends ${r.plan.extends}` : ""}; plan hash ${r.plan.hash}${r.plan.hashMatches ? ", which the stored plan still hashes to" : ", which the stored plan NO LONGER hashes to"}.`,
        note: true,
        ...(r.plan.hashMatches ? {} : { tone: "bad" as const }),
      },
      {
        kind: "table",
        columns: [
          { header: "#", width: 0.4, align: "right" },
          { header: "Step", width: 4 },
          { header: "Action", width: 3, mono: true },
          { header: "After", width: 4 },
          { header: "Required", width: 1 },
        ],
        rows: r.plan.steps.map((s, i) => [
          cell(String(i + 1)),
          cell(s.title, { notes: [{ text: s.key, mono: true, tone: "muted" }] }),
          cell(s.type),
          cell(s.deps.join(", ") || "-"),
          cell(s.required ? "yes" : "optional"),
        ]),
      },
      { kind: "subheading", text: "Pre-flight findings" },
      findings,
    ],
  };
}

function outcomeCell(a: ReportAction, day: string): Cell {
  const err = errorLine(a);
  const notes: Note[] = [
    ...(err ? [{ text: err, tone: "bad" as const }] : []),
    ...(a.blockedBy.length ? [{ text: `blocked by ${a.blockedBy.join(", ")}`, tone: "muted" as const }] : []),
    // One attempt is the timeline's own row; more are listed, each as it ended.
    ...(a.attemptHistory.length > 1
      ? a.attemptHistory.map((t) => ({
          text: `attempt ${t.attempt} ${clock(t.startedAt, day)}: ${t.outcome}${t.errorCode ? ` (${t.errorCode})` : ""}${t.inDoubt ? ", after an interrupted attempt" : ""}`,
          tone: "muted" as const,
        }))
      : []),
  ];
  return cell(a.summary, notes.length ? { notes } : {});
}

function timeline(r: RunReport): Section {
  const day = dayOf(r.run.startAt);
  const when = (at: string | null, ms: number | null): Cell =>
    at ? cell(clock(at, day), { notes: [{ text: offset(ms), tone: "muted" }] }) : cell("-");
  return {
    title: "Timeline",
    blocks: [
      {
        kind: "text",
        text: `Times in UTC on ${day} unless dated; under each, the time since the run's start (${utc(r.run.startAt)}).`,
        note: true,
      },
      {
        kind: "table",
        columns: [
          { header: "Step", width: 3.4 },
          { header: "State", width: 1.4 },
          { header: "Started", width: 1.6 },
          { header: "Applied", width: 1.6 },
          { header: "Finished", width: 1.6 },
          { header: "Att.", width: 0.6, align: "right" },
          { header: "Outcome", width: 4.2 },
          { header: "Vendor request id", width: 3.4 },
        ],
        rows: r.actions.map((a) => {
          const calls = callsLine(a);
          // A step whose change left no id still names the ids its reads were given.
          const others = a.requestId ? [] : a.requestIds.slice(0, 2);
          const notes: Note[] = [
            ...others.map((id) => ({ text: id, mono: true, tone: "muted" as const })),
            ...(calls ? [{ text: calls, tone: "muted" as const }] : []),
          ];
          return [
            cell(a.title, { notes: [{ text: `${a.key} · ${a.type}`, mono: true, tone: "muted" }] }),
            badge(a.state),
            when(a.startedAt, a.elapsed.started),
            when(a.appliedAt, a.elapsed.applied),
            when(a.finishedAt, a.elapsed.finished),
            cell(String(a.attempts)),
            outcomeCell(a, day),
            a.requestId
              ? mono(a.requestId, notes)
              : cell(others.length ? "none for the change; its other calls:" : "-", {
                  tone: "muted",
                  notes,
                }),
          ];
        }),
        dense: true,
      },
    ],
  };
}

function changes(r: RunReport): Section {
  if (!r.beforeState.length)
    return { title: "Before and after", blocks: [empty("No step recorded a change to an existing state.")] };
  return {
    title: "Before and after",
    blocks: [
      {
        kind: "table",
        columns: [
          { header: "What", width: 1.3 },
          { header: "Step", width: 1.5 },
          { header: "Before", width: 4 },
          { header: "After", width: 2.5 },
        ],
        rows: r.beforeState.map((c) => [
          cell(c.what, { bold: true }),
          mono(c.step),
          cell(c.before),
          cell(c.after),
        ]),
      },
    ],
  };
}

const resultWords: Record<ReportResidualCheck["result"], string> = {
  clean: "clean",
  found: "found",
  "not-checked": "not checked",
};

function checkRow(c: ReportResidualCheck, titles: Map<string, string>): Cell[] {
  const found =
    c.result === "found"
      ? cell(c.findings.map((f) => f.found).join("\n"), {
          tone: "bad",
          ...(c.findings.some((f) => f.settled)
            ? { notes: [{ text: "will not change by waiting", tone: "muted" as const }] }
            : {}),
        })
      : c.result === "not-checked"
        ? cell(`not looked at: ${c.why}`, { tone: "warn" })
        : cell("nothing left", { tone: "muted" });
  return [
    cell(c.what, { bold: true }),
    cell(titles.get(c.step) ?? c.step, { notes: [{ text: c.step, mono: true, tone: "muted" }] }),
    badge(c.result, resultWords[c.result]),
    found,
  ];
}

function verification(r: RunReport): Section {
  const v = r.verification;
  const blocks: Block[] = [
    { kind: "verdict", text: verificationWords[v.result], tone: toneOf(v.result) ?? "muted" },
  ];
  if (v.step)
    blocks.push({
      kind: "text",
      text: `Step ${v.step}${v.at ? `, finished ${utc(v.at)}` : ""}: ${v.detail ?? ""}`,
    });
  const titles = new Map(r.actions.map((a) => [a.key, a.title]));
  if (v.checks?.length)
    blocks.push({
      kind: "table",
      columns: [
        { header: "What", width: 1.4 },
        { header: "Planned step re-read", width: 3 },
        { header: "Result", width: 1.2 },
        { header: "What it found", width: 5 },
      ],
      rows: v.checks.map((c) => checkRow(c, titles)),
    });
  else if (v.checks) blocks.push(empty("No planned step has a residual-access check to re-read."));
  else if (v.findings.length)
    blocks.push({
      kind: "table",
      columns: [{ header: "What it found (as the step's message said it)", width: 1 }],
      rows: v.findings.map((f) => [cell(f, { tone: "bad" })]),
    });
  return { title: "Verification", blocks };
}

function skuTable(skus: ReportSku[]): Block {
  return {
    kind: "table",
    columns: [
      { header: "SKU", width: 1.5 },
      { header: "SKU id", width: 3 },
      { header: "Step", width: 1.5 },
      { header: "When", width: 2 },
    ],
    rows: skus.map((s) => [
      cell(s.skuPartNumber, { bold: true }),
      mono(s.skuId ?? "-", s.via ? [{ text: `via group ${s.via}`, tone: "muted" }] : undefined),
      mono(s.step),
      cell(utc(s.at)),
    ]),
  };
}

function billing(r: RunReport): Section {
  const { licensesRecovered: rec, licensesAssigned: asg } = r.billing;
  return {
    title: "Billing",
    blocks: [
      { kind: "subheading", text: "Licenses recovered" },
      rec.length ? skuTable(rec) : empty("No license was removed."),
      { kind: "subheading", text: "Licenses assigned" },
      asg.length ? skuTable(asg) : empty("No license was assigned."),
    ],
  };
}

function calls(r: RunReport): Section {
  const day = dayOf(r.run.startAt);
  const rows = r.actions.flatMap((a) =>
    a.calls.map((c) => [
      mono(a.key),
      cell(clock(c.at, day)),
      cell(c.api),
      mono(c.call),
      cell(String(c.status), c.status >= 400 ? { tone: "bad" } : {}),
      mono(c.requestId ?? "-"),
    ]),
  );
  return {
    title: "Vendor calls",
    blocks: [
      {
        kind: "text",
        text: `Every request made to a vendor on the run's behalf, with the vendor's request id when it sent one. Times in UTC on ${day} unless dated.`,
        note: true,
      },
      rows.length
        ? {
            kind: "table",
            columns: [
              { header: "Step", width: 2 },
              { header: "When", width: 1.3 },
              { header: "API", width: 0.9 },
              { header: "Call", width: 5 },
              { header: "Status", width: 0.7, align: "right" },
              { header: "Vendor request id", width: 3.1 },
            ],
            rows,
            dense: true,
          }
        : empty("No vendor calls were recorded."),
    ],
  };
}

function audit(r: RunReport): Section {
  if (!r.audit.length) return { title: "Audit trail", blocks: [empty("No audit entries name this run.")] };
  return {
    title: "Audit trail",
    blocks: [
      {
        kind: "table",
        columns: [
          { header: "When", width: 2 },
          { header: "Actor", width: 2.5 },
          { header: "Action", width: 1.5 },
          { header: "Chain hash", width: 5 },
        ],
        rows: r.audit.map((e) => [cell(utc(e.at)), cell(e.actor), cell(e.action), mono(e.hash)]),
      },
    ],
  };
}

/**
 * The report's sections in reading order: who asked and who approved what, what ran and when, what it
 * changed, what the final re-read found, what it means for billing; then the records behind it.
 */
export function reportView(r: RunReport): ReportView {
  return {
    eyebrow: `Lifecycle evidence report · run ${r.run.id}`,
    title: reportTitle(r),
    meta: `Client ${r.run.clientId} · generated ${utc(r.generatedAt)} · report version ${r.reportVersion}`,
    sections: [
      summary(r),
      approvals(r),
      timeline(r),
      changes(r),
      verification(r),
      billing(r),
      plan(r),
      request(r),
      calls(r),
      audit(r),
    ],
    footer: `Run ${r.run.id}  ·  plan ${r.plan.hash}`,
  };
}

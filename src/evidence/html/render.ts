import {
  approvalLine,
  callsLine,
  duration,
  errorLine,
  fieldValue,
  offset,
  reportTitle,
  utc,
  verificationWords,
} from "../format.ts";
import type { ReportAction, RunReport } from "../report/schema.ts";
import { html, type Markup } from "./markup.ts";
import { css } from "./style.ts";

const state = (s: string) => html`<span class="state s-${s}">${s}</span>`;
const mono = (s: string) => html`<code>${s}</code>`;
const empty = (text: string) => html`<p class="empty">${text}</p>`;

function table(head: string[], rows: Markup[]): Markup {
  return html`<table>
    <thead>
      <tr>
        ${head.map((h) => html`<th>${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

function summary(r: RunReport): Markup {
  const recovered = r.billing.licensesRecovered.map((s) => s.skuPartNumber).join(", ");
  const rows: [string, Markup | string][] = [
    ["Status", state(r.run.status)],
    ["Client", r.run.clientId],
    ["Subject", r.run.subject],
    ["Requested by", r.request.requester],
    ["PSA ticket", r.request.ticket ?? "none named"],
    ["Submitted", utc(r.request.submittedAt)],
    ["Approved by", approvalLine(r)],
    ["Start", utc(r.run.startAt)],
    ["Finished", utc(r.run.finishedAt)],
    ["Elapsed", duration(r.run.elapsedMs)],
    ["Workflow", r.plan.workflow ?? "not recorded"],
    [
      "Plan hash",
      html`${mono(r.plan.hash)}
      ${r.plan.hashMatches ? "(matches the stored plan)" : html`<strong class="error">(does NOT match the stored plan)</strong>`}`,
    ],
    ["Verification", state(r.verification.result)],
    ...(r.run.kind === "offboard"
      ? ([["Licenses recovered", recovered || "none"]] as [string, string][])
      : []),
    ...(r.run.cancelReason ? ([["Cancelled", r.run.cancelReason]] as [string, string][]) : []),
  ];
  return html`<dl class="summary">
    ${rows.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${v}</dd>`,
    )}
  </dl>`;
}

function request(r: RunReport): Markup {
  const rows = Object.entries(r.request.fields).map(
    ([k, v]) =>
      html`<tr>
        <td>${k}</td>
        <td class="lines">${fieldValue(v)}</td>
      </tr>`,
  );
  return rows.length ? table(["Field", "Value"], rows) : empty("No request fields recorded.");
}

function approvals(r: RunReport): Markup {
  if (!r.approvals.length) return empty("This run needed no approval.");
  return table(
    ["Gate", "Decision", "By", "When", "Plan hash approved", "Note"],
    r.approvals.map(
      (a) =>
        html`<tr>
          <td>${a.gate}</td>
          <td>${state(a.decision === "approve" ? "succeeded" : "failed")} ${a.decision}</td>
          <td>${a.by}</td>
          <td class="when">${utc(a.at)}</td>
          <td>
            ${a.planHash ? mono(a.planHash) : "-"}${a.matchesPlan ? "" : html` <strong class="error">(not this plan)</strong>`}
          </td>
          <td>${a.note ?? ""}</td>
        </tr>`,
    ),
  );
}

function plan(r: RunReport): Markup {
  const steps = table(
    ["#", "Step", "Action", "After", "Required"],
    r.plan.steps.map(
      (s, i) =>
        html`<tr>
          <td class="num">${i + 1}</td>
          <td>
            ${s.title}
            <div class="meta">${mono(s.key)}</div>
          </td>
          <td>${mono(s.type)}</td>
          <td>${s.deps.join(", ") || "-"}</td>
          <td>${s.required ? "yes" : "no (optional)"}</td>
        </tr>`,
    ),
  );
  const findings = r.plan.findings.length
    ? table(
        ["Severity", "Field", "Finding"],
        r.plan.findings.map(
          (f) =>
            html`<tr>
              <td>${state(f.severity === "error" ? "failed" : "skipped")} ${f.severity}</td>
              <td>${mono(f.field)}</td>
              <td>${f.message}</td>
            </tr>`,
        ),
      )
    : empty("The pre-flight reads found nothing to report.");
  return html`${steps}
    <h3>Pre-flight findings</h3>
    ${findings}`;
}

function timelineRow(a: ReportAction): Markup {
  const err = errorLine(a);
  const calls = callsLine(a);
  return html`<tr>
    <td>
      ${a.title}
      <div class="meta">${mono(a.key)} · ${mono(a.type)}</div>
    </td>
    <td>${state(a.state)}</td>
    <td class="when">
      ${utc(a.startedAt)}
      <div class="meta">${offset(a.elapsed.started)}</div>
    </td>
    <td class="when">
      ${utc(a.appliedAt)}
      <div class="meta">${offset(a.elapsed.applied)}</div>
    </td>
    <td class="when">
      ${utc(a.finishedAt)}
      <div class="meta">${offset(a.elapsed.finished)}</div>
    </td>
    <td class="num">${a.attempts}</td>
    <td>
      ${a.summary}${err ? html`<div class="error">${err}</div>` : ""}${a.blockedBy.length ? html`<div class="meta">blocked by ${a.blockedBy.join(", ")}</div>` : ""}
    </td>
    <td>${a.requestId ? mono(a.requestId) : "-"}${calls ? html`<div class="meta">${calls}</div>` : ""}</td>
  </tr>`;
}

function calls(r: RunReport): Markup {
  const rows = r.actions.flatMap((a) =>
    a.calls.map(
      (c) =>
        html`<tr>
          <td>${mono(a.key)}</td>
          <td class="when">${utc(c.at)}</td>
          <td>${c.api}</td>
          <td>${mono(c.call)}</td>
          <td class="num">${c.status}</td>
          <td>${c.requestId ? mono(c.requestId) : "-"}</td>
        </tr>`,
    ),
  );
  return rows.length
    ? table(["Step", "When", "API", "Call", "Status", "Vendor request id"], rows)
    : empty("No vendor calls were recorded.");
}

function changes(r: RunReport): Markup {
  if (!r.beforeState.length) return empty("No step recorded a change to an existing state.");
  return table(
    ["What", "Step", "Before", "After"],
    r.beforeState.map(
      (c) =>
        html`<tr>
          <td>${c.what}</td>
          <td>${mono(c.step)}</td>
          <td>${c.before}</td>
          <td>${c.after}</td>
        </tr>`,
    ),
  );
}

function verification(r: RunReport): Markup {
  const v = r.verification;
  const words = verificationWords[v.result];
  return html`<p class="verdict s-${v.result}">${words}</p>
    ${v.step ? html`<p>Step ${mono(v.step)}${v.at ? `, ${utc(v.at)}` : ""}: ${v.detail ?? ""}</p>` : ""}
    ${
      v.findings.length
        ? html`<ul>
            ${v.findings.map((f) => html`<li>${f}</li>`)}
          </ul>`
        : ""
    }`;
}

function billing(r: RunReport): Markup {
  const skuTable = (skus: RunReport["billing"]["licensesRecovered"]) =>
    table(
      ["SKU", "SKU id", "Step", "When"],
      skus.map(
        (s) =>
          html`<tr>
            <td><strong>${s.skuPartNumber}</strong></td>
            <td>
              ${s.skuId ? mono(s.skuId) : "-"}${s.via ? html`<div class="meta">via group ${s.via}</div>` : ""}
            </td>
            <td>${mono(s.step)}</td>
            <td class="when">${utc(s.at)}</td>
          </tr>`,
      ),
    );
  const { licensesRecovered: rec, licensesAssigned: asg } = r.billing;
  return html`<h3>Licenses recovered</h3>
    ${rec.length ? skuTable(rec) : empty("No license was removed.")}
    <h3>Licenses assigned</h3>
    ${asg.length ? skuTable(asg) : empty("No license was assigned.")}`;
}

function audit(r: RunReport): Markup {
  if (!r.audit.length) return empty("No audit entries name this run.");
  return table(
    ["When", "Actor", "Action", "Chain hash"],
    r.audit.map(
      (e) =>
        html`<tr>
          <td class="when">${utc(e.at)}</td>
          <td>${e.actor}</td>
          <td>${e.action}</td>
          <td>${mono(e.hash)}</td>
        </tr>`,
    ),
  );
}

/** The report as a self-contained page: inline styles, no scripts, no external assets, every value escaped. */
export function renderHtml(r: RunReport): string {
  const title = reportTitle(r);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>Evidence report: ${title}</title>
        <style>
          ${css}
        </style>
      </head>
      <body>
        <main>
          <header>
            <div class="eyebrow">Lifecycle evidence report · run ${r.run.id}</div>
            <h1>${title}</h1>
            <div class="meta">
              Client ${r.run.clientId} · generated ${utc(r.generatedAt)} · report version ${r.reportVersion}
            </div>
          </header>
          <section>
            <h2>Summary</h2>
            ${summary(r)}
          </section>
          <section>
            <h2>Request</h2>
            ${request(r)}
          </section>
          <section>
            <h2>Approval</h2>
            ${approvals(r)}
          </section>
          <section>
            <h2>Plan</h2>
            ${plan(r)}
          </section>
          <section>
            <h2>Timeline</h2>
            ${table(
              [
                "Step",
                "State",
                "Started",
                "Applied",
                "Finished",
                "Attempts",
                "Outcome",
                "Vendor request ids",
              ],
              r.actions.map(timelineRow),
            )}
          </section>
          <section>
            <h2>Before and after</h2>
            ${changes(r)}
          </section>
          <section>
            <h2>Verification</h2>
            ${verification(r)}
          </section>
          <section>
            <h2>Billing</h2>
            ${billing(r)}
          </section>
          <section>
            <h2>Vendor calls</h2>
            ${calls(r)}
          </section>
          <section>
            <h2>Audit trail</h2>
            ${audit(r)}
          </section>
          <footer>
            Run ${mono(r.run.id)} · plan ${mono(r.plan.hash)} · ${r.plan.workflow ?? "workflow not recorded"}
          </footer>
        </main>
      </body>
    </html> `.text;
}

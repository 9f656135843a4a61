import PDFDocument from "pdfkit";
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
import { bad, good, ink, muted, page, Pdf, pdfText } from "./layout.ts";

const stateColor = (s: string) =>
  ["succeeded", "completed", "verified"].includes(s)
    ? good
    : ["failed", "blocked", "cancelled", "not-verified"].includes(s)
      ? bad
      : ink;

function titleBlock(pdf: Pdf, r: RunReport): void {
  const { doc } = pdf;
  doc
    .font("Helvetica")
    .fontSize(8)
    .fillColor(muted)
    .text(pdfText(`LIFECYCLE EVIDENCE REPORT  ·  RUN ${r.run.id}`), pdf.left, doc.y, {
      characterSpacing: 0.6,
    });
  doc.moveDown(0.2);
  doc
    .font("Helvetica-Bold")
    .fontSize(18)
    .fillColor(ink)
    .text(pdfText(reportTitle(r)), { width: pdf.width });
  doc
    .font("Helvetica")
    .fontSize(9)
    .fillColor(muted)
    .text(
      pdfText(
        `Client ${r.run.clientId}  ·  generated ${utc(r.generatedAt)}  ·  report version ${r.reportVersion}`,
      ),
    );
  const y = doc.y + 4;
  doc
    .moveTo(pdf.left, y)
    .lineTo(pdf.left + pdf.width, y)
    .lineWidth(1.5)
    .strokeColor(ink)
    .stroke();
  doc.y = y + 4;
}

function summary(pdf: Pdf, r: RunReport): void {
  pdf.heading("Summary");
  const recovered = r.billing.licensesRecovered.map((s) => s.skuPartNumber).join(", ") || "none";
  pdf.pairs([
    ["Status", r.run.status, stateColor(r.run.status)],
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
      `${r.plan.hash} ${r.plan.hashMatches ? "(matches the stored plan)" : "(does NOT match the stored plan)"}`,
      r.plan.hashMatches ? ink : bad,
    ],
    ["Verification", verificationWords[r.verification.result], stateColor(r.verification.result)],
    ...(r.run.kind === "offboard" ? ([["Licenses recovered", recovered]] as [string, string][]) : []),
    ...(r.run.cancelReason ? ([["Cancelled", r.run.cancelReason]] as [string, string][]) : []),
  ]);
}

function request(pdf: Pdf, r: RunReport): void {
  pdf.heading("Request");
  const rows = Object.entries(r.request.fields).map(([k, v]) => [k, fieldValue(v)]);
  if (rows.length)
    pdf.table(
      [
        { header: "Field", width: 1 },
        { header: "Value", width: 4 },
      ],
      rows,
    );
  else pdf.paragraph("No request fields recorded.", { color: muted });
}

function approvals(pdf: Pdf, r: RunReport): void {
  pdf.heading("Approval");
  if (!r.approvals.length) return pdf.paragraph("This run needed no approval.", { color: muted });
  pdf.table(
    [
      { header: "Gate", width: 1 },
      { header: "Decision", width: 1 },
      { header: "By", width: 2.2 },
      { header: "When", width: 1.8 },
      { header: "Plan hash approved", width: 4.5, mono: true },
      { header: "Note", width: 2 },
    ],
    r.approvals.map((a) => [
      a.gate,
      { text: a.decision, color: a.decision === "approve" ? good : bad, bold: true },
      a.by,
      utc(a.at),
      { text: a.planHash ?? "-", ...(a.matchesPlan ? {} : { sub: "not this run's plan", color: bad }) },
      a.note ?? "",
    ]),
  );
}

function plan(pdf: Pdf, r: RunReport): void {
  pdf.heading("Plan");
  pdf.paragraph(`Workflow ${r.plan.workflow ?? "not recorded"}; plan hash ${r.plan.hash}`, { color: muted });
  pdf.table(
    [
      { header: "#", width: 0.4, align: "right" },
      { header: "Step", width: 4 },
      { header: "Action", width: 3 },
      { header: "After", width: 3 },
      { header: "Required", width: 1 },
    ],
    r.plan.steps.map((s, i) => [
      String(i + 1),
      { text: s.title, sub: s.key },
      s.type,
      s.deps.join(", ") || "-",
      s.required ? "yes" : "optional",
    ]),
  );
  pdf.subheading("Pre-flight findings");
  if (!r.plan.findings.length) return pdf.paragraph("Nothing to report.", { color: muted });
  pdf.table(
    [
      { header: "Severity", width: 1 },
      { header: "Field", width: 2 },
      { header: "Finding", width: 7 },
    ],
    r.plan.findings.map((f) => [
      { text: f.severity, color: f.severity === "error" ? bad : ink },
      f.field,
      f.message,
    ]),
  );
}

const when = (at: string | null, ms: number | null) =>
  at ? { text: utc(at).replace(" UTC", ""), sub: offset(ms) } : { text: "-" };

function outcomeCell(a: ReportAction) {
  const err = errorLine(a);
  const blocked = a.blockedBy.length ? `blocked by ${a.blockedBy.join(", ")}` : undefined;
  const sub = [err, blocked].filter(Boolean).join("\n");
  return { text: a.summary, ...(sub ? { sub } : {}) };
}

function timeline(pdf: Pdf, r: RunReport): void {
  pdf.heading("Timeline");
  pdf.paragraph("Times in UTC; under each, the time since the run's start.", { color: muted, size: 8 });
  pdf.table(
    [
      { header: "Step", width: 140 },
      { header: "State", width: 55 },
      { header: "Started", width: 80 },
      { header: "Applied", width: 80 },
      { header: "Finished", width: 80 },
      { header: "Att.", width: 25, align: "right" },
      { header: "Outcome", width: 152 },
      { header: "Vendor request id", width: 150 },
    ],
    r.actions.map((a) => [
      { text: a.title, sub: `${a.key} · ${a.type}` },
      { text: a.state, color: stateColor(a.state), bold: true },
      when(a.startedAt, a.elapsed.started),
      when(a.appliedAt, a.elapsed.applied),
      when(a.finishedAt, a.elapsed.finished),
      String(a.attempts),
      outcomeCell(a),
      { text: a.requestId ?? "-", ...(callsLine(a) ? { sub: callsLine(a) } : {}) },
    ]),
    7.5,
  );
}

function changes(pdf: Pdf, r: RunReport): void {
  pdf.heading("Before and after");
  if (!r.beforeState.length)
    return pdf.paragraph("No step recorded a change to an existing state.", { color: muted });
  pdf.table(
    [
      { header: "What", width: 1.3 },
      { header: "Step", width: 1.3 },
      { header: "Before", width: 4 },
      { header: "After", width: 2.5 },
    ],
    r.beforeState.map((c) => [c.what, c.step, c.before, c.after]),
  );
}

function verification(pdf: Pdf, r: RunReport): void {
  pdf.heading("Verification");
  const v = r.verification;
  pdf.paragraph(verificationWords[v.result], { bold: true, color: stateColor(v.result), size: 10 });
  if (v.step) pdf.paragraph(`Step ${v.step}${v.at ? `, ${utc(v.at)}` : ""}: ${v.detail ?? ""}`);
  for (const f of v.findings) pdf.paragraph(`•  ${f}`, { color: bad });
}

function billing(pdf: Pdf, r: RunReport): void {
  pdf.heading("Billing");
  const skus = (title: string, list: RunReport["billing"]["licensesRecovered"], none: string) => {
    pdf.subheading(title);
    if (!list.length) return pdf.paragraph(none, { color: muted });
    pdf.table(
      [
        { header: "SKU", width: 1.5 },
        { header: "SKU id", width: 3, mono: true },
        { header: "Step", width: 1.5 },
        { header: "When", width: 2 },
      ],
      list.map((s) => [
        { text: s.skuPartNumber, bold: true },
        { text: s.skuId ?? "-", ...(s.via ? { sub: `via group ${s.via}` } : {}) },
        s.step,
        utc(s.at),
      ]),
    );
  };
  skus("Licenses recovered", r.billing.licensesRecovered, "No license was removed.");
  skus("Licenses assigned", r.billing.licensesAssigned, "No license was assigned.");
}

function calls(pdf: Pdf, r: RunReport): void {
  pdf.heading("Vendor calls");
  pdf.paragraph(
    "Every request made to a vendor on the run's behalf, with the vendor's request id when it sent one.",
    {
      color: muted,
      size: 8,
    },
  );
  const rows = r.actions.flatMap((a) =>
    a.calls.map((c) => [a.key, utc(c.at), c.api, c.call, String(c.status), c.requestId ?? "-"]),
  );
  if (!rows.length) return pdf.paragraph("No vendor calls were recorded.", { color: muted });
  pdf.table(
    [
      { header: "Step", width: 2 },
      { header: "When", width: 2 },
      { header: "API", width: 1 },
      { header: "Call", width: 4 },
      { header: "Status", width: 0.8, align: "right" },
      { header: "Vendor request id", width: 3.2, mono: true },
    ],
    rows,
    7.5,
  );
}

function audit(pdf: Pdf, r: RunReport): void {
  pdf.heading("Audit trail");
  if (!r.audit.length) return pdf.paragraph("No audit entries name this run.", { color: muted });
  pdf.table(
    [
      { header: "When", width: 2 },
      { header: "Actor", width: 2.5 },
      { header: "Action", width: 1.5 },
      { header: "Chain hash", width: 5, mono: true },
    ],
    r.audit.map((e) => [utc(e.at), e.actor, e.action, e.hash]),
  );
}

/** Run id, plan hash and "page n of m" on every page, written once the page count is known. */
function footers(pdf: Pdf, r: RunReport): void {
  const { doc } = pdf;
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottomMargin = doc.page.margins.bottom;
    // Text below the bottom margin would start a new page: the margin is lifted while the footer is drawn.
    doc.page.margins.bottom = 0;
    const y = doc.page.height - bottomMargin - 10;
    doc
      .moveTo(pdf.left, y - 4)
      .lineTo(pdf.left + pdf.width, y - 4)
      .lineWidth(0.4)
      .strokeColor(muted)
      .stroke();
    doc
      .font("Helvetica")
      .fontSize(7)
      .fillColor(muted)
      .text(pdfText(`Run ${r.run.id}  ·  plan ${r.plan.hash}`), pdf.left, y, {
        width: pdf.width - 80,
        lineBreak: false,
      });
    doc.text(`Page ${i - range.start + 1} of ${range.count}`, pdf.left + pdf.width - 80, y, {
      width: 80,
      align: "right",
      lineBreak: false,
    });
    doc.page.margins.bottom = bottomMargin;
  }
}

/** The report as a PDF: the same sections as the page, tables that wrap and break, numbered pages. */
export function renderPdf(r: RunReport, opts: { compress?: boolean } = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: page.size,
    layout: page.layout,
    margin: page.margin,
    bufferPages: true,
    compress: opts.compress ?? true,
    info: {
      Title: pdfText(`Evidence report: ${reportTitle(r)}`),
      Author: "Lifecycle",
      Subject: `Run ${r.run.id}, plan ${r.plan.hash}`,
      // A fixed date keeps the file a function of the report alone.
      CreationDate: new Date(r.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const pdf = new Pdf(doc);
  titleBlock(pdf, r);
  summary(pdf, r);
  approvals(pdf, r);
  timeline(pdf, r);
  changes(pdf, r);
  verification(pdf, r);
  billing(pdf, r);
  plan(pdf, r);
  request(pdf, r);
  calls(pdf, r);
  audit(pdf, r);
  footers(pdf, r);
  doc.end();
  return done;
}

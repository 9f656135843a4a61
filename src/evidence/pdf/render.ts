import PDFDocument from "pdfkit";
import type { RunReport } from "../report/schema.ts";
import type { Block, ReportView } from "../view/model.ts";
import { reportView } from "../view/sections.ts";
import { colorOf, ink, muted, page, Pdf, pdfText } from "./layout.ts";

function titleBlock(pdf: Pdf, view: ReportView): void {
  const { doc } = pdf;
  doc
    .font("Helvetica")
    .fontSize(8)
    .fillColor(muted)
    .text(pdfText(view.eyebrow.toUpperCase()), pdf.left, doc.y, { characterSpacing: 0.6 });
  doc.moveDown(0.2);
  doc.font("Helvetica-Bold").fontSize(18).fillColor(ink).text(pdfText(view.title), { width: pdf.width });
  doc.font("Helvetica").fontSize(9).fillColor(muted).text(pdfText(view.meta));
  const y = doc.y + 4;
  doc
    .moveTo(pdf.left, y)
    .lineTo(pdf.left + pdf.width, y)
    .lineWidth(1.5)
    .strokeColor(ink)
    .stroke();
  doc.y = y + 4;
}

function block(pdf: Pdf, b: Block): void {
  switch (b.kind) {
    case "table":
      return pdf.table(b);
    case "pairs":
      return pdf.pairs(b.rows);
    case "text":
      return pdf.paragraph(b.text, {
        color: colorOf(b.tone, b.note ? muted : ink),
        ...(b.note ? { size: 8 } : {}),
      });
    case "empty":
      return pdf.paragraph(b.text, { color: muted });
    case "verdict":
      return pdf.paragraph(b.text, { bold: true, color: colorOf(b.tone), size: 10 });
    case "subheading":
      return pdf.subheading(b.text);
  }
}

/** Run id, plan hash and "page n of m" on every page, written once the page count is known. */
function footers(pdf: Pdf, view: ReportView): void {
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
      .text(pdfText(view.footer), pdf.left, y, {
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
  const view = reportView(r);
  const doc = new PDFDocument({
    size: page.size,
    layout: page.layout,
    margin: page.margin,
    bufferPages: true,
    compress: opts.compress ?? true,
    info: {
      Title: pdfText(`Evidence report: ${view.title}`),
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
  titleBlock(pdf, view);
  for (const section of view.sections) {
    pdf.heading(section.title);
    for (const b of section.blocks) block(pdf, b);
  }
  footers(pdf, view);
  doc.end();
  return done;
}

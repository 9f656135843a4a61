/** Drawing helpers over pdfkit: headings, key/value blocks and tables that wrap and break across pages. */

export const page = { size: "A4", layout: "landscape", margin: 40 } as const;
/** Room kept free at the bottom of every page for the footer. */
export const footerRoom = 28;
export const ink = "#1b1f24";
export const muted = "#5b6470";
export const rule = "#d5dae0";
export const band = "#eef1f4";
export const bad = "#b42318";
export const good = "#1a7f37";

// The standard PDF fonts encode WinAnsi only. A letter outside it loses its accent if that makes it
// encodable, else becomes "?": the JSON and HTML reports keep every character as recorded.
const winAnsiExtras = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");
const encodable = (c: string) => {
  const code = c.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || winAnsiExtras.has(c);
};

// Letters that are not a base letter plus a mark, so decomposing them finds no plain form.
const standalone: Record<string, string> = { ł: "l", Ł: "L", đ: "d", Đ: "D", ı: "i", ħ: "h", Ħ: "H", ŋ: "n" };

export function pdfText(text: string): string {
  return [...text.replace(/\r\n?/g, "\n").replace(/\t/g, "  ")]
    .map((c) => {
      if (c === "\n" || encodable(c)) return c;
      const bare = standalone[c] ?? c.normalize("NFD").replace(/\p{M}/gu, "");
      return bare.length === 1 && encodable(bare) ? bare : "?";
    })
    .join("");
}

export interface Column {
  header: string;
  /** A share of the usable width; the shares of a table's columns are scaled to fill it. */
  width: number;
  align?: "left" | "right";
  mono?: boolean;
}

export interface Cell {
  text: string;
  /** Smaller, grey lines under the text (a key, an offset, an error). */
  sub?: string;
  color?: string;
  bold?: boolean;
}

type Row = (Cell | string)[];

const pad = 3;

export class Pdf {
  constructor(readonly doc: PDFKit.PDFDocument) {}

  get left(): number {
    return this.doc.page.margins.left;
  }
  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }
  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom - footerRoom;
  }

  /** Starts a new page unless `height` still fits on this one. */
  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  heading(text: string): void {
    this.ensure(60);
    const { doc } = this;
    doc.moveDown(0.8);
    doc.font("Helvetica-Bold").fontSize(12).fillColor(ink).text(pdfText(text), this.left, doc.y);
    const y = doc.y + 2;
    doc
      .moveTo(this.left, y)
      .lineTo(this.left + this.width, y)
      .lineWidth(0.5)
      .strokeColor(rule)
      .stroke();
    doc.y = y + 6;
  }

  subheading(text: string): void {
    this.ensure(40);
    this.doc.moveDown(0.4);
    this.doc.font("Helvetica-Bold").fontSize(9.5).fillColor(ink).text(pdfText(text), this.left, this.doc.y);
    this.doc.moveDown(0.2);
  }

  paragraph(text: string, opts: { color?: string; bold?: boolean; size?: number } = {}): void {
    const { doc } = this;
    doc
      .font(opts.bold ? "Helvetica-Bold" : "Helvetica")
      .fontSize(opts.size ?? 9)
      .fillColor(opts.color ?? ink);
    this.ensure(doc.heightOfString(pdfText(text), { width: this.width }) + 4);
    doc.text(pdfText(text), this.left, doc.y, { width: this.width });
    doc.moveDown(0.3);
  }

  /** Label and value pairs in two columns, wrapping values. */
  pairs(rows: [string, string, string?][]): void {
    const { doc } = this;
    const labelWidth = 130;
    const valueWidth = this.width - labelWidth;
    for (const [label, value, color] of rows) {
      doc.font("Helvetica").fontSize(9);
      const text = pdfText(value);
      const h = Math.max(doc.heightOfString(text, { width: valueWidth }), 11) + 3;
      this.ensure(h);
      const y = doc.y;
      doc.fillColor(muted).text(pdfText(label), this.left, y, { width: labelWidth - 8 });
      doc.fillColor(color ?? ink).text(text, this.left + labelWidth, y, { width: valueWidth });
      doc.y = y + h;
    }
  }

  /** A table whose rows grow to fit their text; a row that does not fit starts a page, headers repeated. */
  table(columns: Column[], rows: Row[], size = 8): void {
    const { doc } = this;
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const xs = widths.map((_, i) => this.left + widths.slice(0, i).reduce((s, w) => s + w, 0));
    const cells = rows.map((r) => r.map((c) => (typeof c === "string" ? { text: c } : c)));

    const measure = (cell: Cell, i: number, col: Column) => {
      const w = widths[i]! - 2 * pad;
      doc.font(cell.bold ? "Helvetica-Bold" : col.mono ? "Courier" : "Helvetica").fontSize(size);
      let h = doc.heightOfString(pdfText(cell.text) || " ", { width: w });
      if (cell.sub) {
        doc.font("Helvetica").fontSize(size - 1);
        h += doc.heightOfString(pdfText(cell.sub), { width: w }) + 1;
      }
      return h;
    };
    const header = () => {
      doc.font("Helvetica-Bold").fontSize(size);
      const h =
        Math.max(...columns.map((c, i) => doc.heightOfString(c.header, { width: widths[i]! - 2 * pad }))) +
        2 * pad;
      const y = doc.y;
      doc.rect(this.left, y, this.width, h).fill(band);
      columns.forEach((c, i) =>
        doc
          .fillColor(ink)
          .font("Helvetica-Bold")
          .fontSize(size)
          .text(c.header, xs[i]! + pad, y + pad, { width: widths[i]! - 2 * pad, align: c.align ?? "left" }),
      );
      doc.y = y + h;
    };

    this.ensure(40);
    header();
    const fullPage = this.bottom - this.doc.page.margins.top - 40;
    for (const row of cells) {
      const natural = Math.max(...row.map((c, i) => measure(c, i, columns[i]!))) + 2 * pad;
      // A row taller than a whole page is cut with an ellipsis rather than drawn over the footer.
      const h = Math.min(natural, fullPage);
      if (doc.y + h > this.bottom) {
        doc.addPage();
        header();
      }
      const y = doc.y;
      row.forEach((cell, i) => {
        const col = columns[i]!;
        const w = widths[i]! - 2 * pad;
        const clip = { width: w, height: h - 2 * pad, ellipsis: true, align: col.align ?? "left" };
        doc
          .font(cell.bold ? "Helvetica-Bold" : col.mono ? "Courier" : "Helvetica")
          .fontSize(size)
          .fillColor(cell.color ?? ink)
          .text(pdfText(cell.text) || " ", xs[i]! + pad, y + pad, clip);
        if (cell.sub) {
          const used = doc.y - (y + pad);
          doc
            .font("Helvetica")
            .fontSize(size - 1)
            .fillColor(muted)
            .text(pdfText(cell.sub), xs[i]! + pad, doc.y + 1, {
              ...clip,
              height: Math.max(h - 2 * pad - used - 1, size),
            });
        }
      });
      doc
        .moveTo(this.left, y + h)
        .lineTo(this.left + this.width, y + h)
        .lineWidth(0.4)
        .strokeColor(rule)
        .stroke();
      doc.y = y + h;
    }
    doc.x = this.left;
    doc.moveDown(0.4);
  }
}

import type { Cell, Note, Table, Tone } from "../view/model.ts";

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
export const warn = "#9a6700";

const tones: Record<Tone, string> = { good, bad, warn, muted };
export const colorOf = (tone: Tone | undefined, otherwise = ink) => (tone ? tones[tone] : otherwise);

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

const pad = 3;

const fontOf = (c: { bold?: boolean; badge?: boolean; mono?: boolean }) =>
  c.bold || c.badge ? (c.mono ? "Courier-Bold" : "Helvetica-Bold") : c.mono ? "Courier" : "Helvetica";

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

  // A heading keeps at least a table's header and first row with it, never alone at a page's foot.
  heading(text: string): void {
    this.ensure(80);
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
    this.ensure(70);
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

  /** The height of a cell's text and its notes at `width`. */
  private measure(c: Cell, width: number, size: number, mono = false): number {
    const { doc } = this;
    doc.font(fontOf({ ...c, mono: c.mono || mono })).fontSize(size);
    let h = doc.heightOfString(pdfText(c.text) || " ", { width });
    for (const n of c.notes ?? []) {
      doc.font(n.mono ? "Courier" : "Helvetica").fontSize(size - 1);
      h += doc.heightOfString(pdfText(n.text) || " ", { width }) + 1;
    }
    return h;
  }

  /** Draws a cell's text and its notes from (x, y), never below `y + height`. */
  private draw(
    c: Cell,
    at: { x: number; y: number; width: number; height: number },
    size: number,
    opts: { mono?: boolean; align?: "left" | "right" } = {},
  ): void {
    const { doc } = this;
    const end = at.y + at.height;
    const clip = (top: number) => ({
      width: at.width,
      height: Math.max(end - top, size),
      ellipsis: true,
      align: opts.align ?? "left",
    });
    doc
      .font(fontOf({ ...c, mono: c.mono || opts.mono }))
      .fontSize(size)
      .fillColor(colorOf(c.tone))
      .text(pdfText(c.text) || " ", at.x, at.y, clip(at.y));
    for (const n of c.notes ?? []) {
      const top = doc.y + 1;
      if (top >= end) break;
      this.note(n, at.x, top, size - 1, clip(top));
    }
  }

  private note(n: Note, x: number, y: number, size: number, opts: PDFKit.Mixins.TextOptions): void {
    this.doc
      .font(n.mono ? "Courier" : "Helvetica")
      .fontSize(size)
      .fillColor(colorOf(n.tone, muted))
      .text(pdfText(n.text), x, y, opts);
  }

  /** Label and value pairs in two columns, wrapping values. */
  pairs(rows: { label: string; value: Cell }[]): void {
    const { doc } = this;
    const labelWidth = 130;
    const valueWidth = this.width - labelWidth;
    for (const { label, value } of rows) {
      const h = Math.max(this.measure(value, valueWidth, 9), 11) + 3;
      this.ensure(h);
      const y = doc.y;
      doc
        .font("Helvetica")
        .fontSize(9)
        .fillColor(muted)
        .text(pdfText(label), this.left, y, { width: labelWidth - 8 });
      this.draw(value, { x: this.left + labelWidth, y, width: valueWidth, height: h }, 9);
      doc.y = y + h;
    }
  }

  /** A table whose rows grow to fit their text; a row that does not fit starts a page, headers repeated. */
  table(t: Table): void {
    const { doc } = this;
    const { columns } = t;
    const size = t.dense ? 7.5 : 8;
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const xs = widths.map((_, i) => this.left + widths.slice(0, i).reduce((s, w) => s + w, 0));
    const inner = (i: number) => widths[i]! - 2 * pad;

    const header = () => {
      doc.font("Helvetica-Bold").fontSize(size);
      const h =
        Math.max(...columns.map((c, i) => doc.heightOfString(pdfText(c.header), { width: inner(i) }))) +
        2 * pad;
      const y = doc.y;
      doc.rect(this.left, y, this.width, h).fill(band);
      columns.forEach((c, i) =>
        doc
          .fillColor(ink)
          .font("Helvetica-Bold")
          .fontSize(size)
          .text(pdfText(c.header), xs[i]! + pad, y + pad, { width: inner(i), align: c.align ?? "left" }),
      );
      doc.y = y + h;
    };

    this.ensure(40);
    header();
    const fullPage = this.bottom - this.doc.page.margins.top - 40;
    for (const row of t.rows) {
      const natural =
        Math.max(...row.map((c, i) => this.measure(c, inner(i), size, columns[i]!.mono))) + 2 * pad;
      // A row taller than a whole page is cut with an ellipsis rather than drawn over the footer.
      const h = Math.min(natural, fullPage);
      if (doc.y + h > this.bottom) {
        doc.addPage();
        header();
      }
      const y = doc.y;
      row.forEach((c, i) => {
        const col = columns[i]!;
        this.draw(c, { x: xs[i]! + pad, y: y + pad, width: inner(i), height: h - 2 * pad }, size, {
          ...(col.mono ? { mono: true } : {}),
          ...(col.align ? { align: col.align } : {}),
        });
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

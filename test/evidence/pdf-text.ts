import { inflateSync } from "node:zlib";

/** The content streams of a PDF, inflated where they are compressed (pdfkit's are, by default). */
function streams(pdf: Buffer): string[] {
  const out: string[] = [];
  const raw = pdf.toString("latin1");
  const re = /(?<!end)stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw))) {
    const start = m.index + m[0].length;
    const end = raw.indexOf("endstream", start);
    if (end < 0) break;
    const body = pdf.subarray(start, end);
    try {
      out.push(inflateSync(body).toString("latin1"));
    } catch {
      out.push(body.toString("latin1"));
    }
    re.lastIndex = end + "endstream".length;
  }
  return out;
}

const decodeHex = (hex: string) => Buffer.from(hex.replace(/\s+/g, ""), "hex").toString("latin1");

/**
 * The text a PDF shows, one line per text-showing operation: pdfkit writes each line as a `TJ` array of
 * hex strings split by kerning, which are joined back. Enough to prove what a page does and does not say.
 */
export function pdfText(pdf: Buffer): string {
  const lines: string[] = [];
  for (const s of streams(pdf)) {
    for (const m of s.matchAll(/\[((?:<[0-9a-fA-F\s]*>|[-\d.\s])*)\]\s*TJ|<([0-9a-fA-F\s]*)>\s*Tj/g)) {
      const parts =
        m[1] !== undefined ? [...m[1].matchAll(/<([0-9a-fA-F\s]*)>/g)].map((p) => p[1]!) : [m[2]!];
      lines.push(parts.map(decodeHex).join(""));
    }
  }
  return lines.join("\n");
}

/** How many pages the document has, counted from its page objects. */
export function pageCount(pdf: Buffer): number {
  return (pdf.toString("latin1").match(/\/Type \/Page\b(?!s)/g) ?? []).length;
}

/**
 * How Lifecycle's text becomes a Halo note, and how its idempotency marker is written into the note and
 * found again: as the last paragraph, "Lifecycle-Marker: <marker>", compared whole (so one marker never
 * matches another it is a prefix of). Halo keeps the HTML (note_html) and a plain text (note); either
 * carrying the line counts.
 */

export const markerLabel = "Lifecycle-Marker:";

const escapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

export function unescapeHtml(html: string): string {
  return html.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, e: string) =>
    e === "amp" ? "&" : e === "lt" ? "<" : e === "gt" ? ">" : e === "quot" ? '"' : e === "#39" ? "'" : " ",
  );
}

/** Plain text as Halo's HTML: paragraphs at blank lines, line breaks kept. */
export function textToHtml(text: string): string {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((para) => `<p>${para.split(/\r?\n/).map(escapeHtml).join("<br>")}</p>`)
    .join("");
}

export const markerLine = (marker: string): string => `${markerLabel} ${marker}`;

export function noteHtml(text: string, marker: string): string {
  return `${textToHtml(text)}<p>${escapeHtml(markerLine(marker))}</p>`;
}

/** Whether a note as Halo gives it back carries this marker. */
export function carriesMarker(note: { note?: string | null; note_html?: string | null }, marker: string) {
  const line = markerLine(marker);
  const html = note.note_html ?? "";
  const paragraphs = [...html.matchAll(/<p[^>]*>([\s\S]*?)<\/p>/gi)].map((m) =>
    unescapeHtml(m[1] ?? "").trim(),
  );
  if (paragraphs.includes(line)) return true;
  return (note.note ?? "").split(/\r?\n/).some((l) => l.trim() === line);
}

/** Markup already escaped: the only thing `html` puts into a page as it is. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

type Value = Markup | string | number | boolean | null | undefined | Value[];

function piece(v: Value): string {
  if (v instanceof Markup) return v.text;
  if (Array.isArray(v)) return v.map(piece).join("");
  if (v === null || v === undefined || v === false) return "";
  return escapeHtml(String(v));
}

/**
 * A template tag that escapes every interpolated value unless it is Markup made by this tag: a value from
 * the report (a display name, a vendor message) can never become markup by being forgotten.
 */
export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  return new Markup(
    strings.reduce((out, s, i) => out + s + (i < values.length ? piece(values[i]!) : ""), ""),
  );
}

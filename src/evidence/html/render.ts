import type { RunReport } from "../report/schema.ts";
import type { Block, Cell, Column, Note, Table } from "../view/model.ts";
import { reportView } from "../view/sections.ts";
import { html, type Markup } from "./markup.ts";
import { css } from "./style.ts";

const toneClass = (tone: string | undefined) => (tone ? ` t-${tone}` : "");

function note(n: Note): Markup {
  return html`<div class="${`note${toneClass(n.tone)}`}">
    ${n.mono ? html`<code>${n.text}</code>` : n.text}
  </div>`;
}

// A value's own line breaks (a request field's pairs, several findings) stay line breaks.
const lines = (text: string): Markup => html`${text.split("\n").map((l, i) => (i ? html`<br />${l}` : l))}`;

function value(c: Cell, column?: Column): Markup {
  const text = c.mono || column?.mono ? html`<code>${lines(c.text)}</code>` : lines(c.text);
  const body = c.badge
    ? html`<span class="${`state${toneClass(c.tone)}`}">${text}</span>`
    : c.bold || c.tone
      ? html`<span class="${`${c.bold ? "strong" : ""}${toneClass(c.tone)}`.trim()}">${text}</span>`
      : html`${text}`;
  return html`${body}${(c.notes ?? []).map(note)}`;
}

function table(t: Table): Markup {
  const total = t.columns.reduce((s, c) => s + c.width, 0);
  const pct = (c: Column) => `width: ${((c.width / total) * 100).toFixed(2)}%`;
  const align = (c: Column) => (c.align === "right" ? "num" : "");
  return html`<table class="${t.dense ? "dense" : ""}">
    <colgroup>
      ${t.columns.map((c) => html`<col style="${pct(c)}" />`)}
    </colgroup>
    <thead>
      <tr>
        ${t.columns.map((c) => html`<th class="${align(c)}">${c.header}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${t.rows.map(
        (row) =>
          html`<tr>
            ${row.map((c, i) => html`<td class="${align(t.columns[i]!)}">${value(c, t.columns[i])}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function block(b: Block): Markup {
  switch (b.kind) {
    case "table":
      return table(b);
    case "pairs":
      return html`<dl class="summary">
        ${b.rows.map(
          (r) =>
            html`<dt>${r.label}</dt>
              <dd>${value(r.value)}</dd>`,
        )}
      </dl>`;
    case "text":
      return html`<p class="${`${b.note ? "note" : ""}${toneClass(b.tone)}`.trim()}">${b.text}</p>`;
    case "empty":
      return html`<p class="empty">${b.text}</p>`;
    case "verdict":
      return html`<p class="${`verdict${toneClass(b.tone)}`}">${b.text}</p>`;
    case "subheading":
      return html`<h3>${b.text}</h3>`;
  }
}

/** The report as a self-contained page: inline styles, no scripts, no external assets, every value escaped. */
export function renderHtml(r: RunReport): string {
  const view = reportView(r);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>Evidence report: ${view.title}</title>
        <style>
          ${css}
        </style>
      </head>
      <body>
        <main>
          <header>
            <div class="eyebrow">${view.eyebrow}</div>
            <h1>${view.title}</h1>
            <div class="note">${view.meta}</div>
          </header>
          ${view.sections.map(
            (s) =>
              html`<section>
                <h2>${s.title}</h2>
                ${s.blocks.map(block)}
              </section>`,
          )}
          <footer>${view.footer}</footer>
        </main>
      </body>
    </html> `.text;
}

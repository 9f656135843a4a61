/** The page's only styles, inline: the report is one file that opens anywhere, offline, and prints. */
export const css = `
:root { --ink: #1b1f24; --muted: #5b6470; --rule: #d5dae0; --band: #f4f6f8; --good: #1a7f37; --bad: #b42318; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); font: 13px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif; background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 28px 32px 48px; }
header { border-bottom: 3px solid var(--ink); padding-bottom: 12px; margin-bottom: 18px; }
header .eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; color: var(--muted); }
h1 { font-size: 22px; margin: 4px 0 6px; }
h2 { font-size: 16px; margin: 30px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 13px; margin: 16px 0 6px; }
p { margin: 6px 0; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: 11.5px; overflow-wrap: anywhere; }
.note { color: var(--muted); font-size: 11.5px; }
p.note { font-size: 12px; }
.strong { font-weight: 600; }
.t-good { color: var(--good); }
.t-bad { color: var(--bad); }
.t-warn { color: var(--warn); }
.t-muted { color: var(--muted); }
dl.summary { display: grid; grid-template-columns: 170px 1fr; gap: 4px 16px; margin: 0; }
dl.summary dt { color: var(--muted); }
dl.summary dd { margin: 0; min-width: 0; }
table { width: 100%; table-layout: fixed; border-collapse: collapse; margin: 4px 0 8px; }
th, td { text-align: left; vertical-align: top; padding: 5px 7px; border-bottom: 1px solid var(--rule); overflow-wrap: anywhere; }
th { background: var(--band); font-weight: 600; font-size: 12px; overflow-wrap: normal; }
table.dense td { font-size: 12px; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
.num { text-align: right; }
.state { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 11px; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.verdict { padding: 10px 14px; border-left: 4px solid currentColor; background: var(--band); font-weight: 600; font-size: 14px; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 36px; padding-top: 8px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 11px; }
@media print { main { padding: 0; max-width: none; } h2, h3 { break-after: avoid; } tr { break-inside: avoid; } }
`;

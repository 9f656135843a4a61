/** The page's only styles, inline: the report is one file that opens anywhere, offline, and prints. */
export const css = `
:root { --ink: #1b1f24; --muted: #5b6470; --rule: #d5dae0; --band: #f4f6f8; --ok: #1a7f37; --bad: #b42318; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); font: 13px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 28px 32px 48px; }
header { border-bottom: 3px solid var(--ink); padding-bottom: 12px; margin-bottom: 18px; }
header .eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; color: var(--muted); }
h1 { font-size: 22px; margin: 4px 0 6px; }
h2 { font-size: 15px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
.meta { color: var(--muted); }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 11.5px; word-break: break-all; }
dl.summary { display: grid; grid-template-columns: 190px 1fr; gap: 4px 16px; margin: 0; }
dl.summary dt { color: var(--muted); }
dl.summary dd { margin: 0; }
table { width: 100%; border-collapse: collapse; margin: 4px 0 8px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--rule); }
th { background: var(--band); font-weight: 600; font-size: 12px; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
td.num { text-align: right; white-space: nowrap; }
td.when { white-space: nowrap; }
td.lines { white-space: pre-line; }
.state { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 11px; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.s-succeeded, .s-completed, .s-verified { color: var(--ok); }
.s-failed, .s-blocked, .s-not-verified, .s-cancelled { color: var(--bad); }
.s-skipped, .s-already-done, .s-completed-with-warnings, .s-waiting, .s-retry, .s-not-run { color: var(--warn); }
.error { color: var(--bad); margin-top: 2px; }
.verdict { padding: 10px 14px; border-left: 4px solid currentColor; background: var(--band); font-weight: 600; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 36px; padding-top: 8px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 11px; }
@media print { main { padding: 0; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
`;

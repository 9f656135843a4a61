import type { TokenState } from "../credentials/one-time-links.ts";

export const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// No script: the page must work under the server's strict content security policy, and a form post is
// what a mail scanner's prefetch never sends. The sign-in pages share it.
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1b1b1b}
code{display:block;font-size:1.4rem;padding:1rem;background:#f2f2f2;border-radius:.4rem;word-break:break-all}
button{font:inherit;padding:.6rem 1.4rem;border:0;border-radius:.4rem;background:#0b5cad;color:#fff;cursor:pointer}
.note{color:#555;font-size:.9rem}</style></head>
<body><h1>${escape(title)}</h1>${body}</body></html>`;
}

export function readyPage(label: string, expiresAt: Date, token: string): string {
  return page(
    label,
    `<p>This link shows a secret once. Open it when you are ready to use it: after that the link stops working.</p>
<form method="post" action="/credentials/${encodeURIComponent(token)}/reveal"><button type="submit">Show</button></form>
<p class="note">Expires ${escape(expiresAt.toISOString())}.</p>`,
  );
}

export function revealedPage(label: string, secret: string): string {
  return page(
    label,
    `<code>${escape(secret)}</code>
<p>Copy it now: this page cannot be shown again.</p>`,
  );
}

export function unavailablePage(state: Exclude<TokenState, { kind: "ready" }>): string {
  switch (state.kind) {
    case "not-found":
      return page("Link not found", "<p>This link does not exist. Check that it was copied whole.</p>");
    case "viewed":
      return page(
        "Link already used",
        `<p>This secret was already shown, at ${escape(state.viewedAt.toISOString())}, and cannot be shown again. ` +
          "If that was not you, tell your IT team at once.</p>",
      );
    case "expired":
      return page(
        "Link expired",
        `<p>This link expired at ${escape(state.expiresAt.toISOString())}. Ask your IT team for a new one.</p>`,
      );
  }
}

import type { TokenState } from "../credentials/one-time-links.ts";
import { escape, page } from "./html-page.ts";

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

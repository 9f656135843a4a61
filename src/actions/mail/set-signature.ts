import { renderTemplate } from "../../domain/liquid-template.ts";
import type { Capabilities } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { need } from "../need.ts";
import { textOf } from "./html-text.ts";
import { requireMailbox } from "./require-mailbox.ts";

interface Params {
  upn: string;
  template: string;
  variables: Record<string, string>;
  user: {
    displayName: string;
    firstName: string;
    lastName: string;
    jobTitle?: string;
    department?: string;
    email: string;
    office?: string;
  };
}

// Set-MailboxMessageConfiguration writes the Outlook on the web signature. With roaming signatures
// (the default in Exchange Online) Outlook desktop may ignore it (reference §16): best effort, said so.
const caveat = "Outlook on the web; Outlook with roaming signatures may keep its own";

/** Optional fields are present but empty, so `{% if user.jobTitle %}` works under strict variables. */
function render(p: Params): Promise<string> {
  const user = {
    ...p.user,
    jobTitle: p.user.jobTitle ?? "",
    department: p.user.department ?? "",
    office: p.user.office ?? "",
  };
  return renderTemplate(
    p.template,
    { ...p.variables, user },
    { what: "signature template", escapeHtml: true },
  );
}

export const setSignature = defineAction<Params, Capabilities>("mail.set-signature", {
  async plan(p, ctx) {
    const exchange = need(ctx.caps, "mailboxAdmin");
    await requireMailbox(exchange, p.upn);
    const html = await render(p);
    const current = await exchange.signature(p.upn);
    if (current !== undefined && textOf(current) === textOf(html))
      return { kind: "already-done", detail: "this signature is already set" };
    return { kind: "will-change", summary: `set the email signature (${caveat})` };
  },
  async apply(p, ctx) {
    await need(ctx.caps, "mailboxAdmin").setSignature(p.upn, await render(p));
    return { kind: "done", detail: `signature set for ${caveat}` };
  },
  async verify(p, ctx) {
    const current = await need(ctx.caps, "mailboxAdmin").signature(p.upn);
    return current !== undefined && textOf(current) === textOf(await render(p))
      ? { kind: "verified" }
      : { kind: "not-verified", observed: current === undefined ? "no signature" : "a different signature" };
  },
});

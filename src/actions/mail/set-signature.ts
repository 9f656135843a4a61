import { z } from "zod";
import { renderTemplate } from "../../domain/liquid-template.ts";
import { defineAction } from "../define.ts";
import { textOf } from "../support/html-text.ts";
import { text, upn } from "../support/params.ts";
import { requireMailbox } from "../support/require-mailbox.ts";

const params = z.strictObject({
  upn,
  template: text,
  variables: z.record(z.string(), z.string()),
  user: z.strictObject({
    displayName: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    jobTitle: z.string().optional(),
    department: z.string().optional(),
    email: z.string(),
    office: z.string().optional(),
  }),
});
type Params = z.output<typeof params>;

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

export const setSignature = defineAction({
  type: "mail.set-signature",
  params,
  ports: ["mailboxAdmin"],
  async plan(p, ctx) {
    const exchange = ctx.ports.mailboxAdmin;
    await requireMailbox(exchange, p.upn);
    const html = await render(p);
    const current = await exchange.signature(p.upn);
    if (current !== undefined && textOf(current) === textOf(html))
      return { kind: "already-done", detail: "this signature is already set" };
    return { kind: "will-change", summary: `set the email signature (${caveat})` };
  },
  async apply(p, ctx) {
    await ctx.ports.mailboxAdmin.setSignature(p.upn, await render(p));
    return { kind: "done", detail: `signature set for ${caveat}` };
  },
  async verify(p, ctx) {
    const current = await ctx.ports.mailboxAdmin.signature(p.upn);
    return current !== undefined && textOf(current) === textOf(await render(p))
      ? { kind: "verified" }
      : { kind: "not-verified", observed: current === undefined ? "no signature" : "a different signature" };
  },
});

import { z } from "zod";
import { renderTemplate } from "../../domain/liquid-template.ts";
import type { AutoReply, Ports } from "../../ports/index.ts";
import { defineAction, type StepContext } from "../define.ts";
import { actionError } from "../support/fail.ts";
import { htmlOf, textOf } from "../support/html-text.ts";
import { text, upn } from "../support/params.ts";
import { requireMailbox } from "../support/require-mailbox.ts";
import { managerOf } from "../support/resolve-manager.ts";
import { resolveUser } from "../support/resolve-user.ts";

const params = z.strictObject({
  upn,
  /** Plain text with Liquid: {{ user.displayName }}, {{ manager.displayName }}, {{ manager.mail }}. */
  message: text,
});
type Params = z.output<typeof params>;
type Ctx = StepContext<Pick<Ports, "directory" | "mailboxAdmin">>;

// Stands in for a manager the leaver does not have, to tell "names the manager" from any other mistake.
const someManager = { displayName: "", mail: "" };

/**
 * The message is typed as plain text in the form, so it is rendered without escaping and then turned
 * into the HTML Exchange expects as a whole. A leaver without a manager cannot be given a message that
 * names one: that fails as invalid before anything changes.
 */
async function render(p: Params, ctx: Ctx): Promise<string> {
  const dir = ctx.ports.directory;
  const user = await resolveUser(dir, p.upn);
  const manager = await managerOf(dir, p.upn);
  const scope = {
    user: {
      displayName: user.displayName,
      email: user.userPrincipalName,
      department: user.department ?? "",
      jobTitle: user.jobTitle ?? "",
    },
    ...(manager
      ? { manager: { displayName: manager.displayName, mail: await mailOf(ctx, manager.upn) } }
      : {}),
  };
  const renderWith = (s: Record<string, unknown>) =>
    renderTemplate(p.message, s, { what: "out-of-office message", escapeHtml: false });
  try {
    return htmlOf(await renderWith(scope));
  } catch (err) {
    // Rendering with a manager succeeds only if the manager was all that was missing.
    if (
      !manager &&
      (await renderWith({ ...scope, manager: someManager }).then(
        () => true,
        () => false,
      ))
    )
      throw actionError(
        "NO_MANAGER",
        `the out-of-office message names the manager, but ${p.upn} has no manager in the directory`,
        "invalid",
      );
    throw err;
  }
}

async function mailOf(ctx: Ctx, upn: string): Promise<string> {
  return (await ctx.ports.mailboxAdmin.mailbox(upn))?.primarySmtpAddress ?? upn.toLowerCase();
}

const matches = (r: AutoReply, html: string) =>
  r.state === "enabled" &&
  r.externalAudience === "all" &&
  textOf(r.internalMessage ?? "") === textOf(html) &&
  textOf(r.externalMessage ?? "") === textOf(html);

export const setOutOfOffice = defineAction({
  type: "mail.set-out-of-office",
  params,
  ports: ["directory", "mailboxAdmin"],
  async plan(p, ctx) {
    const exchange = ctx.ports.mailboxAdmin;
    await requireMailbox(exchange, p.upn);
    const html = await render(p, ctx);
    const current = await exchange.autoReply(p.upn);
    if (matches(current, html)) return { kind: "already-done", detail: "this reply is already on" };
    return {
      kind: "will-change",
      summary: "turn on the automatic reply, inside and outside the organisation",
      from: current.state,
      to: "enabled",
    };
  },
  async apply(p, ctx) {
    const html = await render(p, ctx);
    await ctx.ports.mailboxAdmin.setAutoReply(p.upn, {
      state: "enabled",
      internalMessage: html,
      externalMessage: html,
      externalAudience: "all",
    });
    return { kind: "done", detail: "automatic reply on for everyone" };
  },
  async verify(p, ctx) {
    const html = await render(p, ctx);
    const current = await ctx.ports.mailboxAdmin.autoReply(p.upn);
    return matches(current, html)
      ? { kind: "verified" }
      : {
          kind: "not-verified",
          observed: `reply ${current.state}, audience ${current.externalAudience ?? "unknown"}, message ${
            textOf(current.internalMessage ?? "") === textOf(html) ? "as rendered" : "different"
          }`,
        };
  },
});

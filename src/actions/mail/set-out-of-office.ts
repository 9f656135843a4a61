import { LifecycleError } from "../../domain/errors.ts";
import { renderTemplate } from "../../domain/liquid-template.ts";
import type { AutoReply, Capabilities } from "../../ports/index.ts";
import { defineAction, type StepContext } from "../define.ts";
import { managerOf } from "../identity/resolve-manager.ts";
import { resolveUser } from "../identity/resolve-user.ts";
import { need } from "../need.ts";
import { htmlOf, textOf } from "./html-text.ts";
import { requireMailbox } from "./require-mailbox.ts";

interface Params {
  upn: string;
  /** Plain text with Liquid: {{ user.displayName }}, {{ manager.displayName }}, {{ manager.mail }}. */
  message: string;
}

/**
 * The message is typed as plain text in the form, so it is rendered without escaping and then turned
 * into the HTML Exchange expects as a whole. A leaver without a manager cannot be given a message that
 * names one: that fails as invalid before anything changes.
 */
async function render(p: Params, ctx: StepContext<Capabilities>): Promise<string> {
  const dir = need(ctx.caps, "directory");
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
  try {
    return htmlOf(
      await renderTemplate(p.message, scope, { what: "out-of-office message", escapeHtml: false }),
    );
  } catch (err) {
    if (!manager && err instanceof LifecycleError && /\{\{ manager\b/.test(err.message))
      throw new LifecycleError({
        kind: "invalid",
        code: "NoManager",
        message: `the out-of-office message names the manager, but ${p.upn} has no manager in the directory`,
      });
    throw err;
  }
}

async function mailOf(ctx: StepContext<Capabilities>, upn: string): Promise<string> {
  return (await need(ctx.caps, "mailboxAdmin").mailbox(upn))?.primarySmtpAddress ?? upn.toLowerCase();
}

const matches = (r: AutoReply, html: string) =>
  r.state === "enabled" &&
  r.externalAudience === "all" &&
  textOf(r.internalMessage ?? "") === textOf(html) &&
  textOf(r.externalMessage ?? "") === textOf(html);

export const setOutOfOffice = defineAction<Params, Capabilities>("mail.set-out-of-office", {
  async plan(p, ctx) {
    const exchange = need(ctx.caps, "mailboxAdmin");
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
    await need(ctx.caps, "mailboxAdmin").setAutoReply(p.upn, {
      state: "enabled",
      internalMessage: html,
      externalMessage: html,
      externalAudience: "all",
    });
    return { kind: "done", detail: "automatic reply on for everyone" };
  },
  async verify(p, ctx) {
    const html = await render(p, ctx);
    const current = await need(ctx.caps, "mailboxAdmin").autoReply(p.upn);
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

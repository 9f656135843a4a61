import type { HaloActionRec, HaloContext, HaloTicketRec, HaloUserRec } from "./state.ts";

/** Records as Halo's answers carry them: the stored fields plus what Halo derives (names, closed). */

export function userView(ctx: HaloContext, u: HaloUserRec): Record<string, unknown> {
  const site = ctx.data.sites.get(u.site_id);
  const client = ctx.data.clients.get(u.client_id);
  return { ...u, site_name: site?.name ?? "", client_name: client?.name ?? "" };
}

export function ticketView(ctx: HaloContext, t: HaloTicketRec): Record<string, unknown> {
  const status = ctx.data.statuses.get(t.status_id);
  const client = ctx.data.clients.get(t.client_id);
  const user = t.user_id !== null ? ctx.data.users.get(t.user_id) : undefined;
  return {
    ...t,
    client_name: client?.name ?? "",
    user_name: user?.name ?? "",
    status_name: status?.name ?? "",
    hasbeenclosed: status?.closed ?? false,
  };
}

export function actionView(a: HaloActionRec, withHtml: boolean): Record<string, unknown> {
  const { system: _system, note_html, ...rest } = a;
  return withHtml ? { ...rest, note_html } : rest;
}

/** Halo keeps a plain-text note beside the HTML one. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/p>\s*<p[^>]*>/gi, "\n\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .trim();
}

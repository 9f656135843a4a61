import type { FastifyReply, FastifyRequest } from "fastify";
import { queryOf } from "../kit/pipeline.ts";
import { findInstance, type CwContext } from "./context.ts";

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const page = (reply: FastifyReply, status: number, title: string, body: string): FastifyReply =>
  reply
    .code(status)
    .header("content-type", "text/html; charset=utf-8")
    .send(`<!doctype html><html><head><title>${escape(title)}</title></head><body>${body}</body></html>`);

/**
 * Manage's web UI, as far as a ticket link leads: `/{codebase}ConnectWise.aspx?routeTo=ServiceFV&recid=
 * {id}&companyName={login company}` shows that ticket (its summary, board, status and notes), so a link a
 * connector puts in a run's record opens the ticket in the demo. No sign-in: the emulator's page is for the
 * person watching the demo, and a link to anything else is the UI's "not found".
 */
export function ticketPage(ctx: CwContext, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const q = queryOf(req);
  const instance = q.companyName ? findInstance(ctx, q.companyName) : undefined;
  const codebase = `${(req.params as { codebase?: string }).codebase ?? ""}/`;
  const ticket =
    instance && instance.codebase === codebase && q.routeTo === "ServiceFV" && /^\d+$/.test(q.recid ?? "")
      ? instance.tickets.get(Number(q.recid))
      : undefined;
  if (!instance || !ticket) return page(reply, 404, "Not found", "<h1>The record was not found.</h1>");
  const notes = instance.notes.get(ticket.id) ?? [];
  return page(
    reply,
    200,
    `Service Ticket #${ticket.id}`,
    `<h1>Service Ticket #${ticket.id} - ${escape(ticket.summary)}</h1>` +
      `<p>${escape(ticket.company.name ?? "")} · ${escape(ticket.board.name ?? "")} · ${escape(ticket.status.name ?? "")}</p>` +
      `<ol>${notes.map((n) => `<li><pre>${escape(n.text)}</pre></li>`).join("")}</ol>`,
  );
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { header, queryOf, requestInfo, sendPlainJson, takeLatency } from "../kit/pipeline.ts";
import { RouteTable, type TableRoute } from "../kit/routes.ts";
import { ours, sendHaloError, sendThrottled, sendUnauthorized, verbatim } from "./errors.ts";
import { actionView, htmlToText, ticketView, userView } from "./records.ts";
import type { LatencyClass } from "./settings.ts";
import type { HaloContext, HaloTicketRec, HaloUserRec, RequestInfo } from "./state.ts";

/** A refusal a route answers in Halo's error style. */
export class HaloHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Call {
  ctx: HaloContext;
  query: Record<string, string | undefined>;
  params: Record<string, string>;
  body: unknown;
  info: RequestInfo;
}

export interface HaloRoute extends TableRoute {
  latency: LatencyClass;
  handle(call: Call): unknown;
}

const truthy = (v: string | undefined, byDefault: boolean) =>
  v === undefined ? byDefault : v.toLowerCase() === "true" || v === "1";

function intOf(v: string | undefined): number | undefined {
  if (v === undefined || v === "") return undefined;
  if (!/^-?\d+$/.test(v)) throw new HaloHttpError(400, `The value '${v}' is not valid.`);
  return Number(v);
}

function idParam(call: Call): number {
  const id = intOf(call.params.id);
  if (id === undefined) throw new HaloHttpError(400, "An id is required");
  return id;
}

/** Halo's paging: pageinate=true with page_size (≤ the maximum) and 1-based page_no; else everything (or `count`). */
function page<T>(ctx: HaloContext, query: Call["query"], items: T[]): T[] {
  if (truthy(query.pageinate, false)) {
    const size = Math.min(intOf(query.page_size) ?? 50, ctx.settings.maxPageSize);
    const no = Math.max(1, intOf(query.page_no) ?? 1);
    return items.slice((no - 1) * size, no * size);
  }
  const count = intOf(query.count);
  return count !== undefined ? items.slice(0, count) : items;
}

interface Filter {
  filter_name: string;
  filter_type: number;
  filter_value: unknown;
}

/** advanced_search: a URL-encoded JSON array of filters; filter_type 2 is "equals". */
function advancedSearch(raw: string | undefined, allowed: readonly string[]): Filter[] {
  if (raw === undefined || raw === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HaloHttpError(400, verbatim.invalidAdvancedSearch);
  }
  const filters = Array.isArray(parsed) ? parsed : [parsed];
  for (const f of filters) {
    const ok =
      typeof f === "object" &&
      f !== null &&
      typeof (f as Filter).filter_name === "string" &&
      allowed.includes((f as Filter).filter_name) &&
      typeof (f as Filter).filter_type === "number";
    if (!ok) throw new HaloHttpError(400, verbatim.invalidAdvancedSearch);
  }
  return filters as Filter[];
}

function matches(record: Record<string, unknown>, filters: readonly Filter[]): boolean {
  return filters.every((f) => {
    const value = record[f.filter_name];
    const want = f.filter_value;
    if (f.filter_type === 2) return String(value ?? "").toLowerCase() === String(want ?? "").toLowerCase();
    // Other filter types: "contains", which is what the search box does.
    return String(value ?? "")
      .toLowerCase()
      .includes(String(want ?? "").toLowerCase());
  });
}

/** A POST body: always a JSON array of records (reference §1: every create and update). */
function elements(body: unknown): Record<string, unknown>[] {
  if (!Array.isArray(body) || body.some((e) => typeof e !== "object" || e === null || Array.isArray(e)))
    throw new HaloHttpError(400, ours.notAnArray);
  return body as Record<string, unknown>[];
}

const str = (v: unknown, fallback = ""): string =>
  typeof v === "string" ? v : v == null ? fallback : String(v);
const num = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v)
    ? Math.trunc(v)
    : typeof v === "string" && /^\d+$/.test(v)
      ? Number(v)
      : undefined;

/** The answer to a POST: the one record for a one-element array (CIPP reads `.id` off it), else the array. */
const answerOf = (records: unknown[]): unknown => (records.length === 1 ? records[0] : records);

function upsertUser(ctx: HaloContext, e: Record<string, unknown>): HaloUserRec {
  const d = ctx.data;
  const id = num(e.id);
  if (id !== undefined && id > 0) {
    const u = d.users.get(id);
    if (!u) throw new HaloHttpError(404, ours.notFound("User", id));
    for (const k of ["name", "firstname", "surname", "emailaddress", "title", "phonenumber"] as const)
      if (k in e) u[k] = str(e[k]);
    if (typeof e.inactive === "boolean") u.inactive = e.inactive;
    const site = num(e.site_id);
    if (site !== undefined) {
      const s = d.sites.get(site);
      if (!s) throw new HaloHttpError(400, ours.unknownSite(site));
      u.site_id = s.id;
      u.client_id = s.client_id;
    }
    return u;
  }
  // Users belong to a site: the one named, else the client's first.
  const siteId = num(e.site_id);
  const clientId = num(e.client_id);
  const site =
    siteId !== undefined
      ? d.sites.get(siteId)
      : [...d.sites.values()].find((s) => clientId !== undefined && s.client_id === clientId);
  if (!site)
    throw new HaloHttpError(
      400,
      siteId !== undefined ? ours.unknownSite(siteId) : ours.unknownClient(clientId ?? 0),
    );
  if (clientId !== undefined && clientId !== site.client_id)
    throw new HaloHttpError(400, ours.unknownSite(site.id));
  const firstname = str(e.firstname);
  const surname = str(e.surname);
  const user: HaloUserRec = {
    id: d.next.user++,
    name: str(e.name, `${firstname} ${surname}`.trim()) || `${firstname} ${surname}`.trim(),
    firstname,
    surname,
    emailaddress: str(e.emailaddress),
    site_id: site.id,
    client_id: site.client_id,
    inactive: e.inactive === true,
    title: str(e.title),
    phonenumber: str(e.phonenumber),
  };
  d.users.set(user.id, user);
  return user;
}

function setStatus(ctx: HaloContext, t: HaloTicketRec, statusId: number): void {
  const status = ctx.data.statuses.get(statusId);
  if (!status) throw new HaloHttpError(400, ours.unknownStatus(statusId));
  if (t.status_id === statusId) return;
  const old = ctx.data.statuses.get(t.status_id);
  t.status_id = statusId;
  t.dateclosed = status.closed ? new Date(ctx.clock.now()).toISOString() : null;
  systemAction(ctx, t.id, `Status changed from ${old?.name ?? t.status_id} to ${status.name}`, statusId);
}

function systemAction(
  ctx: HaloContext,
  ticketId: number,
  note: string,
  newStatus: number | null = null,
): void {
  const id = ctx.data.next.action++;
  ctx.data.actions.set(id, {
    id,
    ticket_id: ticketId,
    outcome_id: 0,
    outcome: "System",
    hiddenfromuser: true,
    note,
    note_html: `<p>${note}</p>`,
    system: true,
    datetime: new Date(ctx.clock.now()).toISOString(),
    new_status: newStatus,
  });
}

function upsertTicket(ctx: HaloContext, e: Record<string, unknown>): HaloTicketRec {
  const d = ctx.data;
  const id = num(e.id);
  if (id !== undefined && id > 0) {
    const t = d.tickets.get(id);
    if (!t) throw new HaloHttpError(404, ours.notFound("Ticket", id));
    for (const k of ["summary", "team", "third_party_id_string", "client_reference"] as const)
      if (k in e) t[k] = str(e[k]);
    if (typeof e.details_html === "string") {
      t.details_html = e.details_html;
      t.details = htmlToText(e.details_html);
    }
    const status = num(e.status_id);
    if (status !== undefined) setStatus(ctx, t, status);
    return t;
  }
  const userId = num(e.user_id);
  const user = userId !== undefined && userId > 0 ? d.users.get(userId) : undefined;
  if (userId !== undefined && userId > 0 && !user)
    throw new HaloHttpError(400, ours.notFound("User", userId));
  const siteId = num(e.site_id);
  if (user && siteId === undefined) throw new HaloHttpError(400, ours.siteRequired);
  const site = siteId !== undefined ? d.sites.get(siteId) : undefined;
  if (siteId !== undefined && !site) throw new HaloHttpError(400, ours.unknownSite(siteId));
  const clientId = num(e.client_id) ?? site?.client_id ?? user?.client_id;
  if (clientId === undefined || !d.clients.has(clientId))
    throw new HaloHttpError(400, ours.unknownClient(clientId ?? 0));
  const statusId = num(e.status_id) ?? 1;
  if (!d.statuses.has(statusId)) throw new HaloHttpError(400, ours.unknownStatus(statusId));
  const html = typeof e.details_html === "string" ? e.details_html : `<p>${str(e.details)}</p>`;
  const ticket: HaloTicketRec = {
    id: d.next.ticket++,
    summary: str(e.summary),
    details: typeof e.details === "string" ? e.details : htmlToText(html),
    details_html: html,
    client_id: clientId,
    site_id: site?.id ?? null,
    user_id: user?.id ?? null,
    tickettype_id: num(e.tickettype_id) ?? 1,
    status_id: statusId,
    priority_id: num(e.priority_id) ?? null,
    team: str(e.team),
    third_party_id_string: str(e.third_party_id_string),
    client_reference: str(e.client_reference),
    dateoccurred: new Date(ctx.clock.now()).toISOString(),
    dateclosed: null,
  };
  d.tickets.set(ticket.id, ticket);
  systemAction(ctx, ticket.id, "Ticket logged");
  return ticket;
}

function addAction(ctx: HaloContext, e: Record<string, unknown>): Record<string, unknown> {
  const d = ctx.data;
  const ticketId = num(e.ticket_id);
  const ticket = ticketId !== undefined ? d.tickets.get(ticketId) : undefined;
  if (!ticket) throw new HaloHttpError(404, ours.notFound("Ticket", ticketId ?? 0));
  const outcomeId = num(e.outcome_id);
  const outcome =
    outcomeId !== undefined
      ? d.outcomes.get(outcomeId)
      : [...d.outcomes.values()].find((o) => typeof e.outcome === "string" && o.outcome === e.outcome);
  if (!outcome) throw new HaloHttpError(400, verbatim.outcomeRequired);
  const html = typeof e.note_html === "string" ? e.note_html : `<p>${str(e.note)}</p>`;
  const id = d.next.action++;
  const newStatus = num(e.new_status);
  const action = {
    id,
    ticket_id: ticket.id,
    outcome_id: outcome.id,
    outcome: outcome.outcome,
    hiddenfromuser: e.hiddenfromuser === true,
    note: typeof e.note === "string" ? e.note : htmlToText(html),
    note_html: html,
    system: false,
    datetime: new Date(ctx.clock.now()).toISOString(),
    new_status: newStatus ?? null,
  };
  d.actions.set(id, action);
  if (newStatus !== undefined) setStatus(ctx, ticket, newStatus);
  return actionView(action, true);
}

const search = (needle: string | undefined, ...fields: string[]) =>
  needle === undefined || needle === "" || fields.some((f) => f.toLowerCase().includes(needle.toLowerCase()));

/** The API surface the connector uses, with the spec's paths (case-insensitive, as Halo's ASP.NET routes). */
export const haloRoutes: HaloRoute[] = [
  {
    method: "GET",
    path: "/Users",
    latency: "read",
    handle({ ctx, query }) {
      const filters = advancedSearch(query.advanced_search, ctx.settings.userSearchFields);
      const clientId = intOf(query.client_id);
      const siteId = intOf(query.site_id);
      const active = truthy(query.includeactive, true);
      const inactive = truthy(query.includeinactive, false);
      const all = [...ctx.data.users.values()]
        .filter((u) => clientId === undefined || u.client_id === clientId)
        .filter((u) => siteId === undefined || u.site_id === siteId)
        .filter((u) => (u.inactive ? inactive : active))
        .filter((u) => search(query.search, u.name, u.emailaddress))
        .map((u) => userView(ctx, u))
        .filter((u) => matches(u, filters));
      return { record_count: all.length, users: page(ctx, query, all) };
    },
  },
  {
    method: "GET",
    path: "/Users/{id}",
    latency: "read",
    handle(call) {
      const id = idParam(call);
      const u = call.ctx.data.users.get(id);
      if (!u) throw new HaloHttpError(404, ours.notFound("User", id));
      return userView(call.ctx, u);
    },
  },
  {
    method: "POST",
    path: "/Users",
    latency: "write",
    handle: ({ ctx, body }) => answerOf(elements(body).map((e) => userView(ctx, upsertUser(ctx, e)))),
  },
  {
    method: "GET",
    path: "/Tickets",
    latency: "read",
    handle({ ctx, query }) {
      const filters = advancedSearch(query.advanced_search, ctx.settings.ticketSearchFields);
      const clientId = intOf(query.client_id);
      // The spec's two filters; with neither, the (undocumented) default decides.
      const openOnly = truthy(query.open_only, false);
      const closedOnly = truthy(query.closed_only, false);
      const listed = (closed: boolean) =>
        openOnly || closedOnly
          ? (openOnly && !closed) || (closedOnly && closed)
          : !closed || ctx.settings.ticketListIncludesClosed;
      const all = [...ctx.data.tickets.values()]
        .filter((t) => clientId === undefined || t.client_id === clientId)
        .filter((t) => search(query.search, t.summary, t.details, String(t.id)))
        .map((t) => ticketView(ctx, t))
        .filter((t) => listed(t.hasbeenclosed === true) && matches(t, filters));
      return { record_count: all.length, tickets: page(ctx, query, all) };
    },
  },
  {
    method: "GET",
    path: "/Tickets/{id}",
    latency: "read",
    handle(call) {
      const id = idParam(call);
      const t = call.ctx.data.tickets.get(id);
      if (!t) throw new HaloHttpError(404, ours.notFound("Ticket", id));
      return ticketView(call.ctx, t);
    },
  },
  {
    method: "POST",
    path: "/Tickets",
    latency: "write",
    handle: ({ ctx, body }) => answerOf(elements(body).map((e) => ticketView(ctx, upsertTicket(ctx, e)))),
  },
  {
    method: "GET",
    path: "/Actions",
    latency: "read",
    handle({ ctx, query }) {
      const ticketId = intOf(query.ticket_id);
      const withHtml = truthy(query.includehtmlnote, false);
      const all = [...ctx.data.actions.values()]
        .filter((a) => ticketId === undefined || a.ticket_id === ticketId)
        .filter((a) => !(a.system && truthy(query.excludesys, false)))
        .map((a) => actionView(a, withHtml));
      const count = intOf(query.count);
      const actions = count !== undefined ? all.slice(0, count) : all;
      return { record_count: all.length, actions };
    },
  },
  {
    method: "POST",
    path: "/Actions",
    latency: "write",
    handle: ({ ctx, body }) => answerOf(elements(body).map((e) => addAction(ctx, e))),
  },
  {
    method: "GET",
    path: "/Status",
    latency: "read",
    // A lookup list: the bare array (no record_count), as Halo's lookups answer.
    handle: ({ ctx }) => [...ctx.data.statuses.values()].map((s) => ({ id: s.id, name: s.name })),
  },
];

export const haloTable = new RouteTable<HaloRoute>("/api", haloRoutes, [], false);

/** The app a bearer token was issued to, or undefined when it is missing, unknown or expired. */
function appOf(ctx: HaloContext, req: FastifyRequest): string | undefined {
  const token = /^Bearer\s+(.+)$/i.exec(header(req, "authorization") ?? "")?.[1];
  const grant = token ? ctx.tokens.get(token) : undefined;
  if (!grant || grant.expiresAt <= ctx.clock.now() || !ctx.data.apps.has(grant.clientId)) return undefined;
  return grant.clientId;
}

export function registerApiRoutes(app: FastifyInstance, ctx: HaloContext): void {
  haloTable.register((method, url, route) =>
    app.route({
      method,
      url,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const info = requestInfo(ctx, req);
        if (req.method !== "GET") info.extra.requestBody = req.body;
        await takeLatency(info, ctx.settings.latency, route.latency, ctx.random);
        const appId = appOf(ctx, req);
        if (!appId) return sendUnauthorized(reply);
        info.appId = appId;
        const { requests, windowMs } = ctx.settings.rateLimit;
        const spent = ctx.buckets.spend(
          appId,
          ctx.clock.now(),
          [{ key: "api", capacity: requests, windowMs, cost: 1, reason: "requests" }],
          "requests",
        );
        if (!spent.ok) return sendThrottled(reply, spent.retryAfterMs);
        try {
          const body = route.handle({
            ctx,
            query: queryOf(req),
            params: req.params as Record<string, string>,
            body: req.body,
            info,
          });
          info.extra.responseBody = body;
          return sendPlainJson(reply, 200, body);
        } catch (error) {
          if (!(error instanceof HaloHttpError)) throw error;
          return sendHaloError(ctx, reply, info, error.status, error.message);
        }
      },
    }),
  );
}

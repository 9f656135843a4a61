import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { header, originOf, queryOf, requestInfo, takeLatency } from "../kit/pipeline.ts";
import { RouteTable, type TableRoute } from "../kit/routes.ts";
import { ItglueHttpError, mediaType, ours, sendError, sendErrors, sendThrottled } from "./errors.ts";
import { contactView, organizationView, passwordView, type Resource } from "./records.ts";
import type { LatencyClass } from "./settings.ts";
import {
  isoNow,
  type ApiKeyRec,
  type ContactRec,
  type ItglueContext,
  type LabelledValue,
  type PasswordRec,
  type RequestInfo,
} from "./state.ts";

interface Call {
  ctx: ItglueContext;
  key: ApiKeyRec;
  query: Record<string, string | undefined>;
  params: Record<string, string>;
  body: unknown;
  /** Where the client reached us, for paging links. */
  origin: string;
  path: string;
}

interface Answer {
  status: number;
  body: unknown;
}

export interface ItglueRoute extends TableRoute {
  latency: LatencyClass;
  /** Served only to a key with password access. */
  passwords?: boolean;
  handle(call: Call): Answer;
}

type Attrs = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** An id in a path: IT Glue's ids are integers, and anything else finds nothing. */
function idOf(raw: string | undefined, what: string): number {
  if (!raw || !/^\d{1,15}$/.test(raw)) throw new ItglueHttpError(404, ours.notFound(what, raw ?? ""));
  return Number(raw);
}

const int = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isInteger(v)
    ? v
    : typeof v === "string" && /^\d+$/.test(v)
      ? Number(v)
      : undefined;

const text = (v: unknown): string | undefined =>
  typeof v === "string" ? v : v === null ? "" : typeof v === "number" ? String(v) : undefined;

const pointer = (name: string) => `/data/attributes/${name}`;

/** `{ data: { type, attributes } }`, the only write body IT Glue takes (reference §6). */
function attributesOf(body: unknown, type: string): Attrs {
  if (!isObject(body) || !isObject(body.data)) throw new ItglueHttpError(400, ours.missingData);
  if (body.data.type !== type) throw new ItglueHttpError(409, ours.wrongType(type, body.data.type));
  const attributes = body.data.attributes ?? {};
  if (!isObject(attributes)) throw new ItglueHttpError(400, ours.missingData);
  return attributes;
}

/** JSON:API paging (§6): page[number] from 1, page[size] up to the maximum, `meta` and `links`. */
function paged(call: Call, resources: Resource[]): Answer {
  const s = call.ctx.settings;
  const size = Math.min(Math.max(1, int(call.query["page[size]"]) ?? s.defaultPageSize), s.maxPageSize);
  const number = Math.max(1, int(call.query["page[number]"]) ?? 1);
  const totalPages = Math.max(1, Math.ceil(resources.length / size));
  const link = (n: number) => {
    const q = new URLSearchParams(
      Object.entries(call.query).filter((e): e is [string, string] => e[1] !== undefined),
    );
    q.set("page[number]", String(n));
    q.set("page[size]", String(size));
    return `${call.origin}${call.path}?${q.toString()}`;
  };
  const filters = Object.fromEntries(
    Object.entries(call.query)
      .filter(([k]) => k.startsWith("filter["))
      .map(([k, v]) => [k.slice(7, -1), v]),
  );
  return {
    status: 200,
    body: {
      data: resources.slice((number - 1) * size, number * size),
      meta: {
        "current-page": number,
        "next-page": number < totalPages ? number + 1 : null,
        "prev-page": number > 1 ? number - 1 : null,
        "total-pages": totalPages,
        "total-count": resources.length,
        filters,
      },
      links: {
        self: link(number),
        first: link(1),
        ...(number > 1 ? { prev: link(number - 1) } : {}),
        ...(number < totalPages ? { next: link(number + 1) } : {}),
        last: link(totalPages),
      },
    },
  };
}

const sameText = (a: string, b: string | undefined) =>
  b === undefined || a.trim().toLowerCase() === b.trim().toLowerCase();

function organization(ctx: ItglueContext, raw: string | undefined) {
  const id = idOf(raw, "Organization");
  const org = ctx.data.organizations.get(id);
  if (!org) throw new ItglueHttpError(404, ours.notFound("Organization", id));
  return org;
}

function labelledValues(v: unknown, field: string): LabelledValue[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new ItglueHttpError(422, ours.notIncluded(field), pointer(field));
  return v.map((e, i) => {
    const value = isObject(e) ? text(e.value) : undefined;
    if (!value?.trim()) throw new ItglueHttpError(422, ours.blank("Value"), `${pointer(field)}/${i}/value`);
    return {
      value: value.trim(),
      primary: isObject(e) && e.primary === true,
      labelName: (isObject(e) && text(e["label-name"])) || "Work",
    };
  });
}

/** The contact fields a create or update may set, checked as IT Glue's validations would. */
function applyContact(ctx: ItglueContext, c: ContactRec, a: Attrs): void {
  if ("first-name" in a) {
    const first = text(a["first-name"])?.trim();
    if (!first) throw new ItglueHttpError(422, ours.blank("First name"), pointer("first-name"));
    c.firstName = first;
  }
  if ("last-name" in a) c.lastName = text(a["last-name"])?.trim() ?? "";
  if ("title" in a) c.title = text(a.title) ?? "";
  if ("notes" in a) c.notes = text(a.notes) ?? "";
  if ("important" in a) c.important = a.important === true;
  if ("contact-type-id" in a) {
    const typeId = a["contact-type-id"] === null ? null : int(a["contact-type-id"]);
    if (typeId === undefined || (typeId !== null && !ctx.data.contactTypes.has(typeId)))
      throw new ItglueHttpError(
        422,
        ours.unknownRef("Contact type", a["contact-type-id"]),
        pointer("contact-type-id"),
      );
    c.contactTypeId = typeId;
  }
  if ("contact-emails" in a) c.emails = labelledValues(a["contact-emails"], "contact-emails");
  if ("contact-phones" in a) c.phones = labelledValues(a["contact-phones"], "contact-phones");
}

function createContact(ctx: ItglueContext, orgId: number, a: Attrs): Answer {
  if (!text(a["first-name"])?.trim())
    throw new ItglueHttpError(422, ours.blank("First name"), pointer("first-name"));
  const now = isoNow(ctx);
  const c: ContactRec = {
    id: ctx.data.next.contact++,
    organizationId: orgId,
    firstName: "",
    lastName: "",
    title: "",
    contactTypeId: null,
    important: false,
    notes: "",
    emails: [],
    phones: [],
    psaId: null,
    psaIntegrationType: null,
    createdAt: now,
    updatedAt: now,
  };
  applyContact(ctx, c, a);
  ctx.data.contacts.set(c.id, c);
  return { status: 201, body: { data: contactView(ctx, c) } };
}

function applyPassword(ctx: ItglueContext, p: PasswordRec, a: Attrs): void {
  if ("name" in a) {
    const name = text(a.name)?.trim();
    if (!name) throw new ItglueHttpError(422, ours.blank("Name"), pointer("name"));
    p.name = name;
  }
  for (const [attr, field] of [
    ["username", "username"],
    ["password", "password"],
    ["url", "url"],
    ["notes", "notes"],
  ] as const)
    if (attr in a) p[field] = text(a[attr]) ?? "";
  if ("password-category-id" in a) p.categoryId = int(a["password-category-id"]) ?? null;
  if ("password-folder-id" in a) p.folderId = int(a["password-folder-id"]) ?? null;
  if ("archived" in a) {
    if (!ctx.settings.passwordsArchivable)
      throw new ItglueHttpError(422, ours.notArchivable, pointer("archived"));
    p.archived = a.archived === true || a.archived === "true";
  }
}

function createPassword(ctx: ItglueContext, orgId: number, a: Attrs): Answer {
  if (!text(a.name)?.trim()) throw new ItglueHttpError(422, ours.blank("Name"), pointer("name"));
  const hasId = a["resource-id"] !== undefined && a["resource-id"] !== null;
  const hasType = a["resource-type"] !== undefined && a["resource-type"] !== null;
  let resourceId: number | null = null;
  let resourceType: string | null = null;
  // Both make an embedded password, neither a general one (reference §6).
  if (hasId || hasType) {
    resourceType = text(a["resource-type"]) ?? "";
    if (!ctx.settings.embeddableResourceTypes.includes(resourceType))
      throw new ItglueHttpError(422, ours.notIncluded("Resource type"), pointer("resource-type"));
    const id = int(a["resource-id"]);
    if (id === undefined) throw new ItglueHttpError(422, ours.blank("Resource"), pointer("resource-id"));
    if (resourceType === "Contact" && ctx.data.contacts.get(id)?.organizationId !== orgId)
      throw new ItglueHttpError(422, ours.unknownRef("Resource", id), pointer("resource-id"));
    resourceId = id;
  }
  const now = isoNow(ctx);
  const p: PasswordRec = {
    id: ctx.data.next.password++,
    organizationId: orgId,
    name: "",
    username: "",
    password: "",
    url: "",
    notes: "",
    categoryId: null,
    folderId: null,
    resourceId,
    resourceType,
    archived: false,
    createdAt: now,
    updatedAt: now,
  };
  // A new password starts in use, whatever the body says.
  const { archived: _archived, ...settable } = a;
  applyPassword(ctx, p, settable);
  ctx.data.passwords.set(p.id, p);
  return { status: 201, body: { data: passwordView(ctx, p) } };
}

/** The organisation a write names: the path's, or `organization-id` on the flat collection route. */
function writeOrg(call: Call, a: Attrs): number {
  if (call.params.organization_id !== undefined)
    return organization(call.ctx, call.params.organization_id).id;
  const id = int(a["organization-id"]);
  if (id === undefined || !call.ctx.data.organizations.has(id))
    throw new ItglueHttpError(
      422,
      ours.unknownRef("Organization", a["organization-id"]),
      pointer("organization-id"),
    );
  return id;
}

const contactIndex = (call: Call, orgId?: number): Answer => {
  const { ctx, query } = call;
  const org = orgId ?? int(query["filter[organization_id]"]);
  const typeId = int(query["filter[contact_type_id]"]);
  const all = [...ctx.data.contacts.values()]
    .filter((c) => org === undefined || c.organizationId === org)
    .filter((c) => typeId === undefined || c.contactTypeId === typeId)
    .filter((c) => sameText(c.firstName, query["filter[first_name]"]))
    .filter((c) => sameText(c.lastName, query["filter[last_name]"]))
    .filter((c) => query["filter[psa_id]"] === undefined || c.psaId === query["filter[psa_id]"])
    .filter((c) => {
      const wanted = query["filter[primary_email]"];
      if (wanted === undefined) return true;
      const primary = c.emails.find((e) => e.primary) ?? c.emails[0];
      return primary !== undefined && sameText(primary.value, wanted);
    })
    .map((c) => contactView(ctx, c));
  return paged(call, all);
};

function contactOf(ctx: ItglueContext, raw: string | undefined): ContactRec {
  const id = idOf(raw, "Contact");
  const c = ctx.data.contacts.get(id);
  if (!c) throw new ItglueHttpError(404, ours.notFound("Contact", id));
  return c;
}

function passwordOf(ctx: ItglueContext, raw: string | undefined): PasswordRec {
  const id = idOf(raw, "Password");
  const p = ctx.data.passwords.get(id);
  if (!p) throw new ItglueHttpError(404, ours.notFound("Password", id));
  return p;
}

const truth = (v: string | undefined): boolean | undefined =>
  v === undefined
    ? undefined
    : v === "true" || v === "1"
      ? true
      : v === "false" || v === "0"
        ? false
        : undefined;

/** The paths the connector uses, as IT Glue's developer docs and the PowerShell wrapper write them. */
export const itglueRoutes: ItglueRoute[] = [
  {
    method: "GET",
    path: "/organizations/{id}",
    latency: "read",
    handle: ({ ctx, params }) => ({
      status: 200,
      body: { data: organizationView(organization(ctx, params.id)) },
    }),
  },
  {
    method: "GET",
    path: "/contact_types",
    latency: "read",
    handle: (call) =>
      paged(
        call,
        [...call.ctx.data.contactTypes.values()].map((t) => ({
          id: String(t.id),
          type: "contact-types",
          attributes: { name: t.name },
          relationships: {},
        })),
      ),
  },
  { method: "GET", path: "/contacts", latency: "read", handle: (call) => contactIndex(call) },
  {
    method: "GET",
    path: "/organizations/{organization_id}/relationships/contacts",
    latency: "read",
    handle: (call) => contactIndex(call, organization(call.ctx, call.params.organization_id).id),
  },
  {
    method: "GET",
    path: "/contacts/{id}",
    latency: "read",
    handle: ({ ctx, params }) => ({
      status: 200,
      body: { data: contactView(ctx, contactOf(ctx, params.id)) },
    }),
  },
  {
    method: "POST",
    path: "/organizations/{organization_id}/relationships/contacts",
    latency: "write",
    handle: (call) => {
      const a = attributesOf(call.body, "contacts");
      return createContact(call.ctx, writeOrg(call, a), a);
    },
  },
  {
    method: "POST",
    path: "/contacts",
    latency: "write",
    handle: (call) => {
      const a = attributesOf(call.body, "contacts");
      return createContact(call.ctx, writeOrg(call, a), a);
    },
  },
  {
    method: "PATCH",
    path: "/contacts/{id}",
    latency: "write",
    handle: ({ ctx, params, body }) => {
      const c = contactOf(ctx, params.id);
      const a = attributesOf(body, "contacts");
      if (c.psaIntegrationType !== null && ctx.settings.psaSyncedReadOnly)
        throw new ItglueHttpError(422, ours.psaSynced);
      const draft = structuredClone(c);
      applyContact(ctx, draft, a);
      draft.updatedAt = isoNow(ctx);
      ctx.data.contacts.set(c.id, draft);
      return { status: 200, body: { data: contactView(ctx, draft) } };
    },
  },
  {
    method: "GET",
    path: "/passwords",
    latency: "read",
    passwords: true,
    handle: (call) => {
      const { ctx, query } = call;
      const org = int(query["filter[organization_id]"]);
      const archived = truth(query["filter[archived]"]);
      const all = [...ctx.data.passwords.values()]
        .filter((p) => org === undefined || p.organizationId === org)
        .filter((p) => sameText(p.name, query["filter[name]"]))
        .filter((p) => query["filter[id]"] === undefined || String(p.id) === query["filter[id]"])
        .filter((p) =>
          archived === undefined
            ? ctx.settings.passwordListIncludesArchived || !p.archived
            : p.archived === archived,
        )
        .map((p) => passwordView(ctx, p));
      return paged(call, all);
    },
  },
  {
    method: "GET",
    path: "/passwords/{id}",
    latency: "read",
    passwords: true,
    handle: ({ ctx, params, query, key }) => {
      const p = passwordOf(ctx, params.id);
      const show = ctx.settings.showPasswords && key.passwordAccess && query.show_password !== "false";
      return { status: 200, body: { data: passwordView(ctx, p, show) } };
    },
  },
  {
    method: "POST",
    path: "/organizations/{organization_id}/relationships/passwords",
    latency: "write",
    passwords: true,
    handle: (call) => {
      const a = attributesOf(call.body, "passwords");
      return createPassword(call.ctx, writeOrg(call, a), a);
    },
  },
  {
    method: "POST",
    path: "/passwords",
    latency: "write",
    passwords: true,
    handle: (call) => {
      const a = attributesOf(call.body, "passwords");
      return createPassword(call.ctx, writeOrg(call, a), a);
    },
  },
  {
    method: "PATCH",
    path: "/passwords/{id}",
    latency: "write",
    passwords: true,
    handle: ({ ctx, params, body }) => {
      const p = passwordOf(ctx, params.id);
      const a = attributesOf(body, "passwords");
      const draft = structuredClone(p);
      applyPassword(ctx, draft, a);
      draft.updatedAt = isoNow(ctx);
      ctx.data.passwords.set(p.id, draft);
      return { status: 200, body: { data: passwordView(ctx, draft) } };
    },
  },
];

export const itglueTable = new RouteTable<ItglueRoute>("", itglueRoutes);

/** A copy fit for the call log: every `password` value replaced, wherever it sits. */
export function withoutPasswords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPasswords);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === "password" && typeof v === "string" ? "[redacted]" : withoutPasswords(v),
    ]),
  );
}

function keyOf(ctx: ItglueContext, req: FastifyRequest): ApiKeyRec | undefined {
  const key = header(req, "x-api-key");
  return key ? ctx.data.keys.get(key) : undefined;
}

export function registerApiRoutes(app: FastifyInstance, ctx: ItglueContext): void {
  itglueTable.register((method, url, route) =>
    app.route({
      method,
      url,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const info: RequestInfo = requestInfo(ctx, req);
        info.extra.contentType = header(req, "content-type");
        if (req.body !== undefined) info.extra.requestBody = withoutPasswords(req.body);
        await takeLatency(info, ctx.settings.latency, route.latency, ctx.random);
        const key = keyOf(ctx, req);
        if (!key) return sendError(reply, info, 401, ours.badKey);
        info.appId = key.name;
        info.tenantId = key.name;
        const { requests, windowMs } = ctx.settings.rateLimit;
        const spent = ctx.buckets.spend(
          key.name,
          ctx.clock.now(),
          [{ key: "api", capacity: requests, windowMs, cost: 1, reason: "requests" }],
          "requests",
        );
        if (!spent.ok) return sendThrottled(ctx, reply, info, spent.retryAfterMs);
        if (route.passwords && !key.passwordAccess) return sendError(reply, info, 403, ours.noPasswordAccess);
        if (
          req.method !== "GET" &&
          ctx.settings.requireJsonApiMediaType &&
          !/^application\/vnd\.api\+json\b/i.test(info.extra.contentType ?? "")
        )
          return sendError(reply, info, 415, ours.mediaType);
        try {
          const answer = route.handle({
            ctx,
            key,
            query: queryOf(req),
            params: req.params as Record<string, string>,
            body: req.body,
            origin: originOf(req),
            path: req.url.split("?")[0] ?? req.url,
          });
          info.extra.responseBody = withoutPasswords(answer.body);
          return reply
            .code(answer.status)
            .header("content-type", mediaType)
            .send(JSON.stringify(answer.body));
        } catch (error) {
          if (!(error instanceof ItglueHttpError)) throw error;
          return sendErrors(reply, info, error.status, error.members);
        }
      },
    }),
  );
}

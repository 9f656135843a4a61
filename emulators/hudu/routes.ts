import type { TableRoute } from "../kit/routes.ts";
import type { HuduContext } from "./context.ts";
import { huduErrors } from "./errors.ts";
import {
  fieldKey,
  iso,
  nextId,
  slugOf,
  type ApiKey,
  type Asset,
  type Instance,
  type Password,
} from "./model.ts";
import { renderAsset, renderCompany, renderLayout, renderPassword } from "./render.ts";
import type { LatencyClass } from "./settings.ts";

/** One authenticated API call, as a route sees it. */
export interface HuduCall {
  ctx: HuduContext;
  key: ApiKey;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: unknown;
  /** Where the client reached the instance, for the answers' URLs. */
  origin: string;
  now: number;
}

export interface HuduResult {
  status: number;
  body: unknown;
}

export interface HuduRoute extends TableRoute {
  latency: LatencyClass;
  /** asset_passwords: only keys with password access. */
  passwords?: boolean;
  handle(call: HuduCall): HuduResult;
}

/** Where the API lives: https://{domain}/api/v1. */
export const apiPrefix = "/api/v1";

const ok = (body: unknown, status = 200): HuduResult => ({ status, body });

/** A path or query id: a number Hudu could have issued, else the record is not found. */
function idOf(raw: string | undefined): number {
  if (!raw || !/^\d{1,15}$/.test(raw)) throw huduErrors.notFound();
  return Number(raw);
}

/** The body's wrapper object ({"asset": {…}}), which Rails' strong parameters require. */
function wrapped(body: unknown, key: string): Record<string, unknown> {
  const inner =
    typeof body === "object" && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  if (typeof inner !== "object" || inner === null || Array.isArray(inner))
    throw huduErrors.unprocessable(`param is missing or the value is empty: ${key}`);
  return inner as Record<string, unknown>;
}

const str = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;

/** `page` (1-based) and `page_size`: no total is sent, a short page is the last. */
function pageOf<T>(ctx: HuduContext, items: T[], query: Record<string, string | undefined>): T[] {
  const page = Math.max(1, Number.parseInt(query.page ?? "1", 10) || 1);
  const asked = Number.parseInt(query.page_size ?? "", 10);
  const size = Math.min(ctx.settings.maxPageSize, asked > 0 ? asked : ctx.settings.defaultPageSize);
  return items.slice((page - 1) * size, page * size);
}

/** `archived=true` lists only archived records; without it (or false), only live ones. */
const archivedWanted = (query: Record<string, string | undefined>): boolean =>
  (query.archived ?? "").toLowerCase() === "true";

function company(instance: Instance, raw: string | undefined) {
  const found = instance.companies.get(idOf(raw));
  if (!found) throw huduErrors.notFound();
  return found;
}

function assetOf(instance: Instance, companyRaw: string | undefined, raw: string | undefined): Asset {
  const c = company(instance, companyRaw);
  const asset = instance.assets.get(idOf(raw));
  if (!asset || asset.company_id !== c.id) throw huduErrors.notFound();
  return asset;
}

/** `search`: case-insensitive, anywhere in the name, primary fields or a text field's value. */
function searchable(a: Asset): string[] {
  return [a.name, a.primary_mail, a.primary_serial, ...Object.values(a.values).map(str)].filter(
    (v): v is string => typeof v === "string",
  );
}

/** custom_fields: one-key objects keyed by a field's label (snake_cased, or as shown), merged into values. */
function applyCustomFields(ctx: HuduContext, asset: Asset, input: unknown): void {
  if (input === undefined) return;
  if (!Array.isArray(input)) throw huduErrors.unprocessable("custom_fields must be an array");
  const layout = ctx.instance.layouts.get(asset.asset_layout_id);
  for (const item of input) {
    if (typeof item !== "object" || item === null || Array.isArray(item))
      throw huduErrors.unprocessable("custom_fields must be an array of objects");
    for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
      const field = layout?.fields.find((f) => fieldKey(f.label) === fieldKey(key));
      if (field) asset.values[field.id] = value;
      else if (ctx.settings.unknownCustomField === "reject")
        throw huduErrors.unprocessable(`Unknown custom field: ${key}`);
    }
  }
}

function passwordOf(instance: Instance, raw: string | undefined): Password {
  const p = instance.passwords.get(idOf(raw));
  if (!p) throw huduErrors.notFound();
  return p;
}

const setArchived = (ctx: HuduContext, record: { archived: boolean; updated_at: string }, to: boolean) => {
  if (record.archived !== to) {
    record.archived = to;
    record.updated_at = iso(ctx.clock.now());
  }
};

export const huduRoutes: HuduRoute[] = [
  {
    method: "GET",
    path: "/api_info",
    latency: "read",
    handle: () => ok({ version: "2.44.0", date: "2026-07-24" }),
  },
  {
    method: "GET",
    path: "/companies",
    latency: "read",
    handle: ({ ctx, query, origin }) => {
      const term = query.search?.toLowerCase();
      const all = [...ctx.instance.companies.values()].filter(
        (c) =>
          (query.name === undefined || c.name === query.name) &&
          (query.id_in_integration === undefined || c.id_in_integration === query.id_in_integration) &&
          (query.slug === undefined || c.slug === query.slug) &&
          (term === undefined || c.name.toLowerCase().includes(term)),
      );
      return ok({ companies: pageOf(ctx, all, query).map((c) => renderCompany(c, origin)) });
    },
  },
  {
    method: "GET",
    path: "/companies/{id}",
    latency: "read",
    handle: ({ ctx, params, origin }) =>
      ok({ company: renderCompany(company(ctx.instance, params.id), origin) }),
  },
  {
    method: "GET",
    path: "/asset_layouts/{id}",
    latency: "read",
    handle: ({ ctx, params }) => {
      const layout = ctx.instance.layouts.get(idOf(params.id));
      if (!layout) throw huduErrors.notFound();
      return ok({ asset_layout: renderLayout(layout) });
    },
  },
  {
    method: "GET",
    path: "/assets",
    latency: "read",
    handle: ({ ctx, query, origin }) => {
      const term = query.search?.trim().toLowerCase();
      const archived = archivedWanted(query);
      const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
      const all = [...ctx.instance.assets.values()].filter(
        (a) =>
          a.archived === archived &&
          (num(query.company_id) === undefined || a.company_id === num(query.company_id)) &&
          (num(query.asset_layout_id) === undefined || a.asset_layout_id === num(query.asset_layout_id)) &&
          (num(query.id) === undefined || a.id === num(query.id)) &&
          (query.name === undefined || a.name === query.name) &&
          (query.primary_serial === undefined || a.primary_serial === query.primary_serial) &&
          (query.slug === undefined || a.slug === query.slug) &&
          (!term || searchable(a).some((v) => v.toLowerCase().includes(term))),
      );
      return ok({ assets: pageOf(ctx, all, query).map((a) => renderAsset(ctx.instance, a, origin)) });
    },
  },
  {
    method: "GET",
    path: "/companies/{company_id}/assets",
    latency: "read",
    handle: ({ ctx, params, query, origin }) => {
      const c = company(ctx.instance, params.company_id);
      const archived = archivedWanted(query);
      const all = [...ctx.instance.assets.values()].filter(
        (a) => a.company_id === c.id && a.archived === archived,
      );
      return ok({ assets: pageOf(ctx, all, query).map((a) => renderAsset(ctx.instance, a, origin)) });
    },
  },
  {
    method: "POST",
    path: "/companies/{company_id}/assets",
    latency: "write",
    handle: ({ ctx, params, body, origin, now }) => {
      const c = company(ctx.instance, params.company_id);
      const input = wrapped(body, "asset");
      const name = str(input.name)?.trim();
      if (!name) throw huduErrors.unprocessable("Validation failed: Name can't be blank");
      const layoutId = Number(input.asset_layout_id);
      if (!ctx.instance.layouts.has(layoutId))
        throw huduErrors.unprocessable("Validation failed: Asset layout must exist");
      const id = ctx.instance.nextIds.asset;
      const asset: Asset = {
        id,
        company_id: c.id,
        asset_layout_id: layoutId,
        slug: slugOf(name, id),
        name,
        primary_serial: str(input.primary_serial) ?? null,
        primary_mail: str(input.primary_mail) ?? null,
        primary_model: str(input.primary_model) ?? null,
        primary_manufacturer: str(input.primary_manufacturer) ?? null,
        archived: false,
        values: {},
        created_at: iso(now),
        updated_at: iso(now),
      };
      applyCustomFields(ctx, asset, input.custom_fields);
      nextId(ctx.instance, "asset");
      ctx.instance.assets.set(id, asset);
      return ok({ asset: renderAsset(ctx.instance, asset, origin) }, 201);
    },
  },
  {
    method: "GET",
    path: "/companies/{company_id}/assets/{id}",
    latency: "read",
    handle: ({ ctx, params, origin }) =>
      ok({ asset: renderAsset(ctx.instance, assetOf(ctx.instance, params.company_id, params.id), origin) }),
  },
  {
    method: "PUT",
    path: "/companies/{company_id}/assets/{id}",
    latency: "write",
    handle: ({ ctx, params, body, origin, now }) => {
      const asset = assetOf(ctx.instance, params.company_id, params.id);
      const input = wrapped(body, "asset");
      // Checked on a copy: a refused update changes nothing.
      const next: Asset = structuredClone(asset);
      if (input.name !== undefined) {
        const name = str(input.name)?.trim();
        if (!name) throw huduErrors.unprocessable("Validation failed: Name can't be blank");
        next.name = name;
      }
      for (const k of ["primary_serial", "primary_mail", "primary_model", "primary_manufacturer"] as const)
        if (input[k] !== undefined) next[k] = str(input[k]) ?? null;
      applyCustomFields(ctx, next, input.custom_fields);
      next.updated_at = iso(now);
      Object.assign(asset, next);
      return ok({ asset: renderAsset(ctx.instance, asset, origin) });
    },
  },
  {
    method: "PUT",
    path: "/companies/{company_id}/assets/{id}/archive",
    latency: "write",
    handle: ({ ctx, params, origin }) => {
      const asset = assetOf(ctx.instance, params.company_id, params.id);
      setArchived(ctx, asset, true);
      return ok({ asset: renderAsset(ctx.instance, asset, origin) });
    },
  },
  {
    method: "PUT",
    path: "/companies/{company_id}/assets/{id}/unarchive",
    latency: "write",
    handle: ({ ctx, params, origin }) => {
      const asset = assetOf(ctx.instance, params.company_id, params.id);
      setArchived(ctx, asset, false);
      return ok({ asset: renderAsset(ctx.instance, asset, origin) });
    },
  },
  {
    method: "GET",
    path: "/asset_passwords",
    latency: "read",
    passwords: true,
    handle: ({ ctx, query }) => {
      const archived = archivedWanted(query);
      const term = query.search?.trim().toLowerCase();
      const companyId = query.company_id === undefined ? undefined : Number(query.company_id);
      const all = [...ctx.instance.passwords.values()].filter(
        (p) =>
          p.archived === archived &&
          (companyId === undefined || p.company_id === companyId) &&
          (query.name === undefined || p.name === query.name) &&
          (query.slug === undefined || p.slug === query.slug) &&
          (!term || [p.name, p.username, p.description].some((v) => v.toLowerCase().includes(term))),
      );
      return ok({ asset_passwords: pageOf(ctx, all, query).map(renderPassword) });
    },
  },
  {
    method: "POST",
    path: "/asset_passwords",
    latency: "write",
    passwords: true,
    handle: ({ ctx, body, now }) => {
      const input = wrapped(body, "asset_password");
      const companyId = Number(input.company_id);
      if (!ctx.instance.companies.has(companyId))
        throw huduErrors.unprocessable("Validation failed: Company must exist");
      const name = str(input.name)?.trim();
      if (!name) throw huduErrors.unprocessable("Validation failed: Name can't be blank");
      const password = str(input.password) ?? "";
      if (ctx.settings.passwordRequired && !password)
        throw huduErrors.unprocessable("Validation failed: Password can't be blank");
      const type = str(input.passwordable_type) ?? null;
      const linked = input.passwordable_id === undefined ? null : Number(input.passwordable_id);
      if (type === "Asset" && linked !== null) {
        const asset = ctx.instance.assets.get(linked);
        if (!asset || asset.company_id !== companyId)
          throw huduErrors.unprocessable("Validation failed: Passwordable must exist");
      }
      const id = nextId(ctx.instance, "password");
      const entry: Password = {
        id,
        company_id: companyId,
        name,
        username: str(input.username) ?? "",
        password,
        otp_secret: str(input.otp_secret) ?? null,
        url: str(input.url) ?? null,
        description: str(input.description) ?? "",
        passwordable_type: type,
        passwordable_id: linked,
        password_folder_id: input.password_folder_id === undefined ? null : Number(input.password_folder_id),
        password_type: str(input.password_type) ?? null,
        slug: slugOf(name, id),
        archived: false,
        created_at: iso(now),
        updated_at: iso(now),
      };
      ctx.instance.passwords.set(id, entry);
      return ok({ asset_password: renderPassword(entry) }, 201);
    },
  },
  {
    method: "GET",
    path: "/asset_passwords/{id}",
    latency: "read",
    passwords: true,
    handle: ({ ctx, params }) => ok({ asset_password: renderPassword(passwordOf(ctx.instance, params.id)) }),
  },
  {
    method: "PUT",
    path: "/asset_passwords/{id}/archive",
    latency: "write",
    passwords: true,
    handle: ({ ctx, params }) => {
      const entry = passwordOf(ctx.instance, params.id);
      setArchived(ctx, entry, true);
      return ok({ asset_password: renderPassword(entry) });
    },
  },
  {
    method: "PUT",
    path: "/asset_passwords/{id}/unarchive",
    latency: "write",
    passwords: true,
    handle: ({ ctx, params }) => {
      const entry = passwordOf(ctx.instance, params.id);
      setArchived(ctx, entry, false);
      return ok({ asset_password: renderPassword(entry) });
    },
  },
];

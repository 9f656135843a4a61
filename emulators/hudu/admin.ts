import { z } from "zod";
import { AdminError, adminBody, KitAdmin, parseInput, type AdminRoute } from "../kit/admin.ts";
import type { Api, CallExtra, HuduContext } from "./context.ts";
import {
  fieldKey,
  iso,
  newInstance,
  nextId,
  slugOf,
  type Asset,
  type Company,
  type Layout,
  type Password,
} from "./model.ts";
import { applySettings, defaultSettings, settingsInput, type Settings } from "./settings.ts";

const apiKeyInput = z.strictObject({
  key: z.string().min(8),
  name: z.string().min(1),
  passwordAccess: z.boolean().default(true),
});

const companyInput = z.strictObject({
  id: z.int().positive().optional(),
  name: z.string().min(1),
  nickname: z.string().min(1).optional(),
  idInIntegration: z.string().min(1).optional(),
});

const layoutInput = z.strictObject({
  id: z.int().positive().optional(),
  name: z.string().min(1),
  icon: z.string().default("fas fa-user"),
  fields: z.array(z.strictObject({ label: z.string().min(1), fieldType: z.string().default("Text") })).min(1),
});

const assetInput = z.strictObject({
  companyId: z.int().positive(),
  layoutId: z.int().positive(),
  name: z.string().min(1),
  primaryMail: z.string().optional(),
  /** By field label, as the layout names it. */
  fields: z.record(z.string(), z.string()).default({}),
  archived: z.boolean().default(false),
});

const passwordInput = z.strictObject({
  companyId: z.int().positive(),
  name: z.string().min(1),
  username: z.string().default(""),
  password: z.string().default(""),
  description: z.string().default(""),
  url: z.string().optional(),
  /** The asset (person) the entry is linked to. */
  assetId: z.int().positive().optional(),
  archived: z.boolean().default(false),
});

/** The control panel: the kit's faults, clock and calls, plus keys, companies, layouts, assets, passwords. */
export class HuduAdmin extends KitAdmin<Api, CallExtra, Settings> {
  constructor(private readonly ctx: HuduContext) {
    super(ctx, {
      faultStatuses: [401, 403, 404, 422, 429, 500, 502, 503],
      tenantId: (ref) => {
        if (ref !== "hudu")
          throw new AdminError(404, `the Hudu emulator is one instance ("hudu"), not ${ref}`);
        return "hudu";
      },
    });
  }

  settings(): Settings {
    return structuredClone(this.ctx.settings);
  }

  configure(input: unknown): Settings {
    const parsed = parseInput(settingsInput, input);
    applySettings(this.ctx.settings, parsed);
    if (parsed.throttle) this.resetThrottle();
    return this.settings();
  }

  reset(): void {
    this.resetKit();
    this.ctx.instance = newInstance();
    this.resetThrottle();
    this.ctx.settings = defaultSettings(this.ctx.settings.profile);
  }

  private now(): string {
    return iso(this.ctx.clock.now());
  }

  addApiKey(input: z.input<typeof apiKeyInput>): { name: string; passwordAccess: boolean } {
    const parsed = parseInput(apiKeyInput, input);
    if (this.ctx.instance.apiKeys.some((k) => k.key === parsed.key)) throw new AdminError(400, "key exists");
    this.ctx.instance.apiKeys.push(parsed);
    return { name: parsed.name, passwordAccess: parsed.passwordAccess };
  }

  addCompany(input: z.input<typeof companyInput>): Company {
    const parsed = parseInput(companyInput, input);
    const instance = this.ctx.instance;
    const id = parsed.id ?? nextId(instance, "company");
    if (instance.companies.has(id)) throw new AdminError(400, `company ${id} exists`);
    if (id >= instance.nextIds.company) instance.nextIds.company = id + 1;
    const company: Company = {
      id,
      name: parsed.name,
      nickname: parsed.nickname ?? null,
      slug: slugOf(parsed.name, id),
      id_in_integration: parsed.idInIntegration ?? null,
      archived: false,
      created_at: this.now(),
      updated_at: this.now(),
    };
    instance.companies.set(id, company);
    return company;
  }

  addLayout(input: z.input<typeof layoutInput>): Layout {
    const parsed = parseInput(layoutInput, input);
    const instance = this.ctx.instance;
    const id = parsed.id ?? nextId(instance, "layout");
    if (instance.layouts.has(id)) throw new AdminError(400, `layout ${id} exists`);
    if (id >= instance.nextIds.layout) instance.nextIds.layout = id + 1;
    const layout: Layout = {
      id,
      name: parsed.name,
      slug: slugOf(parsed.name, id),
      icon: parsed.icon,
      active: true,
      fields: parsed.fields.map((f, i) => ({
        id: nextId(instance, "field"),
        label: f.label,
        field_type: f.fieldType,
        position: i + 1,
      })),
      created_at: this.now(),
      updated_at: this.now(),
    };
    instance.layouts.set(id, layout);
    return layout;
  }

  addAsset(input: z.input<typeof assetInput>): Asset {
    const parsed = parseInput(assetInput, input);
    const instance = this.ctx.instance;
    if (!instance.companies.has(parsed.companyId))
      throw new AdminError(404, `no company ${parsed.companyId}`);
    const layout = instance.layouts.get(parsed.layoutId);
    if (!layout) throw new AdminError(404, `no layout ${parsed.layoutId}`);
    const values: Record<number, unknown> = {};
    for (const [label, value] of Object.entries(parsed.fields)) {
      const field = layout.fields.find((f) => fieldKey(f.label) === fieldKey(label));
      if (!field) throw new AdminError(400, `layout ${layout.id} has no field ${label}`);
      values[field.id] = value;
    }
    const id = nextId(instance, "asset");
    const asset: Asset = {
      id,
      company_id: parsed.companyId,
      asset_layout_id: layout.id,
      slug: slugOf(parsed.name, id),
      name: parsed.name,
      primary_serial: null,
      primary_mail: parsed.primaryMail ?? null,
      primary_model: null,
      primary_manufacturer: null,
      archived: parsed.archived,
      values,
      created_at: this.now(),
      updated_at: this.now(),
    };
    instance.assets.set(id, asset);
    return asset;
  }

  addPassword(input: z.input<typeof passwordInput>): Password {
    const parsed = parseInput(passwordInput, input);
    const instance = this.ctx.instance;
    if (!instance.companies.has(parsed.companyId))
      throw new AdminError(404, `no company ${parsed.companyId}`);
    if (parsed.assetId !== undefined && !instance.assets.has(parsed.assetId))
      throw new AdminError(404, `no asset ${parsed.assetId}`);
    const id = nextId(instance, "password");
    const entry: Password = {
      id,
      company_id: parsed.companyId,
      name: parsed.name,
      username: parsed.username,
      password: parsed.password,
      otp_secret: null,
      url: parsed.url ?? null,
      description: parsed.description,
      passwordable_type: parsed.assetId !== undefined ? "Asset" : null,
      passwordable_id: parsed.assetId ?? null,
      password_folder_id: null,
      password_type: null,
      slug: slugOf(parsed.name, id),
      archived: parsed.archived,
      created_at: this.now(),
      updated_at: this.now(),
    };
    instance.passwords.set(id, entry);
    return entry;
  }

  /** Assets as stored, values keyed by field label (for tests to read what a write left). */
  assets(): (Omit<Asset, "values"> & { fields: Record<string, unknown> })[] {
    const instance = this.ctx.instance;
    return [...instance.assets.values()].map(({ values, ...a }) => {
      const layout = instance.layouts.get(a.asset_layout_id);
      const fields = Object.fromEntries(
        Object.entries(values).map(([fid, v]) => [
          layout?.fields.find((f) => f.id === Number(fid))?.label ?? fid,
          v,
        ]),
      );
      return { ...structuredClone(a), fields };
    });
  }

  asset(id: number): Omit<Asset, "values"> & { fields: Record<string, unknown> } {
    const found = this.assets().find((a) => a.id === id);
    if (!found) throw new AdminError(404, `no asset ${id}`);
    return found;
  }

  /** Password entries as stored, the secret included: in-process only, never over /_admin. */
  passwords(): Password[] {
    return [...this.ctx.instance.passwords.values()].map((p) => structuredClone(p));
  }

  /** Empties every client's budget for the rest of the current window: the next call is a 429. */
  exhaust(): void {
    const { windowMs } = this.ctx.settings.throttle;
    this.ctx.throttle.exhausted = Math.floor(this.ctx.clock.now() / windowMs);
  }

  private resetThrottle(): void {
    this.ctx.throttle = { window: -1, counts: new Map(), exhausted: undefined };
  }
}

export function registerVendorAdminRoutes(route: AdminRoute, admin: HuduAdmin): void {
  const a = "/_admin/hudu";
  route(
    "POST",
    `${a}/api-keys`,
    "add an API key { key, name, passwordAccess }",
    (req) => admin.addApiKey(adminBody(req) as z.input<typeof apiKeyInput>),
    201,
  );
  route(
    "POST",
    `${a}/companies`,
    "add a company",
    (req) => admin.addCompany(adminBody(req) as z.input<typeof companyInput>),
    201,
  );
  route(
    "POST",
    `${a}/layouts`,
    "add an asset layout with its fields",
    (req) => admin.addLayout(adminBody(req) as z.input<typeof layoutInput>),
    201,
  );
  route(
    "POST",
    `${a}/assets`,
    "add an asset (a person of a People layout)",
    (req) => admin.addAsset(adminBody(req) as z.input<typeof assetInput>),
    201,
  );
  route("GET", `${a}/assets`, "every asset, fields by label", () => admin.assets());
  route(
    "POST",
    `${a}/passwords`,
    "add a password entry",
    (req) => {
      const { password: _secret, ...shown } = admin.addPassword(
        adminBody(req) as z.input<typeof passwordInput>,
      );
      return shown;
    },
    201,
  );
  // The admin surface never hands a secret out.
  route("GET", `${a}/passwords`, "every password entry, without its secret", () =>
    admin.passwords().map(({ password: _secret, otp_secret: _otp, ...shown }) => shown),
  );
  route("POST", `${a}/throttle/exhaust`, "empty the request budget for this window", () => admin.exhaust());
}

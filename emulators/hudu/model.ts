/**
 * What one Hudu instance holds: the API keys, the companies, asset layouts with their fields, assets
 * (people are assets of a People layout) and asset passwords. Records keep the vendor's member names;
 * routes render them as the spec draws them.
 */

export interface ApiKey {
  key: string;
  name: string;
  /** Keys are scoped: without password access the asset_passwords endpoints refuse them. */
  passwordAccess: boolean;
}

export interface Company {
  id: number;
  name: string;
  nickname: string | null;
  slug: string;
  /** The PSA/RMM's id of the client, which `?id_in_integration=` finds it by. */
  id_in_integration: string | null;
  archived: boolean;
  created_at: string;
  updated_at: string;
}

export interface LayoutField {
  id: number;
  label: string;
  field_type: string;
  position: number;
}

export interface Layout {
  id: number;
  name: string;
  slug: string;
  icon: string;
  active: boolean;
  fields: LayoutField[];
  created_at: string;
  updated_at: string;
}

export interface Asset {
  id: number;
  company_id: number;
  asset_layout_id: number;
  slug: string;
  name: string;
  primary_serial: string | null;
  primary_mail: string | null;
  primary_model: string | null;
  primary_manufacturer: string | null;
  archived: boolean;
  /** By layout field id. */
  values: Record<number, unknown>;
  created_at: string;
  updated_at: string;
}

export interface Password {
  id: number;
  company_id: number;
  name: string;
  username: string;
  password: string;
  otp_secret: string | null;
  url: string | null;
  description: string;
  passwordable_type: string | null;
  passwordable_id: number | null;
  password_folder_id: number | null;
  password_type: string | null;
  slug: string;
  archived: boolean;
  created_at: string;
  updated_at: string;
}

export interface Instance {
  apiKeys: ApiKey[];
  companies: Map<number, Company>;
  layouts: Map<number, Layout>;
  assets: Map<number, Asset>;
  passwords: Map<number, Password>;
  nextIds: Record<"company" | "layout" | "field" | "asset" | "password", number>;
}

export function newInstance(): Instance {
  return {
    apiKeys: [],
    companies: new Map(),
    layouts: new Map(),
    assets: new Map(),
    passwords: new Map(),
    nextIds: { company: 1, layout: 1, field: 1, asset: 1, password: 1 },
  };
}

export function nextId(instance: Instance, kind: keyof Instance["nextIds"]): number {
  const id = instance.nextIds[kind];
  instance.nextIds[kind] = id + 1;
  return id;
}

/** Hudu's slugs: the name in lowercase words joined by hyphens, then a short hex id. */
export function slugOf(name: string, id: number): string {
  const words = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${words || "item"}-${(id * 2654435761).toString(16).slice(-6)}`;
}

/** "Email Address", "email_address", "email address" name one field: the layout matches them alike. */
export const fieldKey = (label: string): string =>
  label
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");

export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, ".000Z");

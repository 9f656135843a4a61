import type { Asset, Company, Instance, Layout, Password } from "./model.ts";

/**
 * Records as the spec draws them (definitions Company, Asset, Asset_Layout, Asset_Password). Absent
 * optional values are null, as Rails renders them; what the spec requires is always there.
 */

export function renderCompany(c: Company, origin: string) {
  return {
    id: c.id,
    slug: c.slug,
    name: c.name,
    nickname: c.nickname,
    archived: c.archived,
    object_type: "Company",
    url: `/c/${c.slug}`,
    full_url: `${origin}/c/${c.slug}`,
    passwords_url: `${origin}/c/${c.slug}/passwords`,
    knowledge_base_url: `${origin}/kba?company_id=${c.id}`,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

export function renderAsset(instance: Instance, a: Asset, origin: string) {
  const layout = instance.layouts.get(a.asset_layout_id);
  return {
    id: a.id,
    company_id: a.company_id,
    asset_layout_id: a.asset_layout_id,
    slug: a.slug,
    name: a.name,
    primary_serial: a.primary_serial,
    primary_mail: a.primary_mail,
    primary_model: a.primary_model,
    primary_manufacturer: a.primary_manufacturer,
    company_name: instance.companies.get(a.company_id)?.name ?? "",
    object_type: "Asset",
    asset_type: layout?.name ?? "",
    archived: a.archived,
    url: `${origin}/a/${a.slug}`,
    created_at: a.created_at,
    updated_at: a.updated_at,
    fields: (layout?.fields ?? [])
      .filter((f) => a.values[f.id] !== undefined)
      .map((f) => ({ id: f.id, label: f.label, value: a.values[f.id], position: f.position })),
    cards: [],
  };
}

export function renderLayout(l: Layout) {
  return {
    id: l.id,
    slug: l.slug,
    name: l.name,
    icon: l.icon,
    active: l.active,
    created_at: l.created_at,
    updated_at: l.updated_at,
    fields: l.fields.map((f) => ({
      id: f.id,
      label: f.label,
      field_type: f.field_type,
      position: f.position,
      show_in_list: false,
      required: null,
    })),
  };
}

/** The secret is in the answer: the spec requires `password` on every password entry it returns. */
export function renderPassword(p: Password) {
  return {
    id: p.id,
    passwordable_id: p.passwordable_id,
    passwordable_type: p.passwordable_type ?? "",
    company_id: p.company_id,
    name: p.name,
    username: p.username,
    slug: p.slug,
    description: p.description,
    password: p.password,
    otp_secret: p.otp_secret,
    password_type: p.password_type,
    url: p.url,
    created_at: p.created_at,
    updated_at: p.updated_at,
    password_folder_id: p.password_folder_id,
    password_folder_name: null,
    login_url: null,
  };
}

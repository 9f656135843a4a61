import { z } from "zod";

/**
 * What the connector reads from Hudu's answers (shared/specs/hudu/api-docs-v2.44.0.json): only these
 * members are checked, the rest of an asset passes through. Ids are numbers; what the spec leaves
 * nullable in practice ("if available", "Can be null") is read as nullish.
 */
const id = z.number().int();
const text = z.string().nullish();

/** One of an asset's layout fields as answered: `value` is whatever the field type holds (text, a list …). */
export const huduAssetField = z.looseObject({
  label: text,
  value: z.unknown().optional(),
});

export const huduAsset = z.looseObject({
  id,
  company_id: id,
  asset_layout_id: id,
  name: text,
  primary_mail: text,
  archived: z.boolean().nullish(),
  url: text,
  fields: z.array(huduAssetField).nullish(),
});
export type HuduAsset = z.infer<typeof huduAsset>;

/**
 * A password entry, without its secret: the spec answers `password` (and `otp_secret`) on every read and
 * write of asset_passwords, and this schema strips both so they are never kept past the parse. A plain
 * (not loose) object drops every member it does not name.
 */
export const huduPassword = z.object({
  id,
  company_id: id.nullish(),
  name: z.string(),
  username: text,
  passwordable_type: text,
  passwordable_id: id.nullish(),
  description: text,
});
export type HuduPassword = z.infer<typeof huduPassword>;

/** The members of a password entry that hold a secret, removed from any body the connector keeps. */
export const secretMembers = ["password", "otp_secret"] as const;

export const huduCompany = z.looseObject({ id, name: text });

/** A single record: Hudu wraps it in its type's key ({"asset": …}); the spec draws some answers bare. */
export function single<T>(key: string, item: z.ZodType<T>): z.ZodType<T> {
  return z.union([z.looseObject({ [key]: item }).transform((o) => o[key] as T), item]) as z.ZodType<T>;
}

/** A list page: {"assets": […]}, with no total (a short page is the last). */
export function page<T>(key: string, item: z.ZodType<T>): z.ZodType<{ items: T[] }> {
  return z.looseObject({ [key]: z.array(item) }).transform((o) => ({ items: o[key] as T[] }));
}

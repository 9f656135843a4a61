import { z } from "zod";
import { httpsOrLocalUrl } from "../microsoft-identity/credential.ts";

/** The credential kind the credential store seals for a Hudu API key. */
export const huduApiKeyKind = "hudu-api-key";

/**
 * A Hudu API key (Admin › Basic Information › API Keys), sent as `x-api-key`. For the credential entries
 * it must have password access; scoped to the client's company, it still serves this connector.
 */
export const huduCredential = z.strictObject({
  apiKey: z.string().trim().min(1, { error: "must be the Hudu API key" }),
});
export type HuduCredential = z.output<typeof huduCredential>;

const huduId = z.int().positive();

/** A People layout field by its label ("Email Address"), or false when the layout has none for it. */
const fieldLabel = z.union([z.literal(false), z.string().trim().min(1, { error: "must name a field" })]);

/**
 * The People layout's fields the connector writes, by label as the layout shows them. Hudu keys
 * `custom_fields` by the label snake_cased (reference §7), so these defaults are the reference's own
 * example ({"email_address": …}, {"title": …}) plus the layout's usual Phone and Notes.
 */
const peopleFields = z.strictObject({
  email: fieldLabel.default("Email Address"),
  title: fieldLabel.default("Title"),
  phone: fieldLabel.default("Phone"),
  /** Where the offboarding's note is kept; false keeps none (the asset is still archived). */
  notes: fieldLabel.default("Notes"),
});

/** The client's section of `systems.<name>` for this connector (besides connector, credential, limits). */
export const huduConfig = z.strictObject({
  /** The instance, e.g. https://acme.huducloud.com (the API is `${baseUrl}/api/v1`; that suffix may be given). */
  baseUrl: httpsOrLocalUrl.transform((s) => s.replace(/\/+$/, "").replace(/\/api\/v1$/i, "")),
  /** The client's company in Hudu. */
  companyId: huduId,
  /** The asset layout people are kept in (Hudu has no contacts: a person is an asset of this layout). */
  peopleLayoutId: huduId,
  fields: peopleFields.default({ email: "Email Address", title: "Title", phone: "Phone", notes: "Notes" }),
  /** The password folder new credential entries go to; the company's passwords when absent. */
  passwordFolderId: huduId.optional(),
  /** Hudu answers 25 per page unless asked (`page_size`); its maximum is not documented. */
  pageSize: z.int().min(1).max(1000).default(100),
  /**
   * Hudu's 429 ("Retry later", Rack::Attack style) says neither how long to wait nor the window's length
   * (reference §7, §11 [unconfirmed]): without a Retry-After the connector waits for the next boundary of
   * a window this long, counted from the epoch as a fixed-window counter counts.
   */
  rateWindowSeconds: z.int().min(1).max(3600).default(60),
});
export type HuduConfig = z.output<typeof huduConfig>;

export const apiUrlOf = (config: Pick<HuduConfig, "baseUrl">): string => `${config.baseUrl}/api/v1`;

/** "Email Address" → "email_address": how Hudu keys custom_fields (lowercase, underscores for spaces). */
export function fieldKey(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

/** Whether an answer's field label is the configured one ("Email Address", "email_address", "EMAIL ADDRESS"). */
export const sameField = (label: string | null | undefined, configured: string): boolean =>
  label !== null && label !== undefined && fieldKey(label) === fieldKey(configured);

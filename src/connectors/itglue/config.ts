import { z } from "zod";

/** The credential kind the credential store seals for an IT Glue API key. */
export const itglueKeyKind = "itglue-api-key";

/**
 * An IT Glue API key (Account › Settings › API Keys), sent as `x-api-key` (reference §6). Lifecycle stores
 * credentials in the vault, so the key needs "Password Access".
 */
export const itglueCredential = z.strictObject({
  apiKey: z.string().trim().min(1, { error: "must be the account's API key (ITG.…)" }),
});
export type ItglueCredential = z.output<typeof itglueCredential>;

/** The API host of each IT Glue data centre (reference §6, from the Celerium wrapper's Add-ITGlueBaseURI). */
export const regionUrls = {
  us: "https://api.itglue.com",
  eu: "https://api.eu.itglue.com",
  au: "https://api.au.itglue.com",
} as const;

const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** https, or plain http on loopback only (the emulator): the key travels in a header on every call. */
const baseUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .refine((s) => new URL(s).protocol === "https:" || loopback.has(new URL(s).hostname), {
    error: "must be https (plain http only on 127.0.0.1, for the emulator)",
  })
  .transform((s) => s.replace(/\/+$/, ""));

const itglueId = z.int().positive();

/**
 * How a person leaves the documentation. IT Glue contacts have no active flag (reference §6, §11): MSPs
 * move them to a "Former"/"Terminated" contact type. With `contactTypeId` that type is what "retired"
 * means; without it, a marker line in the contact's notes is (see docs.ts).
 */
const offboard = z.strictObject({
  contactTypeId: itglueId.optional(),
  /** Keep the offboarding's note in the contact's notes (appended, never replacing what is there). */
  appendNotes: z.boolean().default(true),
});

const passwords = z.strictObject({
  categoryId: itglueId.optional(),
  folderId: itglueId.optional(),
  /**
   * Whether the vault archives a password (`archived: true` on PATCH). Not confirmed by any source
   * (reference §6): a vault that refuses gets a note marking the entry as no longer in use instead.
   */
  archive: z.boolean().default(true),
  /**
   * The `resource-type` that embeds a password on a contact. "Contact" is the reference's reading, and
   * [unconfirmed] (§6, §9): an account that names it otherwise sets it here.
   */
  resourceType: z.string().trim().min(1).default("Contact"),
});

/** A person's link for people: {organizationId} and {id} filled in. */
const contactUrl = z
  .string()
  .includes("{id}", { error: 'must contain "{id}"' })
  .refine((t) => !/\{(?!(organizationId|id)\})[^}]*\}/.test(t), {
    error: "may use only {organizationId} and {id}",
  })
  .refine((t) => URL.canParse(t.replace(/\{\w+\}/g, "1")) && /^https?:/.test(t), {
    error: "must be an http(s) URL once filled in",
  });

/** The client's section of `systems.<name>` for this connector (besides connector, credential, limits). */
export const itglueConfig = z.strictObject({
  /** The account's data centre; `baseUrl` overrides it (the emulator, a proxy). */
  region: z.enum(["us", "eu", "au"]).default("us"),
  baseUrl: baseUrl.optional(),
  /** The client's organisation in IT Glue: every contact and password here belongs to it. */
  organizationId: itglueId,
  /** The contact type new people get ("Employee"); none when absent. */
  contactTypeId: itglueId.optional(),
  offboard: offboard.default({ appendNotes: true }),
  passwords: passwords.default({ archive: true, resourceType: "Contact" }),
  /** e.g. "https://acme-msp.itglue.com/{organizationId}/contacts/{id}"; IT Glue's UI paths are not documented. */
  contactUrl: contactUrl.optional(),
  /** Records per page when listing; IT Glue serves at most 1,000. */
  pageSize: z.int().min(1).max(1000).default(1000),
});
export type ItglueConfig = z.output<typeof itglueConfig>;

export const apiUrlOf = (config: Pick<ItglueConfig, "region" | "baseUrl">): string =>
  config.baseUrl ?? regionUrls[config.region];

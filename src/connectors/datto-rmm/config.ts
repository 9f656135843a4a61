import { z } from "zod";

/** The credential kind the credential store seals for a Datto RMM API user's key pair. */
export const dattoRmmKeyKind = "datto-rmm-api-key";

/**
 * An API user's "API Key" and "API Secret Key" (Setup › Users › the user › API Keys): Datto's token
 * endpoint takes them as the password grant's username and password (reference §5 "Auth").
 */
export const dattoRmmCredential = z.strictObject({
  apiKey: z.string().trim().min(1, { error: "must be the API user's API key" }),
  apiSecret: z.string().min(1, { error: "must not be empty" }),
});
export type DattoRmmCredential = z.output<typeof dattoRmmCredential>;

/** Datto RMM's platforms; each serves https://{platform}-api.centrastage.net (reference §5). */
export const platforms = ["pinotage", "merlot", "concord", "vidal", "zinfandel", "syrah"] as const;
export type Platform = (typeof platforms)[number];

/** The 30 device user-defined fields, udf1 … udf30, as Datto names them in a device's `udf`. */
export const udfNames = Array.from({ length: 30 }, (_, i) => `udf${i + 1}`) as [string, ...string[]];
const udf = z.enum(udfNames, { error: "must be one of udf1 … udf30" });
export type UdfName = z.output<typeof udf>;

const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** https, or plain http on loopback (the emulator). */
const baseUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .refine((s) => new URL(s).protocol === "https:" || loopback.has(new URL(s).hostname), {
    error: "must be https (plain http only on 127.0.0.1, for the emulator)",
  })
  .transform((s) => s.replace(/\/+$/, ""));

/**
 * One client of the MSP in Datto RMM: its site, and which of the site's device fields Lifecycle reads
 * and writes. Datto has no end users, so a device's owner lives in a UDF the MSP chose; Lifecycle cannot
 * guess which one, so `ownerUdf` has no default.
 */
export const dattoRmmConfig = z
  .strictObject({
    /** The account's platform, as on the API settings page ("Merlot"); or give `baseUrl`. */
    platform: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(platforms, { error: `must be one of ${platforms.join(", ")}` }))
      .optional(),
    /** The API host itself (the emulator, or a host not in the platform list): the API is `${baseUrl}/api`. */
    baseUrl: baseUrl.optional(),
    /** The client's site (its "Site UID" in the site's settings): the devices Lifecycle may touch. */
    siteUid: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]+$/, { error: "must be the site's UID, e.g. 7e4c2a10-…" }),
    /** The device UDF the client keeps the owner's email address in. */
    ownerUdf: udf,
    /**
     * Where a device's serial number is read. Datto's device record has none (reference §5 names no
     * field): "audit" reads the BIOS serial of the device's audit (GET /v2/audit/device/{uid}, one call a
     * device, devices of class "device" only); a UDF name reads that UDF, for MSPs whose component
     * writes the serial into one.
     */
    serialSource: z.union([z.literal("audit"), udf]).default("audit"),
    /** Devices per page: Datto serves at most 250 (GET /v2/system/pagination). */
    pageSize: z.int().min(1).max(250).default(250),
  })
  .superRefine((c, ctx) => {
    if ((c.platform === undefined) === (c.baseUrl === undefined))
      ctx.addIssue({
        code: "custom",
        path: [c.platform === undefined ? "platform" : "baseUrl"],
        message: "give either the platform or a baseUrl, not both and not neither",
      });
    if (c.serialSource === c.ownerUdf)
      ctx.addIssue({
        code: "custom",
        path: ["serialSource"],
        message: "must not be the owner's UDF",
      });
  });
export type DattoRmmConfig = z.output<typeof dattoRmmConfig>;

/** https://{platform}-api.centrastage.net, or the configured host. */
export function hostOf(config: Pick<DattoRmmConfig, "platform" | "baseUrl">): string {
  if (config.baseUrl !== undefined) return config.baseUrl;
  return `https://${config.platform ?? "pinotage"}-api.centrastage.net`;
}

export const apiUrlOf = (config: Pick<DattoRmmConfig, "platform" | "baseUrl">): string =>
  `${hostOf(config)}/api`;

export const tokenUrlOf = (config: Pick<DattoRmmConfig, "platform" | "baseUrl">): string =>
  `${hostOf(config)}/auth/oauth/token`;

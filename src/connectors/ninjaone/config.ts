import { z } from "zod";
import { httpsOrLocalUrl } from "../microsoft-identity/credential.ts";

/** The credential kind of a NinjaOne API client application (client credentials), as the store seals it. */
export const ninjaOneAppKind = "ninjaone-app";

/** NinjaOne's "Client ID" and "Client Secret" of an API client app (Administration › Apps › API). */
export const ninjaOneCredential = z.strictObject({
  clientId: z.string().trim().min(1, { error: "must be the API client app's client id" }),
  clientSecret: z.string().min(1, { error: "must not be empty" }),
});
export type NinjaOneCredential = z.infer<typeof ninjaOneCredential>;

/** NinjaOne's regional instances (reference §4): app is the US one. */
export const ninjaOneRegions = {
  app: "app.ninjarmm.com",
  us2: "us2.ninjarmm.com",
  eu: "eu.ninjarmm.com",
  ca: "ca.ninjarmm.com",
  oc: "oc.ninjarmm.com",
  fed: "fed.ninjarmm.com",
} as const;
export type NinjaOneRegion = keyof typeof ninjaOneRegions;

/**
 * Where the token endpoint is. CIPP posts to /ws/oauth/token, other clients to /oauth/token; whether both
 * answer on every instance is not documented (reference §4, §11), so a client whose instance refuses
 * one picks the other.
 */
export const tokenPaths = ["/ws/oauth/token", "/oauth/token"] as const;

/** The scopes the connector asks for: reads need `monitoring`, end users and owners `management`. */
export const ninjaOneScope = "monitoring management";

/** One client of the MSP in NinjaOne: its organisation, and how end users are created there. */
export const ninjaOneConfig = z.strictObject({
  /** The MSP's regional instance. */
  region: z.enum(Object.keys(ninjaOneRegions) as [NinjaOneRegion, ...NinjaOneRegion[]]).default("app"),
  /** An explicit instance URL instead of the region's (an emulator, a dedicated instance). */
  baseUrl: httpsOrLocalUrl.optional(),
  tokenPath: z.enum(tokenPaths).default("/ws/oauth/token"),
  /** The client's NinjaOne organization (organizationId): every end user and device is looked up there. */
  organizationId: z.int().positive(),
  /** Whether NinjaOne mails a new end user the portal invitation (the spec's default: no). */
  sendInvitation: z.boolean().default(false),
  /** Whether a new end user sees every device of the organisation in the portal, not only their own. */
  fullPortalAccess: z.boolean().default(false),
  /** Devices per page of devices-detailed; the spec names no maximum, so a moderate one. */
  pageSize: z.int().min(1).max(1000).default(200),
  /** Where a person opens a device, "{id}" replaced: NinjaOne's web paths are not in the spec, so none by default. */
  deviceUrl: z
    .string()
    .includes("{id}", { error: 'must contain "{id}"' })
    .pipe(z.url({ protocol: /^https?$/ }))
    .optional(),
});
export type NinjaOneConfig = z.output<typeof ninjaOneConfig>;

/** The instance URL: the explicit one, else the region's. */
export function instanceUrlOf(config: Pick<NinjaOneConfig, "region" | "baseUrl">): string {
  return (config.baseUrl ?? `https://${ninjaOneRegions[config.region]}`).replace(/\/+$/, "");
}

export const tokenUrlOf = (config: Pick<NinjaOneConfig, "region" | "baseUrl" | "tokenPath">): string =>
  `${instanceUrlOf(config)}${config.tokenPath}`;

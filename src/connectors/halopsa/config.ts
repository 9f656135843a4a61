import { z } from "zod";
import { ticketPhases } from "../../ports/index.ts";
import { httpsOrLocalUrl } from "../microsoft-identity/credential.ts";

/** The credential kind of a HaloPSA API application (client credentials), as the credential store seals it. */
export const haloPsaAppKind = "halopsa-app";

/** Halo's "Client ID" and "Client Secret" of an API application (Configuration › Integrations › HaloPSA API). */
export const haloPsaCredential = z.strictObject({
  clientId: z.string().trim().min(1, { error: "must be the API application's client id" }),
  clientSecret: z.string().min(1, { error: "must not be empty" }),
});
export type HaloPsaCredential = z.infer<typeof haloPsaCredential>;

const haloId = z.int().positive();

/**
 * Where the run's reference is kept on a ticket, and searched with advanced_search. Whether an instance
 * lets advanced_search filter on the field is not documented (reference §1, §11): a client whose Halo
 * refuses one picks another.
 */
export const referenceFields = ["third_party_id_string", "client_reference"] as const;

/** One client of the MSP in HaloPSA: its ids there, and how Lifecycle's tickets and notes look. */
export const haloPsaConfig = z.strictObject({
  /** The instance, e.g. https://acme-msp.halopsa.com: the API is `${url}/api`. */
  url: httpsOrLocalUrl,
  /** The token endpoint's base when not `${url}/auth` (on-prem installs with a separate auth server). */
  authUrl: httpsOrLocalUrl.optional(),
  /** Halo-hosted instances want their tenant name on the token request (`/auth/token?tenant=`). */
  tenant: z.string().trim().min(1).optional(),
  /** The Halo client (the customer company) whose contacts and tickets these are. */
  clientId: haloId,
  /** The client's site new contacts and tickets belong to; its main site when absent. */
  siteId: haloId.optional(),
  /** The ticket type Lifecycle's tickets are opened with (its workflow decides the outcomes allowed). */
  ticketTypeId: haloId.optional(),
  /** The team (queue) new tickets go to, by name. */
  team: z.string().trim().min(1).optional(),
  priorityId: haloId.optional(),
  /** The outcome an internal note is posted with; Halo refuses an action without one. 7 = "Internal Note". */
  noteOutcomeId: haloId.default(7),
  /** The status each phase of a run sets; a phase left out leaves the ticket's status alone. */
  statuses: z.partialRecord(z.enum(ticketPhases), haloId).default({}),
  referenceField: z.enum(referenceFields).default("third_party_id_string"),
  /** Where a person opens a ticket, "{id}" replaced: Halo's web paths are not documented, so none by default. */
  ticketUrl: z
    .string()
    .includes("{id}", { error: 'must contain "{id}"' })
    .pipe(z.url({ protocol: /^https?$/ }))
    .optional(),
  /** Halo serves at most 100 per page. */
  pageSize: z.int().min(1).max(100).default(100),
});
export type HaloPsaConfig = z.output<typeof haloPsaConfig>;

/** `${authUrl}/token[?tenant=]`, as Halo's token endpoint is addressed. */
export function tokenUrlOf(config: Pick<HaloPsaConfig, "url" | "authUrl" | "tenant">): string {
  const base = (config.authUrl ?? `${config.url.replace(/\/+$/, "")}/auth`).replace(/\/+$/, "");
  return `${base}/token${config.tenant ? `?tenant=${encodeURIComponent(config.tenant)}` : ""}`;
}

export const apiUrlOf = (config: Pick<HaloPsaConfig, "url">): string =>
  `${config.url.replace(/\/+$/, "")}/api`;

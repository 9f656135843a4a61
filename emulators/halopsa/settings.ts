import { copyTable, fastSpec, uniformTable, type LatencyTable } from "../kit/latency.ts";

/** How long each kind of call takes: `fast` for unit tests, `realistic` for the demo. */
export const latencyClasses = ["token", "read", "write"] as const;
export type LatencyClass = (typeof latencyClasses)[number];

export const profileNames = ["fast", "realistic"] as const;
export type ProfileName = (typeof profileNames)[number];

export const latencyProfiles: Record<ProfileName, LatencyTable<LatencyClass>> = {
  fast: uniformTable(latencyClasses, fastSpec),
  // Halo-hosted instances answer a lookup in a few hundred ms and a write with its workflow in about a second.
  realistic: {
    token: { meanMs: 300, jitter: 0.2 },
    read: { meanMs: 350, jitter: 0.3 },
    write: { meanMs: 900, jitter: 0.3 },
  },
};

/** How Halo renders an error body; the reference (§1, §11) lists all four and confirms none as the rule. */
export const errorStyles = ["text", "classname", "resultcode", "error"] as const;
export type ErrorStyle = (typeof errorStyles)[number];

/**
 * Emulator-wide switches. Everything the reference marks [unconfirmed] for HaloPSA is one of these, so a
 * test (or a person who knows their instance) can set it to what they see.
 */
export interface Settings {
  profile: ProfileName;
  latency: LatencyTable<LatencyClass>;
  tokenLifetimeSeconds: number;
  /**
   * Halo-hosted instances want `?tenant=<name>` on /auth/token; on-prem ones do not. When set, a token
   * request naming another tenant (or none) is refused like a wrong secret.
   */
  tenant: string | undefined;
  /** The status of a refused token request (IdentityServer answers 400 invalid_client; some proxies 401). */
  tokenErrorStatus: 400 | 401;
  errorStyle: ErrorStyle;
  /** Requests per app per window before 429 + Retry-After: "500 per 3 minutes" is a library's figure. */
  rateLimit: { requests: number; windowMs: number };
  /** Halo's spec: "Maximum size: 100" for page_size; larger asks are served 100. */
  maxPageSize: number;
  /** Fields GET /api/Tickets accepts in advanced_search; others answer "Invalid advanced search parameter". */
  ticketSearchFields: string[];
  /** Fields GET /api/Users accepts in advanced_search. */
  userSearchFields: string[];
  /**
   * Whether GET /api/Tickets lists closed tickets when the call says neither `open_only` nor
   * `closed_only`: not documented (the spec names both filters, not the default). Off by default, the
   * stricter guess: a client that relies on the default misses closed tickets here.
   */
  ticketListIncludesClosed: boolean;
}

export function defaultSettings(profile: ProfileName): Settings {
  return {
    profile,
    latency: copyTable(latencyClasses, latencyProfiles[profile]),
    tokenLifetimeSeconds: 3600,
    tenant: undefined,
    tokenErrorStatus: 400,
    errorStyle: "text",
    rateLimit: { requests: 500, windowMs: 180_000 },
    maxPageSize: 100,
    ticketSearchFields: ["third_party_id_string", "client_reference", "summary", "user_id", "status_id"],
    userSearchFields: ["emailaddress", "networklogin", "aaduserid", "azureoid", "name"],
    ticketListIncludesClosed: false,
  };
}

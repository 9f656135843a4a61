import { copyTable, type LatencyTable } from "../kit/latency.ts";
import { profileTables, type ProfileName } from "../kit/profiles.ts";

/** How long each kind of call takes: `fast` for unit tests, `realistic` for the demo. */
export const latencyClasses = ["token", "read", "write"] as const;
export type LatencyClass = (typeof latencyClasses)[number];

export { profileNames, type ProfileName } from "../kit/profiles.ts";

export const latencyProfiles = profileTables(latencyClasses, {
  // Datto's API answers a page of devices in a few hundred ms; a UDF write takes a little longer.
  token: { meanMs: 450, jitter: 0.2 },
  read: { meanMs: 300, jitter: 0.3 },
  write: { meanMs: 500, jitter: 0.3 },
});

/**
 * How an error body looks. Datto's texts are documented, their envelope is not (reference §5, §11): its
 * API is a Spring application, so Spring's {timestamp, status, error, message, path} is the default guess.
 */
export const errorStyles = ["spring", "oauth", "message", "text"] as const;
export type ErrorStyle = (typeof errorStyles)[number];

export interface RateLimit {
  /** Requests per rolling window, account-wide (600 per 60 s). */
  requests: number;
  /** Writes (POST, PUT, DELETE) per rolling window, counted besides (100 per 60 s). */
  writes: number;
  windowMs: number;
  /** Past this share of `requests` in the window, every answer is held back `slowdownMs` (90 %, 1 s). */
  slowdownRatio: number;
  slowdownMs: number;
}

/**
 * Emulator-wide switches. What the reference marks [unconfirmed] or leaves out for Datto RMM is one of
 * these, so a test (or a person who knows their account) can set it to what they see.
 */
export interface Settings {
  profile: ProfileName;
  latency: LatencyTable<LatencyClass>;
  /** Datto's tokens last 100 hours. */
  tokenLifetimeSeconds: number;
  errorStyle: ErrorStyle;
  rateLimit: RateLimit;
  /**
   * Whether a 429 says when the window has room again (Retry-After, whole seconds). No source says Datto
   * sends one ("wait 60 seconds" is the advice), so it is off by default.
   */
  retryAfter: boolean;
  /**
   * Persistent requests past the limit get 403 and the address is blocked for a while (reference §5):
   * after this many 429s in a row, for `durationMs` (at least 5 minutes). How many is not documented;
   * null never blocks.
   */
  ipBlock: { afterRefusals: number; durationMs: number } | null;
  /** GET /v2/system/pagination: the default and largest page (250). */
  maxPageSize: number;
  /** The web UI a device's portalUrl points into. */
  portalUrl: string;
  /** The longest UDF value Datto keeps (255, the UI's limit; not in the reference): longer is a 400. */
  udfMaxLength: number;
}

export function defaultSettings(profile: ProfileName): Settings {
  return {
    profile,
    latency: copyTable(latencyClasses, latencyProfiles[profile]),
    tokenLifetimeSeconds: 100 * 3600,
    errorStyle: "spring",
    rateLimit: { requests: 600, writes: 100, windowMs: 60_000, slowdownRatio: 0.9, slowdownMs: 1_000 },
    retryAfter: false,
    ipBlock: { afterRefusals: 20, durationMs: 5 * 60_000 },
    maxPageSize: 250,
    portalUrl: "https://merlot.centrastage.net",
    udfMaxLength: 255,
  };
}

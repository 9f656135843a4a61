import { copyTable, type LatencyTable } from "../kit/latency.ts";
import { profileTables, type ProfileName } from "../kit/profiles.ts";

/** How long each kind of call takes: `fast` for unit tests, `realistic` for the demo. */
export const latencyClasses = ["read", "write"] as const;
export type LatencyClass = (typeof latencyClasses)[number];

export { profileNames, type ProfileName } from "../kit/profiles.ts";

export const latencyProfiles = profileTables(latencyClasses, {
  // IT Glue answers an index in a few hundred ms; a write (with its search indexing) takes longer.
  read: { meanMs: 300, jitter: 0.3 },
  write: { meanMs: 600, jitter: 0.3 },
});

/**
 * Emulator-wide switches. What the reference marks [unconfirmed] for IT Glue (§6, §11) is one of these,
 * so a test, or a person who knows their account, can set it to what they see.
 */
export interface Settings {
  profile: ProfileName;
  latency: LatencyTable<LatencyClass>;
  /** Requests per API key per window before 429: "3,000 requests within a 5-minute window" (§6). */
  rateLimit: { requests: number; windowMs: number };
  /** Whether a 429 carries Retry-After (seconds): [unconfirmed]. */
  retryAfterOn429: boolean;
  /** "The maximum number of page results that can be requested is 1000": larger asks are served 1,000. */
  maxPageSize: number;
  /** page[size] when the call names none (the PowerShell wrapper's "first 50 results"). */
  defaultPageSize: number;
  /** Writes without Content-Type application/vnd.api+json are refused with 415 (§6: writes "need" it). */
  requireJsonApiMediaType: boolean;
  /**
   * Whether a show (GET /passwords/{id}) may carry the clear-text `password`: IT Glue's "show password"
   * option, exact parameter [unconfirmed]. Off: no answer ever carries it. On: a show does unless it asks
   * `show_password=false`, and only for a key with password access. Indexes never carry it.
   */
  showPasswords: boolean;
  /** Whether PATCH /passwords/{id} takes `archived` (a vault that cannot archive answers 422): [unconfirmed]. */
  passwordsArchivable: boolean;
  /** Whether GET /passwords lists archived passwords when the call has no filter[archived]: [unconfirmed]. */
  passwordListIncludesArchived: boolean;
  /** The `resource-type` values that embed a password on a record; "Contact" is [unconfirmed] (§6). */
  embeddableResourceTypes: string[];
  /** PATCH on a record synced from a PSA answers 422 (§6: "Objects syncing with a PSA cannot be patched"). */
  psaSyncedReadOnly: boolean;
}

export function defaultSettings(profile: ProfileName): Settings {
  return {
    profile,
    latency: copyTable(latencyClasses, latencyProfiles[profile]),
    rateLimit: { requests: 3000, windowMs: 300_000 },
    retryAfterOn429: true,
    maxPageSize: 1000,
    defaultPageSize: 50,
    requireJsonApiMediaType: true,
    showPasswords: false,
    passwordsArchivable: true,
    passwordListIncludesArchived: false,
    embeddableResourceTypes: ["Contact", "Configuration", "Location", "Domain", "FlexibleAsset"],
    psaSyncedReadOnly: true,
  };
}

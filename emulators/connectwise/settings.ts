import { z } from "zod";
import { applyLatencyInput, copyTable, type LatencyTable } from "../kit/latency.ts";
import { profileNames, profileTables, type ProfileName } from "../kit/profiles.ts";

export const latencyClasses = ["login", "read", "write"] as const;
export type LatencyClass = (typeof latencyClasses)[number];

export { profileNames, type ProfileName } from "../kit/profiles.ts";

/** `fast` for tests; `realistic` is a cloud instance seen from Europe (reads ~⅓ s, writes ~¾ s). */
export const latencyProfiles = profileTables(latencyClasses, {
  login: { meanMs: 200, jitter: 0.2 },
  read: { meanMs: 350, jitter: 0.25 },
  write: { meanMs: 750, jitter: 0.25 },
});

/**
 * Emulator-wide switches. Those marked [unconfirmed] are behaviours the reference could not pin down
 * (§11): each is a setting here, with the default the reference leans to.
 */
export interface Settings {
  profile: ProfileName;
  latency: LatencyTable<LatencyClass>;
  /** Requests per login company per window before the 429 (§2: "> 1,000 requests per minute"). */
  throttle: { requests: number; windowMs: number };
  /**
   * A JSON-Patch path the record does not have: "ignore" answers 200 with the record unchanged (the
   * vendor's false 200, §2); "reject" answers 400 InvalidObject.
   */
  unknownPatchPath: "ignore" | "reject";
  /** [unconfirmed] String conditions compare without regard to case (SQL Server's default collation). */
  caseInsensitiveConditions: boolean;
  /** Every call needs a clientId header the site knows (§2). */
  requireClientId: boolean;
  /** §2: "a 404 … on cloud often means bad auth": the status wrong credentials are answered with. */
  badAuthStatus: 401 | 404;
}

export function defaultSettings(profile: ProfileName): Settings {
  return {
    profile,
    latency: copyTable(latencyClasses, latencyProfiles[profile]),
    throttle: { requests: 1000, windowMs: 60_000 },
    unknownPatchPath: "ignore",
    caseInsensitiveConditions: true,
    requireClientId: true,
    badAuthStatus: 401,
  };
}

const latencySpec = z.strictObject({ meanMs: z.number().min(0), jitter: z.number().min(0).max(1) });

export const settingsInput = z.strictObject({
  profile: z.enum(profileNames).optional(),
  latency: z.partialRecord(z.enum(latencyClasses), latencySpec).optional(),
  throttle: z
    .strictObject({ requests: z.int().min(1).optional(), windowMs: z.int().min(1).optional() })
    .optional(),
  unknownPatchPath: z.enum(["ignore", "reject"]).optional(),
  caseInsensitiveConditions: z.boolean().optional(),
  requireClientId: z.boolean().optional(),
  badAuthStatus: z.union([z.literal(401), z.literal(404)]).optional(),
});
export type SettingsInput = z.input<typeof settingsInput>;

export function applySettings(settings: Settings, input: z.output<typeof settingsInput>): void {
  applyLatencyInput(settings, input, latencyClasses, latencyProfiles);
  if (input.throttle) settings.throttle = { ...settings.throttle, ...input.throttle };
  if (input.unknownPatchPath) settings.unknownPatchPath = input.unknownPatchPath;
  if (input.caseInsensitiveConditions !== undefined)
    settings.caseInsensitiveConditions = input.caseInsensitiveConditions;
  if (input.requireClientId !== undefined) settings.requireClientId = input.requireClientId;
  if (input.badAuthStatus !== undefined) settings.badAuthStatus = input.badAuthStatus;
}

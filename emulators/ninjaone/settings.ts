import { z } from "zod";
import { applyLatencyInput, copyTable, type LatencyTable } from "../kit/latency.ts";
import { profileNames, profileTables, type ProfileName } from "../kit/profiles.ts";

/** How long each kind of call takes: `fast` for unit tests, `realistic` for the demo. */
export const latencyClasses = ["token", "read", "write"] as const;
export type LatencyClass = (typeof latencyClasses)[number];

export { profileNames, type ProfileName } from "../kit/profiles.ts";

export const latencyProfiles = profileTables(latencyClasses, {
  // A hosted instance seen from Europe: a token and a lookup in a few hundred ms, a write in about half a second.
  token: { meanMs: 250, jitter: 0.2 },
  read: { meanMs: 300, jitter: 0.3 },
  write: { meanMs: 550, jitter: 0.3 },
});

/** How an error body looks; the reference (§4, §11) names both shapes a client parses and confirms neither. */
export const errorStyles = ["resultcode", "error"] as const;
export type ErrorStyle = (typeof errorStyles)[number];

export const tokenPaths = ["/ws/oauth/token", "/oauth/token"] as const;
export type TokenPath = (typeof tokenPaths)[number];

/**
 * Emulator-wide switches. Everything the reference marks [unconfirmed] for NinjaOne is one of these, so a
 * test (or a person who knows their instance) can set it to what they see.
 */
export interface Settings {
  profile: ProfileName;
  latency: LatencyTable<LatencyClass>;
  tokenLifetimeSeconds: number;
  /** Which token paths answer: CIPP uses /ws/oauth/token, other clients /oauth/token; both by default. */
  tokenPaths: TokenPath[];
  /** The status of a refused client (wrong id or secret): OAuth servers answer 401, some 400. */
  tokenErrorStatus: 400 | 401;
  errorStyle: ErrorStyle;
  /** Requests per API client app per window before the 429: NinjaOne documents none, so a guess. */
  rateLimit: { requests: number; windowMs: number };
  /** Whether the 429 says when to come back (Retry-After, whole seconds). */
  retryAfterOnThrottle: boolean;
  /** The most devices one page holds, asked for or not: the spec names no maximum. */
  maxPageSize: number;
}

export function defaultSettings(profile: ProfileName): Settings {
  return {
    profile,
    latency: copyTable(latencyClasses, latencyProfiles[profile]),
    tokenLifetimeSeconds: 3600,
    tokenPaths: [...tokenPaths],
    tokenErrorStatus: 401,
    errorStyle: "resultcode",
    rateLimit: { requests: 10, windowMs: 1000 },
    retryAfterOnThrottle: true,
    maxPageSize: 1000,
  };
}

const latencySpec = z.strictObject({ meanMs: z.number().min(0), jitter: z.number().min(0).max(1) });

export const settingsInput = z.strictObject({
  profile: z.enum(profileNames).optional(),
  latency: z.partialRecord(z.enum(latencyClasses), latencySpec).optional(),
  tokenLifetimeSeconds: z.int().positive().optional(),
  tokenPaths: z.array(z.enum(tokenPaths)).optional(),
  tokenErrorStatus: z.union([z.literal(400), z.literal(401)]).optional(),
  errorStyle: z.enum(errorStyles).optional(),
  rateLimit: z.strictObject({ requests: z.int().positive(), windowMs: z.int().positive() }).optional(),
  retryAfterOnThrottle: z.boolean().optional(),
  maxPageSize: z.int().positive().optional(),
});
export type SettingsInput = z.input<typeof settingsInput>;

/** Applies a validated change; says whether the request budget changed (its buckets are then forgotten). */
export function applySettings(settings: Settings, input: z.output<typeof settingsInput>): boolean {
  applyLatencyInput(settings, input, latencyClasses, latencyProfiles);
  if (input.tokenLifetimeSeconds !== undefined) settings.tokenLifetimeSeconds = input.tokenLifetimeSeconds;
  if (input.tokenPaths !== undefined) settings.tokenPaths = [...new Set(input.tokenPaths)];
  if (input.tokenErrorStatus !== undefined) settings.tokenErrorStatus = input.tokenErrorStatus;
  if (input.errorStyle !== undefined) settings.errorStyle = input.errorStyle;
  if (input.retryAfterOnThrottle !== undefined) settings.retryAfterOnThrottle = input.retryAfterOnThrottle;
  if (input.maxPageSize !== undefined) settings.maxPageSize = input.maxPageSize;
  if (input.rateLimit === undefined) return false;
  settings.rateLimit = input.rateLimit;
  return true;
}

import { copyTable, type LatencyTable } from "../kit/latency.ts";
import {
  latencyClasses,
  latencyProfiles,
  profileDelays,
  type LatencyClass,
  type ProfileName,
} from "./latency.ts";

/** Emulator-wide switches. Throttling budgets and faults have their own modules. */
export interface Settings {
  profile: ProfileName;
  latency: LatencyTable<LatencyClass>;
  /** A new directory object is invisible to reads (GET, PATCH, $ref, filters) for this long. */
  replicationLagMs: number;
  /** Extra delay before advanced queries (ConsistencyLevel: eventual) index a new object. */
  advancedQueryLagMs: number;
  /** Time from assigning an Exchange-bearing license to a usable mailbox. */
  mailboxProvisioningDelayMs: number;
  /** Time from Set-Mailbox -Type to the new RecipientTypeDetails. */
  mailboxConversionDelayMs: number;
  /** Time from retire/wipe to the device action reporting done. */
  deviceActionDelayMs: number;
  tokenLifetimeSeconds: number;
  /** Exchange admin API: concurrent requests per tenant before the plain-text 429; 0 = unlimited. */
  exoMaxConcurrency: number;
}

export function defaultSettings(profile: ProfileName): Settings {
  return {
    profile,
    latency: copyTable(latencyClasses, latencyProfiles[profile]),
    replicationLagMs: 0,
    advancedQueryLagMs: 0,
    ...profileDelays[profile],
    tokenLifetimeSeconds: 3599,
    exoMaxConcurrency: 0,
  };
}

/** Switching profile replaces the latencies and the profile's delays; other switches stay. */
export function applyProfile(settings: Settings, profile: ProfileName): void {
  settings.profile = profile;
  settings.latency = copyTable(latencyClasses, latencyProfiles[profile]);
  Object.assign(settings, profileDelays[profile]);
}

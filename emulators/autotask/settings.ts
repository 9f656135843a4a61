import { copyTable, type LatencyTable } from "../kit/latency.ts";
import { profileTables, type ProfileName } from "../kit/profiles.ts";

export const latencyClasses = ["zone", "read", "write"] as const;
export type LatencyClass = (typeof latencyClasses)[number];

export { profileNames, type ProfileName } from "../kit/profiles.ts";

export const latencyProfiles = profileTables(latencyClasses, {
  // Autotask's REST API is not quick: a query is a few hundred ms, a write more.
  zone: { meanMs: 150, jitter: 0.2 },
  read: { meanMs: 350, jitter: 0.3 },
  write: { meanMs: 650, jitter: 0.3 },
});

/**
 * Emulator-wide switches. What reference §3/§11 marks [unconfirmed] is a setting here, with the
 * emulator's guess as default: the suspended threshold's status and message, the thread-limit refusal,
 * whether note titles are required.
 */
export interface Settings {
  profile: ProfileName;
  latency: LatencyTable<LatencyClass>;
  /** Requests per rolling hour per database, shared by all integrations (documented: 10,000). */
  hourlyThreshold: number;
  /** Added to every call once more than half the hour's threshold is used (documented: 0.5–1 s). */
  thresholdLatencyMs: { min: number; max: number };
  /** How a suspended database answers [unconfirmed]. */
  suspendedStatus: number;
  suspendedMessage: string;
  /** Concurrent requests per object endpoint per integration code (documented: 3); 0 = unlimited. */
  threadLimit: number;
  /** How a request past the thread limit is refused [unconfirmed]. */
  threadLimitStatus: number;
  threadLimitMessage: string;
  /** The "Require titles on ticket notes" category setting. */
  noteTitleRequired: boolean;
  /** MaxRecords when a query names none. */
  defaultMaxRecords: number;
}

export function defaultSettings(profile: ProfileName): Settings {
  return {
    profile,
    latency: copyTable(latencyClasses, latencyProfiles[profile]),
    hourlyThreshold: 10_000,
    thresholdLatencyMs: { min: 500, max: 1000 },
    suspendedStatus: 429,
    suspendedMessage:
      "API request threshold exceeded: this database has used its 10000 requests per hour. Requests are refused until usage drops.",
    threadLimit: 3,
    threadLimitStatus: 429,
    threadLimitMessage: "Thread limit exceeded: at most 3 concurrent requests per endpoint per integration.",
    noteTitleRequired: false,
    defaultMaxRecords: 500,
  };
}

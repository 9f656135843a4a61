import { fastSpec, uniformTable, type LatencyTable } from "./latency.ts";

/**
 * The latency profiles every emulator has: `fast` for tests, `realistic` for the demo and for people
 * watching a run. A vendor brings its latency classes and what realistic means for each of them.
 */
export const profileNames = ["fast", "realistic"] as const;
export type ProfileName = (typeof profileNames)[number];

export type LatencyProfiles<Class extends string> = Record<ProfileName, LatencyTable<Class>>;

/** A vendor's profiles from its realistic table; `fast` answers every class within 0–2 ms. */
export function profileTables<Class extends string>(
  classes: readonly Class[],
  realistic: NoInfer<LatencyTable<Class>>,
): LatencyProfiles<Class> {
  return { fast: uniformTable(classes, fastSpec), realistic };
}

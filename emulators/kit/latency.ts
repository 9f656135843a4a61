/**
 * How long each kind of call takes. A vendor declares its own classes and profiles (names are open);
 * the kit only draws from a spec.
 */

export interface LatencySpec {
  meanMs: number;
  /** Uniform spread around the mean as a fraction of it: 0.2 gives mean ± 20 %. */
  jitter: number;
}

export type LatencyTable<Class extends string> = Record<Class, LatencySpec>;

/** What unit tests want from every class: an answer within 0–2 ms. */
export const fastSpec: LatencySpec = { meanMs: 1, jitter: 1 };

export function uniformTable<Class extends string>(
  classes: readonly Class[],
  spec: LatencySpec,
): LatencyTable<Class> {
  const table: Partial<LatencyTable<Class>> = {};
  for (const c of classes) table[c] = { ...spec };
  return table as LatencyTable<Class>;
}

export function copyTable<Class extends string>(
  classes: readonly Class[],
  table: LatencyTable<Class>,
): LatencyTable<Class> {
  const out: Partial<LatencyTable<Class>> = {};
  for (const c of classes) out[c] = { ...table[c] };
  return out as LatencyTable<Class>;
}

export function pickLatency(spec: LatencySpec, random: () => number = Math.random): number {
  const spread = spec.meanMs * spec.jitter;
  return Math.max(0, spec.meanMs - spread + random() * 2 * spread);
}

/** The latency half of a settings input: a profile replaces the whole table, then single classes. */
export interface LatencyInput<Profile extends string, Class extends string> {
  profile?: Profile | undefined;
  latency?: Partial<Record<Class, LatencySpec | undefined>> | undefined;
}

/**
 * Applies a profile, then the classes set one by one, to an emulator's settings. Every vendor's
 * configure starts with this; what follows is its own.
 */
export function applyLatencyInput<Profile extends string, Class extends string>(
  settings: { profile: Profile; latency: LatencyTable<Class> },
  input: LatencyInput<Profile, Class>,
  classes: readonly Class[],
  profiles: Record<Profile, LatencyTable<Class>>,
): void {
  if (input.profile) {
    settings.profile = input.profile;
    settings.latency = copyTable(classes, profiles[input.profile]);
  }
  for (const [cls, spec] of Object.entries(input.latency ?? {}) as [Class, LatencySpec | undefined][])
    if (spec) settings.latency[cls] = { ...spec };
}

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

/**
 * The critical-path bound of an onboarding, computed without the run it bounds (issue 12): along the
 * plan's longest chain of dependent steps, each step costs the vendor calls it must make one after
 * another, each at its latency class's configured mean, plus the configured provisioning delays it
 * waits for. Which calls a step makes is learnt from a probe: the same request planned the same way on
 * fresh emulators, run one step at a time with every latency class fixed at `probeLatencyMs`, so that
 * each call in the emulators' logs falls inside exactly one step's window, and two calls of a step that
 * overlap in time (the items of a Graph $batch, say) are known to have gone side by side.
 */

/** Each class's latency in the probe: long enough that calls side by side overlap by far more than the log's 1 ms grain. */
export const probeLatencyMs = 20;
/** How far apart two calls one after another may appear in the log's timestamps (millisecond `at`). */
const toleranceMs = 5;

/** A call as the probe's emulators logged it, with what it costs on the measured profile. */
export interface ProbedCall {
  startMs: number;
  endMs: number;
  /** The mean of its latency class on the measured profile; 0 for a request that waits on none (a $batch envelope). */
  costMs: number;
}

/** The longest chain of calls each starting after the one before it ended, by cost. */
export function sequentialCost(calls: readonly ProbedCall[]): number {
  const byEnd = [...calls].sort((a, b) => a.endMs - b.endMs);
  const chain: number[] = [];
  for (const [i, c] of byEnd.entries()) {
    let before = 0;
    for (let j = 0; j < i; j++)
      if (byEnd[j]!.endMs <= c.startMs + toleranceMs) before = Math.max(before, chain[j]!);
    chain.push(before + c.costMs);
  }
  return Math.max(0, ...chain);
}

export interface StepWindow {
  key: string;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A wait that runs from another step's end: a mailbox is provisioned a fixed time after its licence landed. */
export interface Wait {
  /** The step in whose window the condition started (the licence's step, for the mailbox). */
  afterStep: string;
  delayMs: number;
}

export interface StepCost {
  /** The step's calls one after another at their means. */
  callsMs: number;
  calls: number;
  wait?: Wait;
}

/**
 * Each probed step's calls (those that ended inside its window) and their cost. Calls before the first
 * step are the planner's reads, outside the wall time; calls after it outside every window are counted
 * apart, since a probe that misses calls bounds too low.
 */
export function stepCosts(
  steps: readonly StepWindow[],
  calls: readonly ProbedCall[],
  waitOf: (key: string) => Wait | undefined,
): { costs: Map<string, StepCost>; unattributed: number } {
  const costs = new Map<string, StepCost>();
  const attributed = new Set<ProbedCall>();
  for (const s of steps) {
    const own = calls.filter((c) => within(s, c.endMs));
    own.forEach((c) => attributed.add(c));
    const wait = waitOf(s.key);
    costs.set(s.key, { callsMs: sequentialCost(own), calls: own.length, ...(wait ? { wait } : {}) });
  }
  const first = Math.min(...steps.map((s) => s.startedAt?.getTime() ?? Infinity));
  return { costs, unattributed: calls.filter((c) => c.endMs >= first && !attributed.has(c)).length };
}

/** Whether an instant falls in a step's window, give or take the log's grain. */
export function within(step: StepWindow, atMs: number): boolean {
  const from = step.startedAt?.getTime() ?? Infinity;
  const to = step.finishedAt?.getTime() ?? -Infinity;
  return atMs >= from - toleranceMs && atMs <= to + toleranceMs;
}

export interface PlannedStep {
  key: string;
  deps: readonly string[];
}

/**
 * The plan's longest chain of dependent steps: a step ends its calls' cost after the later of its
 * dependencies' ends and its wait's end. Beside it, the same steps one after another, each waiting its
 * full delay.
 */
export function criticalPath(
  plan: readonly PlannedStep[],
  costOf: (key: string) => StepCost,
): { boundMs: number; chain: string[]; sequentialMs: number } {
  const byKey = new Map(plan.map((s) => [s.key, s]));
  const memo = new Map<string, { ms: number; chain: string[] }>();
  const none = { ms: 0, chain: [] as string[] };
  const later = (a: { ms: number; chain: string[] }, b: { ms: number; chain: string[] }) =>
    b.ms > a.ms ? b : a;
  const longest = (key: string): { ms: number; chain: string[] } => {
    const known = memo.get(key);
    if (known) return known;
    const step = byKey.get(key);
    if (!step) throw new Error(`the plan names a step ${key} it does not hold`);
    const cost = costOf(key);
    const afterDeps = step.deps.map(longest).reduce(later, none);
    const afterWait = cost.wait
      ? { ms: longest(cost.wait.afterStep).ms + cost.wait.delayMs, chain: longest(cost.wait.afterStep).chain }
      : none;
    const before = later(afterDeps, afterWait);
    const value = { ms: before.ms + cost.callsMs, chain: [...before.chain, key] };
    memo.set(key, value);
    return value;
  };
  const best = plan.map((s) => longest(s.key)).reduce(later, none);
  return {
    boundMs: best.ms,
    chain: best.chain,
    sequentialMs: plan.reduce(
      (sum, s) => sum + costOf(s.key).callsMs + (costOf(s.key).wait?.delayMs ?? 0),
      0,
    ),
  };
}

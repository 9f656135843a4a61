import type { RunDetail } from "../src/engine/read.ts";
import {
  criticalPath,
  probeLatencyMs,
  stepCosts,
  within,
  type ProbedCall,
  type StepCost,
} from "./critical-path.ts";
import { firstStart, lastEnd } from "./microsoft.ts";
import { newHireUpn, startStack, stackBench, type StackEmulators, type StackName } from "./stacks.ts";

/** The full stack of the product page's sample run: Acme on HaloPSA, NinjaOne and IT Glue. */
const fullStack: StackName = "halopsa-ninjaone-itglue";

/** The step that waits for Exchange to provision the mailbox once a licence carries it. */
const mailboxWait = "mail.wait-for-mailbox";

const duration = (a: RunDetail["actions"][number]) =>
  a.startedAt && a.finishedAt ? a.finishedAt.getTime() - a.startedAt.getTime() : 0;

/**
 * The probe's calls, each costed at its latency class's mean on the measured stack's emulators (part by
 * part: both stacks list their emulators in one order). A sign-in request waits on its vendor's `token`
 * class, which the kit's OAuth endpoint does not name in the log.
 */
function costedCalls(
  probe: StackEmulators,
  measured: StackEmulators,
): { calls: ProbedCall[]; uncosted: number } {
  const calls: ProbedCall[] = [];
  let uncosted = 0;
  probe.parts.forEach((part, i) => {
    const means = measured.parts[i]!.latency();
    for (const { record } of part.calls()) {
      const cls = record.latencyClass ?? (record.api === "token" ? "token" : undefined);
      const mean = cls === undefined ? undefined : means[cls]?.meanMs;
      // A $batch envelope waits on no class of its own: its items carry the time.
      if (mean === undefined && !record.route.endsWith("$batch")) uncosted++;
      const endMs = Date.parse(record.at);
      calls.push({ startMs: endMs - record.durationMs, endMs, costMs: mean ?? 0 });
    }
  });
  return { calls, uncosted };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The Acme onboarding with every system (Microsoft 365, HaloPSA, NinjaOne, IT Glue, a device serial) on
 * the realistic profile, as the product runs it: the connectors' own limits (Graph and Exchange: four
 * steps at a time per tenant), the worker's 8 slots, tuned as in microsoft.ts (1 s condition polls), the
 * ticket trail running beside it. Its wall time (first step's start to last step's end) against
 * the critical-path bound of critical-path.ts, learnt from a probe on fresh emulators, and against the
 * same steps' costs one after another (the product page's sequential 2 min 34 s). Prints the method, the
 * chain and, per step, where the measured time went.
 */
export async function fullRunBench(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const measured = await startStack(fullStack, "realistic");
  const probe = await startStack(fullStack, "fast");
  try {
    for (const part of probe.parts) part.fixLatency(probeLatencyMs);
    const probeBench = await stackBench(probe);
    let probed: RunDetail;
    try {
      probe.clearCalls();
      probed = await probeBench.onboard({ sequential: true });
    } finally {
      await probeBench.close();
    }
    const { calls, uncosted } = costedCalls(probe, measured);

    const bench = await stackBench(measured, { pollMs: 1000, idleMs: 50 });
    let run: RunDetail;
    try {
      bench.trail.start();
      run = await bench.onboard();
    } finally {
      await bench.close();
    }

    // The mailbox wait runs from the step in whose window the probe's mailbox appeared (its licence's).
    const createdAt = probe.mailboxCreatedAt(newHireUpn);
    const grantor = probed.actions.find((a) => createdAt !== undefined && within(a, createdAt))?.key;
    const mailboxMs = measured.mailboxProvisioningDelayMs();
    const typeOf = new Map(run.actions.map((a) => [a.key, a.type]));
    const { costs, unattributed } = stepCosts(probed.actions, calls, (key) => {
      if (typeOf.get(key) !== mailboxWait) return undefined;
      if (!grantor) throw new Error("the probe's onboarding made no mailbox inside a step");
      return { afterStep: grantor, delayMs: mailboxMs };
    });
    const costOf = (key: string): StepCost => {
      const c = costs.get(key);
      if (!c) throw new Error(`the probe's plan has no step ${key}: the two plans differ`);
      return c;
    };
    const path = criticalPath(run.actions, costOf);
    const wall = lastEnd(run) - firstStart(run);
    out["onboarding.fullRunWallMs"] = wall;
    out["onboarding.criticalPathMs"] = path.boundMs;
    out["onboarding.ratioToCriticalPath"] = wall / path.boundMs;
    out["onboarding.sequentialBoundMs"] = path.sequentialMs;
    out["onboarding.criticalPathProbe.unattributedCalls"] = unattributed;
    out["onboarding.criticalPathProbe.uncostedCalls"] = uncosted;

    const lines = [
      "",
      `Full onboarding (${fullStack}, realistic profile): wall ${seconds(wall)}, bound ${seconds(path.boundMs)}, ` +
        `ratio ${(wall / path.boundMs).toFixed(2)}; the same steps one after another ${seconds(path.sequentialMs)}.`,
      "The bound: the plan's longest chain of dependent steps, each step costing the vendor calls it makes one",
      "after another at their latency classes' configured means (calls side by side, as in a $batch, count once),",
      `plus the configured provisioning delays: the mailbox is usable ${seconds(mailboxMs)} after its licence's step`,
      `(${grantor}) ends; the emulator licenses a group's members at once. A step ends after its dependencies and its wait.`,
      `A step's calls are learnt from a probe: the same request on fresh emulators, one step at a time, every class at ${probeLatencyMs} ms.`,
      `${unattributed} probe calls fell outside every step's window; ${uncosted} named no latency class.`,
      "",
      "Per step of the measured run: its probed calls and their cost (+ its wait), when it started and ended",
      "(from the first step's start), how long it took, and how long it was queued after its dependencies had",
      "ended (for a worker slot or its vendor's concurrency limit).",
      `${"step".padEnd(34)} ${"calls".padStart(5)} ${"cost".padStart(14)} ${"start".padStart(7)} ${"end".padStart(7)} ${"took".padStart(7)} ${"queued".padStart(7)}  chain`,
    ];
    const endOf = new Map(run.actions.map((a) => [a.key, a.finishedAt?.getTime() ?? 0]));
    const steps = [...run.actions].sort(
      (a, b) => (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0),
    );
    for (const a of steps) {
      const c = costOf(a.key);
      // From the moment its last dependency ended (or the run's first step began) to its own start.
      const ready = Math.max(firstStart(run), ...a.deps.map((d) => endOf.get(d) ?? 0));
      const waited = a.startedAt ? a.startedAt.getTime() - ready : 0;
      const cost = `${seconds(c.callsMs)}${c.wait ? ` +${seconds(c.wait.delayMs)}` : ""}`;
      const at = (d: Date | null) => seconds((d?.getTime() ?? 0) - firstStart(run));
      lines.push(
        `${a.key.slice(0, 34).padEnd(34)} ${String(c.calls).padStart(5)} ${cost.padStart(14)} ` +
          `${at(a.startedAt).padStart(7)} ${at(a.finishedAt).padStart(7)} ${seconds(duration(a)).padStart(7)} ` +
          `${seconds(waited).padStart(7)}  ${path.chain.includes(a.key) ? "*" : ""}`,
      );
    }
    console.log(lines.join("\n"));
  } finally {
    await Promise.all([measured.close(), probe.close()]);
  }
  return out;
}

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { criticalPath, sequentialCost, stepCosts, type StepCost } from "../../bench/critical-path.ts";

const call = (startMs: number, endMs: number, costMs: number) => ({ startMs, endMs, costMs });
const at = (ms: number) => new Date(ms);

describe("the critical-path bound", () => {
  it("adds calls one after another and counts calls side by side (a $batch's items) once", () => {
    assert.equal(sequentialCost([call(0, 20, 300), call(21, 41, 1150), call(42, 62, 300)]), 1750);
    // Two items of one batch overlap each other and the envelope, which costs nothing itself.
    const batch = [call(0, 25, 0), call(1, 22, 1800), call(2, 23, 1800)];
    assert.equal(sequentialCost([...batch, call(26, 46, 300)]), 2100);
  });

  it("gives each step the calls that ended in its window, and counts those outside every window after the first step", () => {
    const steps = [
      { key: "a", startedAt: at(100), finishedAt: at(150) },
      { key: "b", startedAt: at(200), finishedAt: at(260) },
    ];
    const calls = [call(50, 70, 300), call(110, 130, 400), call(210, 230, 500), call(170, 180, 600)];
    const { costs, unattributed } = stepCosts(steps, calls, () => undefined);
    assert.deepEqual(costs.get("a"), { callsMs: 400, calls: 1 });
    assert.deepEqual(costs.get("b"), { callsMs: 500, calls: 1 });
    // The planner's read before the first step is outside the wall time; the call between the steps is not.
    assert.equal(unattributed, 1);
  });

  it("follows the longest chain, and starts a wait from the step that began its condition", () => {
    const plan = [
      { key: "create-user", deps: [] },
      { key: "licence-group", deps: ["create-user"] },
      { key: "other-group", deps: ["create-user"] },
      { key: "mailbox-ready", deps: ["licence-group", "other-group"] },
      { key: "welcome", deps: ["mailbox-ready"] },
    ];
    const costs: Record<string, StepCost> = {
      "create-user": { callsMs: 2_000, calls: 3 },
      "licence-group": { callsMs: 4_000, calls: 5 },
      "other-group": { callsMs: 10_000, calls: 5 },
      "mailbox-ready": { callsMs: 1_000, calls: 2, wait: { afterStep: "licence-group", delayMs: 27_000 } },
      welcome: { callsMs: 15_000, calls: 2 },
    };
    const path = criticalPath(plan, (k) => costs[k]!);
    // The mailbox is usable 27 s after the licence's step ends (at 6 s), later than the other group (12 s).
    assert.equal(path.boundMs, 2_000 + 4_000 + 27_000 + 1_000 + 15_000);
    assert.deepEqual(path.chain, ["create-user", "licence-group", "mailbox-ready", "welcome"]);
    assert.equal(path.sequentialMs, 2_000 + 4_000 + 10_000 + 1_000 + 27_000 + 15_000);
  });

  it("refuses a plan that names a step it does not hold", () => {
    assert.throws(
      () => criticalPath([{ key: "a", deps: ["missing"] }], () => ({ callsMs: 1, calls: 1 })),
      /missing/,
    );
  });
});

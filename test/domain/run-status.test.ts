import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  actionStates,
  type ActionState,
  type ActionSummary,
  deriveRunStatus,
  finalActionStates,
} from "../../src/domain/run-status.ts";

const now = new Date("2026-12-01T09:00:00.000Z");
const facts = {
  startAt: new Date("2026-12-01T08:00:00.000Z"),
  cancelRequested: false,
};
const step = (state: ActionState, extra: Partial<ActionSummary> = {}): ActionSummary => ({
  type: "x",
  gate: null,
  state,
  required: true,
  attempts: state === "pending" ? 0 : 1,
  runAt: now,
  ...extra,
});

test("a run whose required step failed is failed, whatever else succeeded", () => {
  assert.equal(deriveRunStatus(facts, [step("succeeded"), step("failed"), step("blocked")], now), "failed");
});

test("a failed optional step leaves completed-with-warnings", () => {
  assert.equal(
    deriveRunStatus(facts, [step("succeeded"), step("failed", { required: false })], now),
    "completed-with-warnings",
  );
});

test("skipped and already-done steps complete a run", () => {
  assert.equal(
    deriveRunStatus(facts, [step("skipped"), step("already-done"), step("succeeded")], now),
    "completed",
  );
});

test("a run waits for its start, for approval, and for conditions", () => {
  const later = new Date(now.getTime() + 60_000);
  assert.equal(
    deriveRunStatus({ ...facts, startAt: later }, [step("ready", { runAt: later, attempts: 0 })], now),
    "scheduled",
  );
  assert.equal(
    deriveRunStatus(
      facts,
      [step("waiting", { type: "engine.gate", gate: "approval" }), step("pending")],
      now,
    ),
    "awaiting-approval",
  );
  assert.equal(
    deriveRunStatus(facts, [step("succeeded"), step("waiting", { runAt: later })], now),
    "waiting",
  );
  assert.equal(deriveRunStatus(facts, [step("succeeded"), step("running")], now), "running");
});

test("a manual task waited on reads as waiting, and a decided gate is no work begun", () => {
  const later = new Date(now.getTime() + 60_000);
  const task = { type: "engine.gate", gate: "manual-task" as const, runAt: later };
  assert.equal(
    deriveRunStatus(facts, [step("succeeded"), step("waiting", task), step("pending")], now),
    "waiting",
  );
  const approved = step("succeeded", { type: "engine.gate", gate: "approval" });
  assert.equal(
    deriveRunStatus(
      { ...facts, startAt: later },
      [approved, step("ready", { runAt: later, attempts: 0 })],
      now,
    ),
    "scheduled",
  );
});

test("a step made ready this millisecond reads as running, not waiting", () => {
  assert.equal(
    deriveRunStatus(facts, [step("succeeded"), step("ready", { runAt: new Date(now.getTime() + 1) })], now),
    "running",
  );
});

test("a cancelled run is cancelled once nothing is in flight", () => {
  const c = { ...facts, cancelRequested: true };
  assert.equal(deriveRunStatus(c, [step("succeeded"), step("running"), step("cancelled")], now), "running");
  assert.equal(deriveRunStatus(c, [step("succeeded"), step("cancelled")], now), "cancelled");
});

test("no run reads completed while a required step failed or has not finished", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          state: fc.constantFrom(...actionStates),
          required: fc.boolean(),
          attempts: fc.nat(3),
          late: fc.boolean(),
        }),
        { minLength: 1, maxLength: 12 },
      ),
      fc.boolean(),
      (rows, cancelled) => {
        const actions = rows.map((r) =>
          step(r.state, {
            required: r.required,
            attempts: r.attempts,
            runAt: r.late ? new Date(now.getTime() + 5000) : now,
          }),
        );
        const status = deriveRunStatus({ ...facts, cancelRequested: cancelled }, actions, now);
        const unfinished = actions.some((a) => !finalActionStates.has(a.state));
        const requiredFailed = actions.some(
          (a) => a.required && (a.state === "failed" || a.state === "blocked"),
        );
        if (status === "completed" || status === "completed-with-warnings") {
          assert.ok(!unfinished && !requiredFailed && !cancelled);
        }
        if (status === "completed")
          assert.ok(!actions.some((a) => a.state === "failed" || a.state === "blocked"));
      },
    ),
  );
});

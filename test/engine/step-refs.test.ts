import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { z } from "zod";
import type { PlannedAction } from "../../src/domain/plan.ts";
import { getRun } from "../../src/engine/read.ts";
import type { Store } from "../../src/store/sql.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import { defineNoPortsAction, noPortsEngine } from "../support/test-actions.ts";

const received: Record<string, unknown>[] = [];

/** Reports an id, as a create step reports the id of what it created. */
const makes = defineNoPortsAction({
  type: "test.makes",
  params: z.strictObject({}),
  ports: [],
  plan: async () => ({ kind: "will-change", summary: "make" }),
  apply: async () => ({ kind: "done", data: { made: { id: "obj-42" } } }),
  verify: async () => ({ kind: "verified" }),
});

/** Needs the id the other step reported: its schema refuses anything else. */
const uses = defineNoPortsAction({
  type: "test.uses",
  params: z.strictObject({ id: z.string().startsWith("obj-"), note: z.string() }),
  ports: [],
  plan: async (p) => {
    received.push(p);
    return { kind: "will-change", summary: `use ${p.id}` };
  },
  apply: async () => ({ kind: "done" }),
  verify: async () => ({ kind: "verified" }),
});

const step = (
  key: string,
  type: string,
  params: Record<string, unknown>,
  deps: string[] = [],
): PlannedAction => ({
  key,
  type,
  title: key,
  params,
  deps,
  required: true,
  tenant: "refs",
  api: "test",
});

let engine: Awaited<ReturnType<typeof noPortsEngine>>;
let store: Store;
before(async () => {
  engine = await noPortsEngine("refs", makes, uses);
  store = engine.store;
});
after(() => engine.close());
const run = (actions: PlannedAction[]) => engine.run(actions);

test("a step's params take what the step it comes after reported, when it runs", async () => {
  const { runId } = await run([
    step("make", "test.makes", {}),
    step("use", "test.uses", { id: { $step: "make", path: "made.id" }, note: "literal" }, ["make"]),
  ]);
  await waitForStatus(store, runId, ["completed"]);
  assert.deepEqual(received.at(-1), { id: "obj-42", note: "literal" });
  // The plan as stored keeps the reference: what was approved is where the value comes from.
  const [stored] = await store.query<{ params: Record<string, unknown> }>(
    `select params from actions where run_id = $1 and key = 'use'`,
    [runId],
  );
  assert.deepEqual(stored?.params.id, { $step: "make", path: "made.id" });
});

test("a reference to something the step did not report fails the step naming the parameter", async () => {
  const { runId } = await run([
    step("make", "test.makes", {}),
    step("use", "test.uses", { id: { $step: "make", path: "made.name" }, note: "x" }, ["make"]),
  ]);
  await waitForStatus(store, runId, ["failed"]);
  const use = (await getRun(store, runId)).actions.find((a) => a.key === "use");
  const outcome = use?.outcome as { error?: { code?: string; message?: string } } | undefined;
  assert.equal(outcome?.error?.code, "INVALID_PARAMS");
  assert.match(outcome?.error?.message ?? "", /id: step "make" reported no made\.name/);
});

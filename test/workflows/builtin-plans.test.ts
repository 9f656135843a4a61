import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { productionCatalog } from "../../src/actions/catalog.ts";
import type { Plan, PlannedAction } from "../../src/domain/plan.ts";
import { planWorkflow } from "../../src/planner/interpret.ts";
import { builtinWorkflows } from "../../src/workflows/index.ts";
import { caseClient, caseRequest, caseSystems, demoLive, planCases } from "./builtin-plan-cases.ts";

const recorded = JSON.parse(
  readFileSync(new URL("./fixtures/typescript-planner-plans.json", import.meta.url), "utf8"),
) as Record<string, Plan>;

/** Dependencies are a set: the engine does not read their order. */
function comparable(a: PlannedAction): PlannedAction {
  const { params, ...rest } = JSON.parse(JSON.stringify(a)) as PlannedAction;
  // The welcome email went to the requester; it goes to the client's HR contacts now (issue 8).
  const { to: _to, ...kept } = params;
  return { ...rest, params: a.type === "notify.welcome-email" ? kept : params, deps: [...a.deps].sort() };
}

for (const c of planCases) {
  test(`built-in ${c.kind} plans what the TypeScript planner planned: ${c.name}`, async () => {
    const client = caseClient(c);
    const planned = await planWorkflow(builtinWorkflows[c.kind], {
      request: caseRequest(c, client),
      client,
      live: c.live ? demoLive : {},
      systems: caseSystems(client),
      catalog: productionCatalog(),
    });
    assert.ok(planned.ok, JSON.stringify(!planned.ok && planned.errors));
    const before = recorded[c.name]?.actions ?? [];
    const now = planned.value.plan.actions;
    assert.deepEqual(
      now.map((a) => a.key),
      before.map((a) => a.key),
      "the same steps in the same order",
    );
    for (const [i, a] of now.entries())
      assert.deepEqual(comparable(a), comparable(before[i] as PlannedAction), a.key);
    assert.deepEqual(planned.value.plan.workflow, { id: `builtin:${c.kind}`, version: 1 });
  });
}

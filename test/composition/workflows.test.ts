import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  checkClientWorkflow,
  clientWorkflow,
  clientWorkflowHistory,
  emptyOverlay,
  loadClientWorkflow,
  saveClientWorkflow,
} from "../../src/composition/index.ts";
import type { Result } from "../../src/domain/result.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { saveWorkflowVersion } from "../../src/store/workflows-repo.ts";
import { builtinWorkflow, type WorkflowOverlayInput } from "../../src/workflows/index.ts";
import { seedClient } from "../support/engine-helpers.ts";

const onboard = builtinWorkflow("onboard");
const offboard = builtinWorkflow("offboard");

/**
 * A built-in step others wait for (besides the create, which everything waits for), and the `after` entry
 * of each step left waiting for it when an overlay removes it alone.
 */
function dependedOn(): { dep: string; dangling: string[] } {
  const dep = onboard.steps.find((s) => s.after !== "all" && s.after.some((d) => d !== "create-user"));
  const id = dep && dep.after !== "all" ? dep.after.find((d) => d !== "create-user") : undefined;
  assert.ok(id, "the built-in onboarding has a dependency to break");
  const dangling = onboard.steps.flatMap((s) =>
    s.after === "all" ? [] : s.after.flatMap((d, j) => (d === id ? [`steps.${s.id}.after.${j}`] : [])),
  );
  return { dep: id, dangling };
}

const financeGroup = {
  id: "finance-group",
  action: "groups.add-member",
  title: "Add to Finance-Team",
  on: "directory",
  params: { upn: "${derived.upn}", group: "Finance-Team" },
  after: ["create-user"],
} as const;

const goodOverlay = (): WorkflowOverlayInput => ({
  kind: "onboard",
  extends: "builtin:onboard@1",
  remove: ["autopilot"],
  add: [{ ...financeGroup, after: [...financeGroup.after] }],
  patch: { "set-manager": { required: false } },
});

const fields = (r: Result<unknown>) => (r.ok ? [] : r.errors.map((e) => e.field));

describe("client workflows (composition)", () => {
  let store: Store;
  const versions = async () =>
    (await store.query<{ n: number }>(`select count(*)::int as n from workflow_versions`))[0]!.n;

  before(async () => {
    store = await openStore({});
    await seedClient(store, "acme");
    await seedClient(store, "globex");
  });
  after(async () => store.close());

  test("a client without an overlay plans with the built-in", async () => {
    const def = await clientWorkflow(store, "globex", "onboard");
    assert.ok(def.ok, JSON.stringify(def));
    assert.equal(def.value, onboard);
    const loaded = await loadClientWorkflow(store, "globex", "onboard");
    assert.ok(loaded.ok);
    assert.equal(loaded.value.version, null);
    assert.deepEqual(loaded.value.overlay, emptyOverlay("onboard"));
  });

  test("a saved overlay is the next version and what the client now plans with", async () => {
    const saved = await saveClientWorkflow(store, {
      clientId: "acme",
      input: goodOverlay(),
      actor: "tech@msp.example",
    });
    assert.ok(saved.ok, JSON.stringify(saved));
    assert.equal(saved.value.version, 1);
    const def = await clientWorkflow(store, "acme", "onboard");
    assert.ok(def.ok, JSON.stringify(def));
    assert.equal(def.value.id, "client:acme:onboard");
    assert.equal(def.value.version, 1);
    assert.equal(def.value.extends, "builtin:onboard@1");
    const ids = def.value.steps.map((s) => s.id);
    assert.ok(ids.includes("finance-group") && !ids.includes("autopilot"));
    assert.equal(def.value.steps.find((s) => s.id === "set-manager")?.required, false);
    assert.deepEqual(saved.value.definition, def.value);
  });

  test("an earlier version stays readable, pinned to its own number", async () => {
    const second = await saveClientWorkflow(store, {
      clientId: "acme",
      kind: "onboard",
      input: { ...goodOverlay(), remove: [] },
      actor: "lead@msp.example",
    });
    assert.ok(second.ok, JSON.stringify(second));
    assert.equal(second.value.version, 2);
    const first = await loadClientWorkflow(store, "acme", "onboard", { version: 1 });
    assert.ok(first.ok);
    assert.equal(first.value.definition.version, 1);
    assert.equal(first.value.savedBy, "tech@msp.example");
    assert.ok(!first.value.definition.steps.some((s) => s.id === "autopilot"));
    const history = await clientWorkflowHistory(store, "acme", "onboard");
    assert.ok(history.ok);
    assert.deepEqual(
      history.value.map((h) => [h.version, h.savedBy]),
      [
        [2, "lead@msp.example"],
        [1, "tech@msp.example"],
      ],
    );
    assert.deepEqual(fields(await loadClientWorkflow(store, "acme", "onboard", { version: 9 })), ["version"]);
  });

  const { dep, dangling } = dependedOn();
  const refused: [string, unknown, string[], { kind?: "onboard" | "offboard"; clientId?: string }?][] = [
    ["an unknown step removed", { ...goodOverlay(), remove: ["no-such-step"] }, ["remove.0"]],
    [
      "an unknown step patched",
      { ...goodOverlay(), patch: { "no-such-step": { required: false } } },
      ["patch.no-such-step"],
    ],
    ["a step added twice", { ...goodOverlay(), add: [financeGroup, financeGroup] }, ["add.1.id"]],
    [
      "a step added under a built-in's id",
      { ...goodOverlay(), add: [{ ...financeGroup, id: "create-user" }] },
      ["add.0.id"],
    ],
    ["a step left waiting for a removed one", { ...goodOverlay(), remove: [dep] }, dangling],
    [
      "an added step's parameter of the wrong type",
      { ...goodOverlay(), add: [{ ...financeGroup, params: { ...financeGroup.params, group: 42 } }] },
      ["add.0.params.group"],
    ],
    [
      "an added step's unknown action",
      { ...goodOverlay(), add: [{ ...financeGroup, action: "groups.add-membr" }] },
      ["add.0.action"],
    ],
    [
      "a patched condition on a field the request does not have",
      { ...goodOverlay(), patch: { "set-manager": { when: { present: "request.favouriteColour" } } } },
      ["patch.set-manager.when.present"],
    ],
    [
      "a patch that makes two steps wait for each other",
      { ...goodOverlay(), patch: { "create-user": { after: ["set-manager"] } } },
      ["patch.create-user.after"],
    ],
    [
      "a patch that waits for a step the workflow does not have",
      { ...goodOverlay(), patch: { signature: { after: ["mailbox-redy"] } } },
      ["patch.signature.after.0"],
    ],
    ["an unknown built-in extended", { ...goodOverlay(), extends: "builtin:onboard@7" }, ["extends"]],
    ["a malformed extends", { ...goodOverlay(), extends: "onboard" }, ["extends"]],
    [
      "an overlay of one kind on the other kind's built-in",
      { ...goodOverlay(), extends: "builtin:offboard@1", remove: [], add: [], patch: {} },
      ["kind"],
    ],
    [
      "an offboarding overlay where the onboarding is meant",
      emptyOverlay("offboard"),
      ["kind"],
      { kind: "onboard" },
    ],
    [
      "a step without an action",
      { ...goodOverlay(), add: [{ ...financeGroup, action: undefined }] },
      ["add.0.action"],
    ],
    ["a field overlays do not have", { ...goodOverlay(), steps: [] }, ["steps"]],
    ["not an object at all", "remove everything", ["workflow"]],
    ["an unknown client", goodOverlay(), ["client"], { clientId: "nobody" }],
  ];
  for (const [what, input, expected, opts] of refused) {
    test(`refused, naming the field, nothing saved: ${what}`, async () => {
      const before = await versions();
      const args = { clientId: opts?.clientId ?? "acme", kind: opts?.kind, input };
      const saved = await saveClientWorkflow(store, { ...args, actor: "tech" });
      assert.equal(saved.ok, false);
      assert.deepEqual(fields(saved), expected, JSON.stringify(saved));
      assert.ok(!saved.ok && saved.errors.every((e) => e.message.length > 0));
      assert.deepEqual(fields(await checkClientWorkflow(store, args)), expected);
      assert.equal(await versions(), before);
    });
  }

  test("an overlay that names steps wrongly still has the rest of it checked: every error at once", async () => {
    const checked = await checkClientWorkflow(store, {
      clientId: "acme",
      input: {
        ...goodOverlay(),
        remove: ["autopilot", "no-such-step"],
        patch: { signature: { after: ["mailbox-redy"] } },
        add: [financeGroup, financeGroup, { ...financeGroup, id: "typo-group", action: "groups.add-membr" }],
      },
    });
    assert.deepEqual(fields(checked), ["remove.1", "add.1.id", "patch.signature.after.0", "add.2.action"]);
  });

  test("checking a good overlay saves nothing and pins the version a save would get", async () => {
    const before = await versions();
    const checked = await checkClientWorkflow(store, { clientId: "acme", input: goodOverlay() });
    assert.ok(checked.ok, JSON.stringify(checked));
    assert.equal(checked.value.definition.version, 3);
    assert.equal(await versions(), before);
  });

  test("an offboarding overlay saves as the offboarding's own version 1", async () => {
    const keep = offboard.steps.find((s) => s.id === "notify-supervisor");
    assert.ok(keep, "the built-in offboarding has a notify-supervisor step");
    const saved = await saveClientWorkflow(store, {
      clientId: "acme",
      input: { ...emptyOverlay("offboard"), remove: ["notify-supervisor"] },
      actor: "tech",
    });
    assert.ok(saved.ok, JSON.stringify(saved));
    assert.equal(saved.value.version, 1);
    assert.equal(saved.value.definition.id, "client:acme:offboard");
  });

  test("a saved version that no longer applies fails planning, naming the version, instead of running something else", async () => {
    await saveWorkflowVersion(store, {
      clientId: "globex",
      kind: "onboard",
      overlay: { ...emptyOverlay("onboard"), remove: ["step-gone-since"] },
      actor: "tech",
    });
    const def = await clientWorkflow(store, "globex", "onboard");
    assert.deepEqual(fields(def), ["workflow.remove.0"]);
    assert.match(!def.ok ? (def.errors[0]?.message ?? "") : "", /version 1/);
  });
});

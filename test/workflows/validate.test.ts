import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { productionCatalog } from "../../src/actions/catalog.ts";
import {
  builtinWorkflows,
  validateWorkflow,
  workflowDefinitionSchema,
  type WorkflowStepInput,
} from "../../src/workflows/index.ts";

const catalog = productionCatalog();

function definition(steps: WorkflowStepInput[], kind: "onboard" | "offboard" = "offboard") {
  return workflowDefinitionSchema.parse({ id: "test:workflow", version: 1, kind, steps });
}

const errorsOf = (steps: WorkflowStepInput[], kind?: "onboard" | "offboard") =>
  validateWorkflow(definition(steps, kind), { catalog });

const revoke = (id: string, more: Partial<WorkflowStepInput> = {}): WorkflowStepInput => ({
  id,
  action: "identity.revoke-sessions",
  title: "Revoke",
  params: { upn: "${request.user}" },
  ...more,
});

test("the built-in offboarding is valid", () => {
  assert.deepEqual(validateWorkflow(builtinWorkflows.offboard, { catalog }), []);
});

test("an unknown action is refused naming the step", () => {
  const errors = errorsOf([revoke("a", { action: "identity.revoke-everything" })]);
  assert.deepEqual(
    errors.map((e) => e.field),
    ["steps.a.action"],
  );
  assert.match(errors[0]?.message ?? "", /identity\.revoke-everything/);
});

test("a missing parameter is refused naming the step and field", () => {
  const errors = errorsOf([
    { id: "manager", action: "identity.set-manager", title: "M", params: { upn: "${request.user}" } },
  ]);
  assert.deepEqual(errors, [
    { field: "steps.manager.params.manager", message: "is required by identity.set-manager" },
  ]);
});

test("an ill-typed literal parameter is refused", () => {
  const errors = errorsOf([
    {
      id: "grant",
      action: "mail.grant-mailbox-access",
      title: "G",
      on: "mailboxAdmin",
      params: { mailbox: "${request.user}", grantee: "${request.user}", sendAs: "yes" },
    },
  ]);
  assert.deepEqual(
    errors.map((e) => e.field),
    ["steps.grant.params.sendAs"],
  );
});

test("an expression of the wrong type is refused: a text where a flag is wanted", () => {
  const errors = errorsOf([
    {
      id: "grant",
      action: "mail.grant-mailbox-access",
      title: "G",
      on: "mailboxAdmin",
      params: { mailbox: "${request.user}", grantee: "${request.user}", sendAs: "${request.reason}" },
    },
  ]);
  assert.deepEqual(
    errors.map((e) => e.field),
    ["steps.grant.params.sendAs"],
  );
  assert.match(errors[0]?.message ?? "", /expression/);
});

test("an expression on a field that does not exist is refused, wherever it is", () => {
  const errors = errorsOf([
    revoke("a", { params: { upn: "${request.usr}" } }),
    revoke("b", { title: "Revoke ${client.nope}" }),
    revoke("c", { params: { upn: "${derived.nothing}" } }),
    revoke("d", { params: { upn: "${item}" } }),
    revoke("e", { params: { upn: "${request.user" } }),
  ]);
  assert.deepEqual(errors.map((e) => e.field).sort(), [
    "steps.a.params.upn",
    "steps.b.title",
    "steps.c.params.upn",
    "steps.d.params.upn",
    "steps.e.params.upn",
  ]);
  assert.match(errors.find((e) => e.field === "steps.a.params.upn")?.message ?? "", /no field usr/);
});

test("a `when` on an unknown field is refused naming where in the condition", () => {
  const errors = errorsOf([
    revoke("a", {
      when: {
        all: [
          { present: "request.actions.disableAccount" },
          { not: { equals: ["${request.actions.wipe}", "wipe"] } },
        ],
      },
    }),
  ]);
  assert.deepEqual(
    errors.map((e) => e.field),
    ["steps.a.when.all.1.not.equals.0"],
  );
});

test("after on a step that is not there, and a cycle, are refused", () => {
  assert.deepEqual(
    errorsOf([revoke("a", { after: ["ghost"] })]).map((e) => e.field),
    ["steps.a.after.0"],
  );
  const cycle = errorsOf([
    revoke("a", { after: ["c"] }),
    revoke("b", { after: ["a"] }),
    revoke("c", { after: ["b"] }),
  ]);
  assert.equal(cycle.length, 1);
  assert.match(cycle[0]?.message ?? "", /cycle: (a|b|c) -> .* -> \1/);
});

test("a step's output may be used only from a step it comes after", () => {
  const errors = errorsOf([
    revoke("a"),
    revoke("b", { params: { upn: "${steps.a.data.upn}" } }),
    revoke("c", { params: { upn: "${steps.a.data.upn}" }, after: ["a"] }),
  ]);
  assert.deepEqual(
    errors.map((e) => e.field),
    ["steps.b.params.upn"],
  );
});

test("a port the action does not use, or none where it uses several, is refused", () => {
  const errors = errorsOf([
    revoke("a", { on: "licensing" }),
    { id: "hide", action: "mail.hide-from-address-list", title: "H", params: { upn: "${request.user}" } },
  ]);
  assert.deepEqual(errors.map((e) => e.field).sort(), ["steps.a.on", "steps.hide.on"]);
});

test("a client's workflow may name only the client's variables", () => {
  const client = { variables: { tagline: "x" } } as unknown as Parameters<
    typeof validateWorkflow
  >[1]["client"];
  const def = definition([revoke("a", { title: "${vars.tagline} ${vars.missing}" })]);
  assert.deepEqual(
    validateWorkflow(def, { catalog, ...(client ? { client } : {}) }).map((e) => e.field),
    ["steps.a.title"],
  );
});

// Definitions made to be valid: steps come after earlier ones only, actions and params known.
const stepArb = (i: number) =>
  fc
    .record({
      action: fc.constantFrom(
        "identity.revoke-sessions",
        "identity.disable-sign-in",
        "identity.reset-password",
      ),
      after: fc.subarray(Array.from({ length: i }, (_, j) => `s${j}`)),
      priority: fc.integer({ min: -5, max: 100 }),
      required: fc.boolean(),
      when: fc.option(
        fc.constantFrom(
          { equals: ["${request.actions.disableAccount}", true] },
          { serves: "directory" as const },
        ),
        { nil: undefined },
      ),
    })
    .map((s) => ({
      id: `s${i}`,
      title: `Step ${i}`,
      params: { upn: "${request.user}" },
      ...s,
      ...(s.when ? {} : { when: undefined }),
    }));

const validDefinition = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => stepArb(i))))
  .map((steps) =>
    steps.map(
      (s) =>
        Object.fromEntries(
          Object.entries(s).filter(([, v]) => v !== undefined),
        ) as unknown as WorkflowStepInput,
    ),
  );

test("fast-check: every definition built to be valid validates", () => {
  fc.assert(fc.property(validDefinition, (steps) => errorsOf(steps).length === 0));
});

type Break = (steps: WorkflowStepInput[], at: number) => { steps: WorkflowStepInput[]; field: RegExp };
const breaks: Record<string, Break> = {
  "unknown action": (steps, at) => ({
    steps: steps.map((s, i) => (i === at ? { ...s, action: "identity.no-such-thing" } : s)),
    field: new RegExp(`^steps\\.s${at}\\.action$`),
  }),
  "missing parameter": (steps, at) => ({
    steps: steps.map((s, i) => (i === at ? { ...s, params: {} } : s)),
    field: new RegExp(`^steps\\.s${at}\\.params\\.upn$`),
  }),
  "unknown field": (steps, at) => ({
    steps: steps.map((s, i) => (i === at ? { ...s, params: { upn: "${request.userName}" } } : s)),
    field: new RegExp(`^steps\\.s${at}\\.params\\.upn$`),
  }),
  "unknown dependency": (steps, at) => ({
    steps: steps.map((s, i) => (i === at ? { ...s, after: ["nowhere"] } : s)),
    field: new RegExp(`^steps\\.s${at}\\.after\\.0$`),
  }),
  cycle: (steps, at) => ({
    // The first step waits for the last, which (made to) wait for the first.
    steps: steps.map((s, i) =>
      i === 0
        ? { ...s, after: [`s${Math.max(at, 1)}`] }
        : i === Math.max(at, 1)
          ? { ...s, after: ["s0"] }
          : s,
    ),
    field: /^steps\.s\d+\.after$/,
  }),
  "when on an unknown field": (steps, at) => ({
    steps: steps.map((s, i) => (i === at ? { ...s, when: { present: "request.nonsense" } } : s)),
    field: new RegExp(`^steps\\.s${at}\\.when\\.present$`),
  }),
};

for (const [name, breakIt] of Object.entries(breaks)) {
  test(`fast-check: a definition with a ${name} is refused, naming the step and field`, () => {
    fc.assert(
      fc.property(
        validDefinition.filter((s) => name !== "cycle" || s.length >= 2),
        fc.nat(),
        (steps, n) => {
          const { steps: broken, field } = breakIt(steps, n % steps.length);
          const errors = errorsOf(broken);
          return errors.some((e) => field.test(e.field));
        },
      ),
    );
  });
}

test("fast-check: the validator answers any definition the schema accepts with errors, never a throw", () => {
  const anyText = fc.oneof(
    fc.string(),
    fc.constantFrom(
      "${request.user}",
      "${steps.x.data.y}",
      "${",
      "${item}",
      "${derived.upn.x}",
      "${plan.before}",
    ),
  );
  const anyStep = fc.record({
    id: fc.constantFrom("a", "b", "c", "d"),
    action: fc.constantFrom("identity.revoke-sessions", "mail.set-forwarding", "groups.add-member", "bogus"),
    title: anyText.filter((t) => t.length > 0),
    params: fc.dictionary(
      fc.constantFrom("upn", "group", "sku", "address", "keepCopy"),
      fc.oneof(anyText, fc.boolean(), fc.integer(), fc.constant(null)),
    ),
    after: fc.oneof(fc.constant("all" as const), fc.subarray(["a", "b", "c", "d", "e"])),
  });
  fc.assert(
    fc.property(
      fc.array(anyStep, { minLength: 1, maxLength: 6 }),
      fc.constantFrom("onboard" as const, "offboard" as const),
      (steps, kind) => {
        const parsed = workflowDefinitionSchema.safeParse({ id: "test:any", version: 1, kind, steps });
        if (!parsed.success) return true;
        const errors = validateWorkflow(parsed.data, { catalog });
        return Array.isArray(errors) && errors.every((e) => e.field.startsWith("steps."));
      },
    ),
  );
});

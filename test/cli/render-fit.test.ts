import assert from "node:assert/strict";
import { test } from "node:test";
import { renderFindings, renderPlan, screenWidth, table } from "../../src/cli/render.ts";
import type { Plan, PlannedAction } from "../../src/domain/plan.ts";

const step = (key: string, type: string, deps: string[], title: string): PlannedAction => ({
  key,
  type,
  title,
  params: {},
  deps,
  required: true,
  tenant: "t",
  api: "graph",
});

/** A plan as a large client's onboarding makes it: many groups, long names, a step after all of them. */
const groups = Array.from({ length: 12 }, (_, i) => `group:Department of Regional Operations ${i + 1}`);
const longPlan: Plan = {
  actions: [
    step("create-user", "identity.create-user", [], "Create sarah.johnson@acmecorp.com in Entra ID"),
    ...groups.map((key) =>
      step(key, "groups.add-member", ["create-user"], `Add to ${key.slice(6)} (security group, assigned)`),
    ),
    step(
      "welcome-email",
      "notify.welcome-email",
      ["create-user", ...groups],
      "Send the welcome email with the one-time link to the personal address the request names, in the client's template",
    ),
    step("x".repeat(130), "custom.a-step-type-with-a-name-longer-than-any-column", [], "unbreakable"),
  ],
};

/** Each column's text read top to bottom, by the header's offsets, without the spaces wrapping moved. */
function columns(shown: string): string[] {
  const [header = "", ...lines] = shown.split("\n");
  const starts = [...header.matchAll(/\S+/g)].map((m) => m.index);
  return starts.map((start, i) =>
    lines
      .map((l) => l.slice(start, starts[i + 1] ?? l.length))
      .join("")
      .replace(/\s+/g, ""),
  );
}
const squeezed = (texts: string[]) => texts.join("").replace(/\s+/g, "");

test("a long plan's dry-run table fits 100 columns, its keys, types and titles whole in their columns", () => {
  const shown = renderPlan(longPlan, "f".repeat(64));
  const lines = shown.split("\n");
  for (const line of lines) assert.ok(line.length <= screenWidth, `${line.length}: ${line}`);
  assert.equal(lines.at(-1), `plan hash ${"f".repeat(64)}`);
  const [keys, types, afters, titles] = columns(lines.slice(0, -1).join("\n"));
  assert.equal(keys, squeezed(longPlan.actions.map((a) => a.key)));
  assert.equal(types, squeezed(longPlan.actions.map((a) => a.type)));
  assert.equal(titles, squeezed(longPlan.actions.map((a) => a.title)));
  // A step after every group names the first few and counts the rest (--json lists them all).
  assert.ok(afters?.includes(squeezed(["create-user,", groups[0]!, ",", groups[1]!, "+10more"])), afters);
});

test("a short plan is left as it was: one line a step", () => {
  const short: Plan = { actions: [step("create-user", "identity.create-user", [], "Create the user")] };
  assert.deepEqual(renderPlan(short, "abc").split("\n"), [
    "STEP         ACTION                AFTER  TITLE",
    "create-user  identity.create-user  -      Create the user",
    "plan hash abc",
  ]);
});

test("long pre-flight findings wrap within 100 columns", () => {
  const shown = renderFindings([
    {
      severity: "warning",
      field: "steps.group:Department of Regional Operations 1.params.groupId",
      message: "no group named Department of Regional Operations 1 in the client's directory; ".repeat(3),
      step: "group:Department of Regional Operations 1",
    },
  ]);
  for (const line of shown.split("\n")) assert.ok(line.length <= screenWidth, `${line.length}: ${line}`);
  assert.match(shown, /^warning\s+steps\.group:/m);
});

test("table wraps each cell in its own column, rows as tall as their tallest cell", () => {
  assert.equal(
    table(
      [
        ["A", "B"],
        ["one two three", "x"],
      ],
      { width: 10 },
    ),
    ["A        B", "one two  x", "three"].join("\n"),
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { outcomeText, renderRun } from "../../src/cli/render.ts";
import type { Outcome } from "../../src/domain/outcome.ts";
import type { ActionRow, RunDetail } from "../../src/engine/read.ts";

const at = new Date("2026-03-02T14:00:00Z");

function run(outcome: Outcome, state: ActionRow["state"] = "succeeded"): RunDetail {
  return {
    id: "0b0b0b0b-0000-4000-8000-000000000000",
    clientId: "acme",
    kind: "onboard",
    subject: "sarah.johnson@acmecorp.com",
    status: "completed",
    planHash: "abc",
    workflow: null,
    startAt: at,
    createdAt: at,
    finishedAt: at,
    cancelReason: null,
    requester: "cli",
    ticket: null,
    events: [],
    actions: [
      {
        key: "welcome-email",
        type: "notify.welcome-email",
        title: "Welcome email",
        deps: [],
        required: false,
        state,
        attempts: 1,
        outcome,
        startedAt: at,
        finishedAt: at,
        runAt: at,
      },
    ],
  };
}

/** The OUTCOME column of a one-step `runs show`, its wrapped lines joined by a space. */
function outcomeColumn(shown: string): string {
  const lines = shown.split("\n");
  const header = lines.findIndex((l) => l.startsWith("STEP "));
  const column = lines[header]!.indexOf("OUTCOME");
  return lines
    .slice(header + 1)
    .map((l) => l.slice(column).trim())
    .join(" ");
}

test("runs show says where the welcome email went", () => {
  const shown = renderRun(
    run({
      kind: "succeeded",
      detail: "welcome email sent to hr@acmecorp.com",
      data: { sentTo: ["hr@acmecorp.com"], subject: "Welcome aboard", firstSignIn: "one-time link" },
    }),
  );
  assert.match(shown, /welcome-email .* welcome email sent to hr@acmecorp\.com$/m);
  assert.equal(shown.split("hr@acmecorp.com").length, 2, "the address is shown once, not twice");
});

test("a step's data.sentTo is shown for any step whose detail does not already name the addresses", () => {
  const o: Outcome = { kind: "succeeded", data: { sentTo: ["hr@acmecorp.com", "sarah@example.org"] } };
  assert.equal(outcomeText(o), "sent to hr@acmecorp.com, sarah@example.org");
  assert.equal(
    outcomeText({ ...o, detail: "notice sent" }),
    "notice sent; sent to hr@acmecorp.com, sarah@example.org",
  );
  const pending: Outcome = {
    kind: "waiting",
    for: "verification",
    until: at.toISOString(),
    applied: { data: { sentTo: ["hr@acmecorp.com"] } },
  };
  assert.equal(outcomeText(pending), "waiting for verification; sent to hr@acmecorp.com");
  assert.equal(outcomeText({ kind: "succeeded", data: { sentTo: "not a list" } }), "");
});

test("a skipped welcome email shows why nobody was mailed", () => {
  const reason = "no HR contact in the client's config and no personal email";
  assert.match(
    outcomeColumn(renderRun(run({ kind: "skipped", reason }, "skipped"))),
    new RegExp(`${reason}$`),
  );
});

test("runs show fits 100 columns: a long outcome wraps in its own column", () => {
  const message = `the directory refused the change: ${"a long explanation, ".repeat(6)}(request 0f2c9a1e-1111-2222-3333-444455556666)`;
  const shown = renderRun(
    run({ kind: "failed", error: { kind: "fatal", code: "INTERNAL", message } }, "failed"),
  );
  const lines = shown.split("\n");
  const widest = Math.max(...lines.map((l) => l.length));
  assert.ok(widest <= 100, `a line of ${widest} columns:\n${shown}`);
  assert.equal(outcomeColumn(shown).replace(/- /g, "-"), `fatal INTERNAL: ${message}`.replace(/- /g, "-"));
  const header = lines.findIndex((l) => l.startsWith("STEP "));
  assert.match(lines[header + 1]!, /^welcome-email {2}failed {2}1 {6}14:00:00 {2}0\.00\u00a0s {2}fatal/);
});

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
    renderRun(run({ kind: "skipped", reason }, "skipped")),
    new RegExp(`welcome-email .* ${reason}$`, "m"),
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { finalLog } from "../../src/actions/support/ticket-log.ts";
import type { ResidualCheck } from "../../src/domain/residual-access.ts";
import type { RecordedRun, RecordedStep } from "../../src/ports/index.ts";

const t0 = new Date("2026-03-02T09:00:00.000Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);

const step = (key: string, title: string, type: string, s: number, extra: Partial<RecordedStep> = {}) => ({
  key,
  type,
  title,
  required: true,
  state: "succeeded",
  startedAt: at(s),
  finishedAt: at(s + 1),
  ...extra,
});

function offboarding(verify: Partial<RecordedStep>): RecordedRun {
  return {
    runId: "run-1",
    kind: "offboard",
    clientId: "acme",
    subject: "tom.williams@acmecorp.com",
    requester: "hr@acmecorp.com",
    startAt: t0,
    planHash: "f".repeat(64),
    steps: [
      step("disable-sign-in", "block sign-in", "identity.disable-sign-in", 1, { detail: "sign-in blocked" }),
      step("remove-groups", "remove from all groups", "groups.remove-all-memberships", 2),
      step("remove-licenses", "remove licenses", "licensing.remove-all-licenses", 3),
      step("verify-no-access", "verify no access remains", "verify.no-access-remains", 4, verify),
    ],
  };
}

const checks = {
  signIn: { step: "disable-sign-in", type: "identity.disable-sign-in", what: "sign-in" },
  groups: { step: "remove-groups", type: "groups.remove-all-memberships", what: "groups" },
  licenses: { step: "remove-licenses", type: "licensing.remove-all-licenses", what: "licenses" },
};

test("the final note says what the verification re-read when it passed, from what it recorded", () => {
  const recorded: ResidualCheck[] = [
    { ...checks.signIn, result: "clean" },
    { ...checks.groups, result: "clean" },
    { ...checks.licenses, result: "clean" },
  ];
  const log = finalLog(offboarding({ detail: "no access remains", checks: recorded }), {}, at(10));
  assert.match(
    log,
    /^Verification: no access remains; 3 checks \(sign-in, groups, licenses\) re-read, all clean\.$/m,
  );
});

test("a failed verification is told check by check, under the step that was to take the access away", () => {
  const recorded: ResidualCheck[] = [
    { ...checks.signIn, result: "clean" },
    {
      ...checks.groups,
      result: "found",
      findings: [
        { found: "still in Marketing", settled: false },
        { found: "still in All-Staff", settled: false },
      ],
    },
    { ...checks.licenses, result: "not-checked", port: "licensing", why: "no licensing connector" },
  ];
  const log = finalLog(
    offboarding({
      state: "failed",
      code: "NOT_VERIFIED",
      detail:
        "re-read found: still in Marketing; still in All-Staff; licenses not checked (no licensing connector)",
      checks: recorded,
    }),
    {},
    at(10),
  );
  const lines = log.split("\n");
  const from = lines.findIndex((l) => l.startsWith("Verification"));
  assert.deepEqual(lines.slice(from, from + 4), [
    "Verification FAILED: of 3 checks (sign-in, groups, licenses), 1 found access remaining and 1 could not be checked:",
    "- Remove from all groups: still in Marketing",
    "- Remove from all groups: still in All-Staff",
    "- Remove licenses: licenses not checked (no licensing connector)",
  ]);
  assert.match(log, /Result: FAILED at verify-no-access\./);
});

test("a verification that recorded no checks (it failed before it could look) is told in its own words", () => {
  const log = finalLog(
    offboarding({ state: "failed", code: "USER_NOT_FOUND", detail: "no user tom.williams@acmecorp.com" }),
    {},
    at(10),
  );
  assert.match(log, /^Verification: no user tom\.williams@acmecorp\.com$/m);
});

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Outcome } from "../../src/domain/outcome.ts";
import type { PlannedAction } from "../../src/domain/plan.ts";
import { appendEvent } from "../../src/engine/events.ts";
import { createRun, signalRun } from "../../src/engine/runs.ts";
import { asStaff } from "../support/staff.ts";
import { buildReport, renderHtml, renderPdf } from "../../src/evidence/index.ts";
import { redactText, withoutSecrets } from "../../src/evidence/redact.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { seedClient } from "../support/engine-helpers.ts";
import { pdfText } from "./pdf-text.ts";

const tap = "Xq7#tAp-9zLm!w";
const token = "k3P9xQ2mZ8vN4wR7yT1uB6cD5eF0gHjLq2Zx9Vb8Nm7";
const link = `https://lifecycle.example/credentials/${token}`;
const password = "Pa55w0rd!Hunter2";
const vendorSecret = "cs9f8e7d6c5b4a3z";
const planted = [tap, token, link, password, vendorSecret];

const step = (key: string, type: string, deps: string[] = []): PlannedAction => ({
  key,
  type,
  title: key,
  params: { upn: "new.hire@acme.example.com" },
  deps,
  required: true,
  tenant: "acme",
  api: "graph",
});

let store: Store;
let runId: string;

/**
 * A run whose records hold what must never leave them: a Temporary Access Pass, a one-time link and its
 * token, a password and a vendor's client secret, planted in outcomes, attempts, events, the request, the
 * approval note and the pre-flight findings, as a careless action or connector might one day leave them.
 */
before(async () => {
  store = await openStore({});
  await seedClient(store, "acme");
  const created = await createRun(store, {
    clientId: "acme",
    kind: "onboard",
    subject: "new.hire@acme.example.com",
    requester: "hr@acme.example.com",
    request: {
      firstName: "New",
      lastName: "Hire",
      notes: `password: ${password}`,
      initialPassword: password,
    },
    startAt: new Date(),
    plan: {
      actions: [
        step("tap", "identity.issue-temporary-access-pass"),
        step("reset", "identity.reset-password"),
      ],
      workflow: { id: "builtin:onboard", version: 1 },
    },
    findings: [{ field: "notes", severity: "warning", message: `looks like a secret: token=${token}` }],
    approval: { policy: "manager", expiresAt: new Date(Date.now() + 3600_000) },
  });
  runId = created.runId;
  await signalRun(store, runId, {
    kind: "approve",
    by: asStaff("boss@acme.example.com"),
    planHash: created.planHash,
    note: `TAP: ${tap}`,
  });

  const succeeded: Outcome = {
    kind: "succeeded",
    detail: `Temporary Access Pass: ${tap}; shared at ${link}`,
    data: { linkUrl: link, temporaryAccessPass: tap, expiresAt: "2030-01-01T08:00:00.000Z", methodId: "m-1" },
    appliedAt: new Date().toISOString(),
    calls: [
      {
        api: "graph",
        call: "POST /users/{id}/authentication/temporaryAccessPassMethods",
        status: 201,
        at: new Date().toISOString(),
      },
    ],
  };
  const failed: Outcome = {
    kind: "failed",
    error: {
      kind: "invalid",
      code: "VENDOR_INVALID",
      message: `PATCH /users answered 400 for {"password":"${password}"} with client_secret=${vendorSecret}`,
      vendor: {
        api: "graph",
        status: 400,
        code: "Request_BadRequest",
        body: `client_secret=${vendorSecret}`,
      },
    },
  };
  for (const [key, outcome, state] of [
    ["tap", succeeded, "succeeded"],
    ["reset", failed, "failed"],
  ] as const) {
    await store.query(
      `update actions set state = $3, outcome = $4, attempts = 1, started_at = now(), finished_at = now()
        where run_id = $1 and key = $2`,
      [runId, key, state, JSON.stringify(outcome)],
    );
    await store.query(
      `insert into attempts (action_id, run_id, attempt, fence, worker, started_at, outcome)
       select id, run_id, 1, 1, 'w', now(), $3 from actions where run_id = $1 and key = $2`,
      [runId, key, JSON.stringify(outcome)],
    );
    await appendEvent(store, {
      runId,
      actionKey: key,
      type: `action.${state}`,
      message: `${key}: ${link} ${password}`,
      detail: outcome,
    });
  }
});

after(async () => {
  await store?.close();
});

test("the records hold the planted secrets (so finding none in the report means something)", async () => {
  const rows = await store.query<{ text: string }>(
    `select (select string_agg(outcome::text, ' ') from actions where run_id = $1)
         || (select string_agg(coalesce(message, '') || detail::text, ' ') from events where run_id = $1)
         || (select body::text from requests q join runs r on r.request_id = q.id where r.id = $1) as text`,
    [runId],
  );
  for (const secret of planted) assert.ok(rows[0]!.text.includes(secret), secret);
});

test("no pass, link, token, password or vendor secret reaches the JSON, the page or the PDF", async () => {
  const report = await buildReport(store, runId);
  const outputs = {
    json: JSON.stringify(report),
    html: renderHtml(report),
    pdf: pdfText(await renderPdf(report)),
  };
  for (const [format, text] of Object.entries(outputs)) {
    for (const secret of planted) assert.ok(!text.includes(secret), `${format} holds ${secret}`);
    // What is not secret is still there: the report was rendered, not emptied.
    assert.ok(text.includes(runId), `${format} names the run`);
    assert.ok(text.includes("boss@acme.example.com"), `${format} names the approver`);
    assert.ok(text.includes("Request_BadRequest"), `${format} keeps the vendor's error code`);
  }
  const tapStep = report.actions.find((a) => a.key === "tap")!;
  assert.deepEqual(tapStep.data, { expiresAt: "2030-01-01T08:00:00.000Z", methodId: "m-1" });
  assert.match(tapStep.summary, /shared at https:\/\/lifecycle\.example\/credentials\/\[redacted\]/);
  assert.equal(report.request.fields.initialPassword, undefined);
  assert.equal(report.request.fields.firstName, "New");
});

test("redaction leaves ordinary words, ids and hashes alone", () => {
  const plain =
    "removed 2 group(s): Marketing, All-Staff; request 0e41f2c0-1643-4a15-afee-f2e49da82c27; hash " +
    "d9a6b35ee394293c8b4cf8bf01170b47bc818498d9e011f1224930cfde7779a2; password reset to an unknown value";
  assert.equal(redactText(plain), plain);
  assert.deepEqual(withoutSecrets({ keepCopy: true, skuPartNumber: "SPB", removedSkus: [{ skuId: "x" }] }), {
    keepCopy: true,
    skuPartNumber: "SPB",
    removedSkus: [{ skuId: "x" }],
  });
  assert.equal(redactText("Authorization: Bearer abc.def.ghi"), "Authorization: Bearer [redacted]");
  assert.equal(redactText(`{"client_secret": "${vendorSecret}"}`), `{"client_secret": "[redacted]"}`);
});

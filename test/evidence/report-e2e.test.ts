import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ClientConfig } from "../../src/domain/client.ts";
import { liveStateOf } from "../../src/composition/live-state.ts";
import { submitRequest } from "../../src/composition/submit.ts";
import { getRun, type RunDetail } from "../../src/engine/read.ts";
import { signalRun } from "../../src/engine/runs.ts";
import type { Worker } from "../../src/engine/worker.ts";
import { buildReport, renderHtml, renderPdf, runReport, type RunReport } from "../../src/evidence/index.ts";
import type { Capabilities } from "../../src/ports/index.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { acme, type Microsoft365Emulator } from "../../emulators/microsoft365/index.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import {
  acmeCapabilities,
  demoAcme,
  memoryLinks,
  startAcmeTenant,
  startProductWorker,
} from "../support/microsoft.ts";
import { pageCount, pdfText } from "./pdf-text.ts";

/** EVIDENCE_DUMP=<folder> keeps each report's JSON, HTML and PDF there, to look at them. */
async function dump(name: string, report: RunReport): Promise<void> {
  const dir = process.env.EVIDENCE_DUMP;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(report, null, 2));
  writeFileSync(join(dir, `${name}.html`), renderHtml(report));
  writeFileSync(join(dir, `${name}.pdf`), await renderPdf(report));
}

const done = ["completed", "completed-with-warnings", "failed", "cancelled"] as const;
const mike = "mike.chen@acmecorp.com";

/**
 * The evidence report of real runs: the demo's Acme on the Microsoft 365 emulator, planned, approved and
 * executed by the product's engine and connectors, then read back into the report and rendered.
 */
describe("the evidence report of a real run", () => {
  let m365: Microsoft365Emulator;
  let caps: Capabilities;
  let links: ReturnType<typeof memoryLinks>;
  let store: Store;
  let worker: Worker;
  let client: ClientConfig;

  before(async () => {
    store = await openStore({});
    m365 = await startAcmeTenant();
    links = memoryLinks();
    caps = acmeCapabilities(m365, links);
    client = demoAcme();
    await upsertClient(store, client);
    worker = await startProductWorker(store, () => caps);
  });
  after(async () => {
    await worker?.stop();
    await m365?.close();
    await store?.close();
  });

  async function submit(kind: "onboard" | "offboard", body: Record<string, unknown>): Promise<string> {
    const res = await submitRequest(
      store,
      kind,
      { client: "acme", requester: "hr@acmecorp.com", ...body },
      { actor: "test", live: () => liveStateOf(caps) },
    );
    assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
    return res.value.runId!;
  }

  async function finished(runId: string): Promise<RunDetail> {
    await waitForStatus(store, runId, [...done], 60_000);
    return getRun(store, runId);
  }

  const step = (r: RunReport, key: string) => {
    const a = r.actions.find((x) => x.key === key);
    assert.ok(a, `no step ${key} in the report`);
    return a;
  };
  const change = (r: RunReport, what: string) => {
    const c = r.beforeState.find((x) => x.what === what);
    assert.ok(c, `no "${what}" in the before-state: ${JSON.stringify(r.beforeState)}`);
    return c;
  };

  test("Tom Williams's offboarding: approver, plan, before-state, every action's request ids, verification, billing", async () => {
    const runId = await submit("offboard", {
      user: "tom.williams@acmecorp.com",
      lastDay: "now",
      actions: { forwardTo: { address: "manager", keepCopy: true }, grantAccessTo: "manager" },
    });
    await waitForStatus(store, runId, ["awaiting-approval"]);
    const pending = await getRun(store, runId);
    const beforeApproval = Date.now();
    await signalRun(store, runId, { kind: "approve", actor: mike, planHash: pending.planHash });
    const run = await finished(runId);
    assert.equal(run.status, "completed", JSON.stringify(run.actions.map((a) => [a.key, a.state])));

    const report = await buildReport(store, runId);
    await dump("offboarding", report);
    assert.ok(runReport.safeParse(report).success, "the report matches its own schema");
    assert.equal(report.reportVersion, 1);
    assert.equal(report.run.status, "completed");
    assert.equal(report.request.requester, "hr@acmecorp.com");
    assert.equal(report.request.fields.user, "tom.williams@acmecorp.com");

    // Who approved, when, and that it was this plan.
    assert.equal(report.approvals.length, 1);
    const [approval] = report.approvals;
    assert.equal(approval!.by, mike);
    assert.equal(approval!.decision, "approve");
    assert.ok(Math.abs(Date.parse(approval!.at) - beforeApproval) < 10_000, approval!.at);
    assert.equal(approval!.planHash, run.planHash);
    assert.equal(approval!.matchesPlan, true);

    assert.equal(report.plan.hash, run.planHash);
    assert.equal(report.plan.hashMatches, true);
    assert.equal(report.plan.workflow, "builtin:offboard@1");
    assert.ok(
      report.plan.steps.some((s) => s.key === "remove-licenses" && s.deps.includes("convert-to-shared")),
    );

    // The before-state, from what the steps recorded.
    const groups = change(report, "group memberships");
    assert.ok(groups.items.includes("Marketing") && groups.items.includes("All-Staff"), groups.items.join());
    assert.deepEqual(change(report, "licenses").items, ["SPB"]);
    const mailbox = change(report, "mailbox type");
    assert.equal(mailbox.before, "user mailbox");
    assert.equal(mailbox.after, "shared mailbox");
    const forwarding = change(report, "mail forwarding");
    assert.equal(forwarding.before, "no forwarding");
    assert.match(forwarding.after, /^forwarding to mike\.chen@acmecorp\.com, keeping a copy$/i);

    // Every step, with its times and attempts, its vendor calls and every request id they recorded.
    assert.deepEqual(
      report.actions.map((a) => a.key),
      run.actions.map((a) => a.key),
    );
    for (const a of report.actions) {
      const recorded = run.actions.find((x) => x.key === a.key)!;
      assert.equal(a.state, "succeeded", a.key);
      assert.ok(a.startedAt && a.finishedAt && a.attempts >= 1, a.key);
      assert.equal(a.attemptHistory.length, a.attempts, a.key);
      assert.ok(a.elapsed.finished! >= a.elapsed.started!, a.key);
      if (a.type === "engine.gate") continue;
      const o = recorded.outcome;
      assert.ok(o?.kind === "succeeded");
      assert.equal(a.calls.length, o.calls?.length, `${a.key}: every vendor call`);
      assert.ok(a.calls.length > 0, `${a.key} recorded no vendor call`);
      const ids = new Set([o.requestId, ...(o.calls ?? []).map((c) => c.requestId)].filter(Boolean));
      assert.deepEqual(new Set(a.requestIds), ids, `${a.key}: every request id`);
      assert.equal(a.requestId, o.requestId ?? null, `${a.key}: the change's request id`);
    }
    assert.ok(
      report.actions.filter((a) => a.requestIds.length > 0).length >= 5,
      "the vendors' request ids are in the report",
    );
    const licenses = step(report, "remove-licenses");
    assert.ok(licenses.appliedAt && licenses.appliedAt <= licenses.finishedAt!);
    assert.ok(licenses.startedAt! >= step(report, "convert-to-shared").finishedAt!);

    assert.equal(report.verification.result, "verified");
    assert.equal(report.verification.step, "verify-no-access");
    assert.deepEqual(report.verification.findings, []);
    // What was re-read, step by step, from the data the verification recorded.
    const checks = report.verification.checks ?? [];
    assert.ok(checks.length >= 8 && checks.every((c) => c.result === "clean"), JSON.stringify(checks));
    assert.ok(checks.some((c) => c.step === "remove-licenses" && c.what === "licenses"));
    assert.deepEqual(
      report.billing.licensesRecovered.map((s) => [s.skuPartNumber, s.skuId, s.step]),
      [["SPB", acme.spbSkuId, "remove-licenses"]],
    );
    assert.ok(report.audit.some((e) => e.action === "run.approve" && e.actor === mike));

    // The page and the PDF say the same things.
    const page = renderHtml(report);
    for (const text of [
      mike,
      run.planHash,
      "builtin:offboard@1",
      "All-Staff",
      "SPB",
      "shared mailbox",
      `${checks.length} checks: ${checks.length} clean`,
    ])
      assert.ok(page.includes(text), `the page lacks ${text}`);
    const pdf = await renderPdf(report);
    assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
    const text = pdfText(pdf);
    const pages = pageCount(pdf);
    assert.ok(pages >= 2, `${pages} page(s)`);
    assert.ok(text.includes(`Page ${pages} of ${pages}`), "the last page is numbered with the count");
    assert.ok(text.includes(`Page 1 of ${pages}`));
    for (const t of [
      runId,
      run.planHash,
      mike,
      "builtin:offboard@1",
      "All-Staff",
      "SPB",
      "Planned step re-read",
    ])
      assert.ok(text.includes(t), `the PDF lacks ${t}`);
  });

  test("an onboarding with a Temporary Access Pass: the report holds no pass, no link, no token, and escapes a hostile name", async () => {
    const hostile = `Sarah <script>alert("x")</script> Johnson`;
    const runId = await submit("onboard", {
      firstName: "Sarah",
      lastName: "Johnson",
      displayName: hostile,
      department: "Marketing",
      manager: mike,
      personalEmail: "sarah@example.org",
      start: "now",
    });
    const run = await finished(runId);
    assert.equal(run.status, "completed", JSON.stringify(run.actions.map((a) => [a.key, a.state])));
    const tap = [...links.secrets.values()][0];
    assert.ok(tap, "the TAP went to a one-time link");
    const tapStep = run.actions.find((a) => a.type === "identity.issue-temporary-access-pass")!;
    const link = tapStep.outcome?.kind === "succeeded" ? String(tapStep.outcome.data?.linkUrl) : "";
    assert.ok(
      link.includes("/credentials/"),
      "the step's record holds the link (leaving it out is a choice)",
    );
    const token = link.split("/credentials/")[1]!;
    const password = m365.admin.user(acme.tenantId, "sarah.johnson@acmecorp.com").password ?? "";
    assert.ok(password.length >= 8, "the emulator knows the password the account was created with");

    const report = await buildReport(store, runId);
    await dump("onboarding", report);
    const json = JSON.stringify(report);
    const page = renderHtml(report);
    const pdf = pdfText(await renderPdf(report));
    for (const [name, doc] of [
      ["JSON", json],
      ["HTML", page],
      ["PDF", pdf],
    ] as const) {
      for (const secret of [tap, link, token, password])
        assert.ok(!doc.includes(secret), `the ${name} report holds a secret: ${secret}`);
      assert.ok(doc.includes("sarah.johnson@acmecorp.com"), `the ${name} report is about Sarah`);
    }
    assert.deepEqual(Object.keys(step(report, tapStep.key).data).sort(), ["expiresAt", "methodId"]);

    assert.equal(report.verification.result, "none-planned");
    assert.equal(report.plan.workflow, "builtin:onboard@1");
    assert.ok(report.billing.licensesAssigned.some((s) => s.skuPartNumber === "SPB"));
    // The display name is in the report as given, and on the page only as text.
    assert.equal(report.request.fields.displayName, hostile);
    assert.ok(!page.includes("<script"), "the page holds no script tag");
    assert.ok(page.includes("Sarah &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Johnson"));
  });
});

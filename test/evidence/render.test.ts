import assert from "node:assert/strict";
import { test } from "node:test";
import type { Outcome } from "../../src/domain/outcome.ts";
import type { ActionRow } from "../../src/engine/read.ts";
import { planHash } from "../../src/planner/hash.ts";
import { renderHtml, renderPdf, reportOf, reportUrl, runReport } from "../../src/evidence/index.ts";
import type { RunRecords } from "../../src/evidence/report/read.ts";
import { reportView } from "../../src/evidence/view/sections.ts";
import { pageCount, pdfText } from "./pdf-text.ts";

const t0 = new Date("2026-03-02T09:00:00.000Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const hostile = `<img src=x onerror="alert(1)"><script>alert('x')</script>`;

function action(key: string, type: string, outcome: Outcome, s = 1): ActionRow {
  return {
    key,
    type,
    title: key,
    deps: [],
    required: true,
    state: outcome.kind === "waiting" ? "waiting" : outcome.kind,
    attempts: 1,
    outcome,
    startedAt: at(s),
    finishedAt: at(s + 1),
    runAt: at(0),
  };
}

/** A finished offboarding's records as the store would hand them over, built by hand. */
function records(extra: ActionRow[] = []): RunRecords {
  const plan = {
    actions: [],
    workflow: { id: "client:acme:offboard", version: 3, extends: "builtin:offboard" },
  };
  const hash = planHash(plan);
  const actions = [
    action("convert-to-shared", "mail.convert-to-shared", {
      kind: "succeeded",
      detail: "conversion to shared requested",
      data: { previousType: "user" },
      appliedAt: at(2).toISOString(),
      requestId: "req-convert",
      calls: [
        {
          api: "exchange",
          call: "Set-Mailbox",
          status: 200,
          requestId: "req-convert",
          at: at(2).toISOString(),
        },
      ],
    }),
    action(`evil`, "identity.disable-sign-in", {
      kind: "failed",
      error: {
        kind: "permission",
        code: "FORBIDDEN",
        message: `forbidden for ${hostile}`,
        vendor: { api: "graph", status: 403, code: "Authorization_RequestDenied", requestId: "req-denied" },
      },
      calls: [
        {
          api: "graph",
          call: "PATCH /users/{id}",
          status: 403,
          requestId: "req-denied",
          at: at(3).toISOString(),
        },
      ],
    }),
    action("verify-no-access", "verify.no-access-remains", {
      kind: "failed",
      error: {
        kind: "fatal",
        code: "NOT_VERIFIED",
        message: "change not observed after re-reading: still in Marketing; sign-in is still enabled",
      },
    }),
    ...extra,
  ];
  return {
    run: {
      id: "3f0c2b1a-0000-4000-8000-000000000001",
      clientId: "acme",
      kind: "offboard",
      subject: "tom.williams@acmecorp.com",
      status: "failed",
      planHash: hash,
      workflow: "client:acme:offboard@3",
      startAt: t0,
      createdAt: t0,
      finishedAt: at(60),
      cancelReason: null,
      requester: "hr@acmecorp.com",
      ticket: "T-9",
      actions,
      events: [],
    },
    plan,
    request: { id: "q-1", body: { user: "tom.williams@acmecorp.com", notes: hostile }, createdAt: t0 },
    signals: [
      {
        actionKey: "approval",
        kind: "approve",
        actor: "mike.chen@acmecorp.com",
        planHash: "stale",
        note: null,
        at: at(1),
      },
    ],
    attempts: [],
    params: new Map(),
    audit: [],
  };
}

test("a run verified before the checks were data: its findings are read from the failure's words", () => {
  const r = reportOf(records(), at(90));
  assert.ok(runReport.safeParse(r).success);
  assert.deepEqual(r.verification, {
    step: "verify-no-access",
    at: at(2).toISOString(),
    result: "not-verified",
    detail: "change not observed after re-reading: still in Marketing; sign-in is still enabled",
    findings: ["still in Marketing", "sign-in is still enabled"],
    checks: null,
  });
  assert.equal(r.plan.workflow, "client:acme:offboard@3");
  assert.equal(r.plan.extends, "builtin:offboard");
  assert.equal(r.plan.hashMatches, true);
  assert.equal(r.approvals[0]!.matchesPlan, false, "an approval of another hash is shown as such");
  const evil = r.actions.find((a) => a.key === "evil")!;
  assert.deepEqual(evil.error, {
    kind: "permission",
    code: "FORBIDDEN",
    message: `forbidden for ${hostile}`,
    vendorCode: "Authorization_RequestDenied",
    vendorStatus: 403,
    requestId: "req-denied",
  });
  assert.deepEqual(evil.requestIds, ["req-denied"]);
  assert.equal(r.actions[0]!.elapsed.applied, 2000);
  assert.equal(r.run.elapsedMs, 60_000);
});

/** The records of a run whose verification recorded its checks: one clean, one found, one not checked. */
function checkedRecords(): RunRecords {
  const r = records();
  const checks = [
    { step: "disable-sign-in", type: "identity.disable-sign-in", what: "sign-in", result: "clean" },
    {
      step: "remove-groups",
      type: "groups.remove-all-memberships",
      what: "groups",
      result: "found",
      findings: [{ found: "still in Marketing", settled: true }],
    },
    {
      step: "remove-licenses",
      type: "licensing.remove-all-licenses",
      what: "licenses",
      result: "not-checked",
      port: "licensing",
      why: "no licensing connector",
    },
  ];
  const verify = r.run.actions.find((a) => a.key === "verify-no-access")!;
  verify.outcome = {
    kind: "failed",
    error: {
      kind: "fatal",
      code: "NOT_VERIFIED",
      message: "re-read found: still in Marketing; licenses not checked (no licensing connector)",
    },
    data: { checks },
  };
  return r;
}

test("a failed final re-read is read from the checks it recorded: each planned step, clean, found or not checked", async () => {
  const r = reportOf(checkedRecords(), at(90));
  assert.ok(runReport.safeParse(r).success, JSON.stringify(runReport.safeParse(r).error?.issues));
  assert.equal(r.verification.result, "not-verified");
  assert.deepEqual(r.verification.findings, [
    "still in Marketing",
    "licenses not checked (no licensing connector)",
  ]);
  assert.deepEqual(
    r.verification.checks?.map((c) => [c.step, c.what, c.result, c.findings, c.port, c.why]),
    [
      ["disable-sign-in", "sign-in", "clean", [], null, null],
      ["remove-groups", "groups", "found", [{ found: "still in Marketing", settled: true }], null, null],
      ["remove-licenses", "licenses", "not-checked", [], "licensing", "no licensing connector"],
    ],
  );
  // The step's data holds them too, as the API's run shows them.
  assert.ok(Array.isArray(r.actions.find((a) => a.key === "verify-no-access")!.data.checks));
  for (const doc of [renderHtml(r), pdfText(await renderPdf(r))]) {
    for (const text of ["What it found", "still in Marketing", "not looked at: no licensing connector"])
      assert.ok(doc.includes(text), `lacks ${text}`);
    assert.ok(doc.includes("will not change by waiting"), "a settled finding says so");
  }
});

test("the page and the PDF draw one view: the same sections in the same order, each table's headers", async () => {
  const r = reportOf(checkedRecords(), at(90));
  const view = reportView(r);
  const page = renderHtml(r);
  const pdf = pdfText(await renderPdf(r)).split("\n");
  const titles = view.sections.map((s) => s.title);
  assert.deepEqual(
    [...page.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]),
    titles,
    "the page's sections",
  );
  // In order: each section's heading is a line of its own after the one before it.
  let from = 0;
  for (const title of titles) {
    const line = pdf.indexOf(title, from);
    assert.ok(line >= 0, `the PDF's ${title} section, after the one before it`);
    from = line + 1;
  }
  for (const s of view.sections)
    for (const b of s.blocks)
      if (b.kind === "table")
        for (const c of b.columns) {
          assert.ok(
            page.includes(`>${c.header.replace(/'/g, "&#39;")}</th>`),
            `page: ${s.title} / ${c.header}`,
          );
          assert.ok(
            pdf.some((l) => l.includes(c.header)),
            `PDF: ${s.title} / ${c.header}`,
          );
        }
});

test("the page escapes every value: a hostile name or vendor message is text, never markup", () => {
  const page = renderHtml(reportOf(records(), at(90)));
  assert.ok(!/<script|<img/i.test(page), "no tag from the data");
  assert.ok(
    page.includes(
      "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
    ),
  );
  assert.ok(page.includes("not this run&#39;s plan"), "an approval of another hash is marked on the page");
  assert.ok(page.includes("still in Marketing"));
  assert.match(page, /<style>[^<]*<\/style>/, "styles inline");
  assert.ok(!/https?:\/\//.test(page), "no external asset");
});

test("a long run breaks across pages, every page numbered 'n of total' with the run id and plan hash", async () => {
  const short = reportOf(records(), at(90));
  const many = Array.from({ length: 120 }, (_, i) =>
    action(
      `step-${i}`,
      "groups.add-member",
      { kind: "succeeded", detail: `added to group ${i} `.repeat(4) },
      i,
    ),
  );
  const long = reportOf(records(many), at(200));
  const [a, b] = [await renderPdf(short), await renderPdf(long)];
  assert.ok(pageCount(b) > pageCount(a) + 3, `${pageCount(a)} and ${pageCount(b)} pages`);
  const text = pdfText(b);
  const n = pageCount(b);
  for (let i = 1; i <= n; i++) assert.ok(text.includes(`Page ${i} of ${n}`), `page ${i} is numbered`);
  const footers = text.split("\n").filter((l) => l === `Run ${long.run.id}  ·  plan ${long.plan.hash}`);
  assert.equal(footers.length, n, "the run id and plan hash on every page");
  // The table's header is repeated on each page it continues on.
  assert.ok(text.split("\n").filter((l) => l === "Vendor request id").length >= 3);
  assert.ok(text.includes("step-119"), "the last row is there");
});

test("characters the PDF's fonts cannot show lose an accent or become '?', and nothing breaks", async () => {
  const r = reportOf(records(), at(90));
  r.run.subject = "Łukasz Müller-Dvořák 山田";
  const text = pdfText(await renderPdf(r));
  assert.ok(text.includes("Offboarding of Lukasz Müller-Dvorák ??"), text.slice(0, 300));
});

test("reportUrl is the page the final ticket note links to", () => {
  assert.equal(
    reportUrl("https://lifecycle.msp.example/", "3f0c2b1a-0000-4000-8000-000000000001"),
    "https://lifecycle.msp.example/api/runs/3f0c2b1a-0000-4000-8000-000000000001/report?format=html",
  );
  assert.equal(
    reportUrl("https://x.example", "r1", "pdf"),
    "https://x.example/api/runs/r1/report?format=pdf",
  );
});

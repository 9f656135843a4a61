import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { signedInServer } from "../support/signed-in.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { pageCount, pdfText } from "../evidence/pdf-text.ts";
import { signedIn } from "../support/staff.ts";
import {
  assertMatchesDocument,
  fieldsOf,
  json,
  manager,
  onboardingBody,
  openapi,
  seedApprovingClient,
  type ErrorReply,
} from "./helpers.ts";

let store: Store;
let app: FastifyInstance;
let runId: string;
let planHash: string;

before(async () => {
  store = await openStore({});
  await seedApprovingClient(store, "acme");
  app = await signedInServer({ store });
  const res = await app.inject({
    method: "POST",
    url: "/api/requests/onboard",
    payload: onboardingBody({ ticket: "T-1042" }),
  });
  assert.equal(res.statusCode, 201, res.body);
  ({ runId, planHash } = json<{ runId: string; planHash: string }>(res));
  const approved = await app.inject({
    method: "POST",
    url: `/api/runs/${runId}/approve`,
    payload: { planHash },
    // Acme's onboardings are the manager's to approve.
    headers: (await signedIn(store, manager)).headers,
  });
  assert.equal(approved.statusCode, 200, approved.body);
});

after(async () => {
  await app.close();
  await store.close();
});

const report = (query: string, id = runId) =>
  app.inject({ method: "GET", url: `/api/runs/${id}/report${query}` });

test("the report answers JSON by default, as the OpenAPI document describes it", async () => {
  const res = await report("");
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers["content-type"]), /^application\/json/);
  assert.equal(res.headers["content-disposition"], `inline; filename="${runId}-report.json"`);
  assert.equal(res.headers["cache-control"], "no-store");
  assertMatchesDocument(await openapi(app), "GET", "/api/runs/{id}/report", res);
  const body = json<{
    reportVersion: number;
    run: { id: string };
    request: { ticket: string | null };
    approvals: { by: string; planHash: string; matchesPlan: boolean }[];
    plan: { hash: string; workflow: string };
  }>(res);
  assert.equal(body.reportVersion, 1);
  assert.equal(body.run.id, runId);
  assert.equal(body.request.ticket, "T-1042");
  assert.deepEqual(
    body.approvals.map((a) => [a.by, a.planHash, a.matchesPlan]),
    [[manager, planHash, true]],
  );
  assert.equal(body.plan.hash, planHash);
  assert.equal(body.plan.workflow, "builtin:onboard@1");
  const explicit = await report("?format=json");
  assert.equal(explicit.statusCode, 200);
  assert.equal(json<{ run: { id: string } }>(explicit).run.id, runId);
});

test("format=html answers the page inline", async () => {
  const res = await report("?format=html");
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers["content-type"]), /^text\/html; charset=utf-8/);
  assert.equal(res.headers["content-disposition"], `inline; filename="${runId}-report.html"`);
  assert.match(res.body, /^<!doctype html>/);
  assert.ok(res.body.includes(runId) && res.body.includes(planHash) && res.body.includes("T-1042"));
  assert.ok(!/<script|<link|src=/i.test(res.body), "the page loads nothing and runs nothing");
});

test("format=pdf answers a PDF file to keep", async () => {
  const res = await report("?format=pdf");
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers["content-type"], "application/pdf");
  assert.equal(res.headers["content-disposition"], `attachment; filename="${runId}-report.pdf"`);
  const pdf = res.rawPayload;
  assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
  const pages = pageCount(pdf);
  assert.ok(pages >= 1);
  const text = pdfText(pdf);
  assert.ok(text.includes(`Page ${pages} of ${pages}`));
  assert.ok(text.includes(runId) && text.includes(planHash));
});

test("an unknown run is 404, a bad id or format a 400 naming the field", async () => {
  const missing = await report("?format=html", randomUUID());
  assert.equal(missing.statusCode, 404);
  assert.equal(json<ErrorReply>(missing).error.code, "LC_ERR_NOT_FOUND");

  const bad = await report("?format=docx");
  assert.equal(bad.statusCode, 400);
  assert.equal(json<ErrorReply>(bad).error.code, "LC_ERR_VALIDATION");
  assert.deepEqual(fieldsOf(bad), ["format"]);

  const badId = await report("", "not-a-run");
  assert.equal(badId.statusCode, 400);
  assert.deepEqual(fieldsOf(badId), ["id"]);
});

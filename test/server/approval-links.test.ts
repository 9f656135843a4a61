import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { acme, type Microsoft365Emulator } from "../../emulators/microsoft365/index.ts";
import { liveStateOf } from "../../src/composition/live-state.ts";
import { submitRequest } from "../../src/composition/submit.ts";
import { approvalLinks } from "../../src/credentials/approval-links.ts";
import { getRun, type RunDetail } from "../../src/engine/read.ts";
import { cancelRun } from "../../src/engine/runs.ts";
import type { Worker } from "../../src/engine/worker.ts";
import type { Capabilities } from "../../src/ports/index.ts";
import { buildServer } from "../../src/server/app.ts";
import { linkLimits as approvalLinkLimits } from "../../src/server/link-pages.ts";
import { upsertClient } from "../../src/store/clients-repo.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/sql.ts";
import { waitForStatus } from "../support/engine-helpers.ts";
import { acmeCapabilities, demoAcme, startAcmeTenant, startProductWorker } from "../support/microsoft.ts";
import { staffToken } from "../support/signed-in.ts";
import { testKeys } from "../support/stores.ts";
import { assertMatchesDocument, json, type ErrorReply } from "./helpers.ts";

const mike = "mike.chen@acmecorp.com";
const html = { accept: "text/html" };
const form = { ...html, "content-type": "application/x-www-form-urlencoded" };

/**
 * The demo's story through the approval link: Tom Williams's offboarding waits for Mike Chen, the
 * emulated Microsoft 365 sends Mike the link, and Mike approves from the page it opens.
 */
describe("approval links, end to end through the emulated mailbox", () => {
  let store: Store;
  let m365: Microsoft365Emulator;
  let caps: Capabilities;
  let worker: Worker;
  let app: FastifyInstance;

  before(async () => {
    store = await openStore({ keys: testKeys });
    m365 = await startAcmeTenant();
    caps = {
      ...acmeCapabilities(m365),
      approvalLinks: approvalLinks({ sql: store, keys: testKeys, publicUrl: () => "https://lifecycle.test" }),
    };
    await upsertClient(store, demoAcme());
    worker = await startProductWorker(store, () => caps);
    app = await buildServer({ store, keys: testKeys });
  });
  after(async () => {
    await worker.stop();
    await app.close();
    await m365.close();
    await store.close();
  });

  async function offboard(user = "tom.williams@acmecorp.com"): Promise<{ runId: string; planHash: string }> {
    const res = await submitRequest(
      store,
      "offboard",
      { client: "acme", user, lastDay: "now", requester: "hr@acmecorp.com" },
      { actor: "hr@acmecorp.com", live: () => liveStateOf(caps) },
    );
    assert.ok(res.ok, JSON.stringify(!res.ok && res.errors));
    return { runId: res.value.runId!, planHash: res.value.planHash };
  }

  async function stepDone(runId: string, key: string): Promise<RunDetail> {
    for (let i = 0; i < 600; i++) {
      const run = await getRun(store, runId);
      const step = run.actions.find((a) => a.key === key);
      if (step && ["succeeded", "already-done", "failed", "skipped"].includes(step.state)) return run;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`step ${key} of run ${runId} did not finish`);
  }

  /** The token of the link in the approval request Mike got for this run: its message is stamped with the run's step. */
  function mikesToken(runId: string): string {
    const mail = m365.admin
      .sentMail(acme.tenantId)
      .filter(
        (m) =>
          m.toRecipients.includes(mike) && JSON.stringify(m.message).includes(`${runId}:approval-request`),
      );
    assert.equal(mail.length, 1, `one request to Mike for run ${runId}`);
    const token = /https:\/\/lifecycle\.test\/approvals\/([A-Za-z0-9_-]+)/.exec(mail[0]?.content ?? "")?.[1];
    assert.ok(token, "the request carries the link");
    return token;
  }

  // The link pages need no sign-in; the API's document and reads do.
  const signedIn = async () => ({ authorization: `Bearer ${await staffToken(store)}` });
  const openapi = async (): Promise<Parameters<typeof assertMatchesDocument>[0]> =>
    json(await app.inject({ method: "GET", url: "/api/openapi.json", headers: await signedIn() }));

  const page = (token: string) => app.inject({ method: "GET", url: `/approvals/${token}`, headers: html });
  const decide = (token: string, body: Record<string, string>, headers: Record<string, string> = form) =>
    app.inject({
      method: "POST",
      url: `/approvals/${token}`,
      headers,
      payload: headers["content-type"] === form["content-type"] ? new URLSearchParams(body).toString() : body,
    });

  test("Tom's offboarding: Mike is mailed a link, the page shows the plan, his approval runs it, once", async () => {
    const { runId, planHash } = await offboard();
    const asked = await stepDone(runId, "approval-request");
    assert.equal(asked.status, "awaiting-approval");
    const step = asked.actions.find((a) => a.key === "approval-request");
    assert.equal(step?.state, "succeeded", JSON.stringify(step?.outcome));
    assert.equal(m365.admin.user(acme.tenantId, "tom.williams@acmecorp.com").accountEnabled, true);

    const mail = m365.admin.sentMail(acme.tenantId).filter((m) => m.toRecipients.includes(mike));
    assert.equal(mail.length, 1, "one message to Mike");
    assert.equal(mail[0]?.from, "helpdesk@acmecorp.com");
    assert.equal(mail[0]?.subject, "Approval needed: offboarding of tom.williams@acmecorp.com");
    const token = mikesToken(runId);

    const shown = await page(token);
    assert.equal(shown.statusCode, 200, shown.body);
    assert.match(String(shown.headers["content-type"]), /^text\/html/);
    assert.equal(shown.headers["cache-control"], "no-store");
    assert.match(shown.body, /<meta name="viewport" content="width=device-width/);
    for (const a of asked.actions.filter((x) => x.type !== "engine.gate"))
      assert.ok(shown.body.includes(a.title.replace(/&/g, "&#38;")), `the page lists "${a.title}"`);
    assert.ok(shown.body.includes(planHash), "the page shows the plan hash");
    assert.ok(
      shown.body.includes(`waits for approval by ${mike} (manager)`),
      "and the pre-flight's findings",
    );
    assert.match(shown.body, /<form method="post" action="\/approvals\//);
    assert.equal((await getRun(store, runId)).status, "awaiting-approval", "viewing decides nothing");

    // Two posts at the same moment (a double tap): one decision, the other finds the link used.
    const [a, b] = await Promise.all([
      decide(token, { decision: "approve", planHash, note: "" }),
      decide(token, { decision: "approve", planHash, note: "" }),
    ]);
    assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 410]);
    assert.match([a, b].find((r) => r.statusCode === 200)?.body ?? "", /Approved/);
    assert.match([a, b].find((r) => r.statusCode === 410)?.body ?? "", /Already answered/);
    const signals = await store.query("select * from signals where run_id = $1", [runId]);
    assert.equal(signals.length, 1);

    const done = await waitForStatus(
      store,
      runId,
      ["completed", "completed-with-warnings", "failed"],
      60_000,
    );
    assert.equal(done, "completed");
    assert.equal(m365.admin.user(acme.tenantId, "tom.williams@acmecorp.com").accountEnabled, false);
    const again = await decide(
      token,
      { planHash, decision: "reject" },
      { "content-type": "application/json" },
    );
    assert.equal(again.statusCode, 410);
    assert.equal(json<ErrorReply>(again).error.code, "LC_ERR_GONE");
    assertMatchesDocument(await openapi(), "POST", "/approvals/{token}", again);

    // Who approved, by which link: never the token, in the record or the API's answers.
    const run = await getRun(store, runId);
    const approved = run.events.find((e) => e.type === "approval.approved");
    assert.match(
      approved?.message ?? "",
      new RegExp(`^approved by ${mike} through approval link [0-9a-f-]{36}$`),
    );
    const audit = await store.query<{ action: string; actor: string }>(
      "select action, actor, detail from audit_log order by at",
    );
    assert.ok(audit.some((e) => e.action === "run.approve" && e.actor === mike));
    assert.ok(audit.some((e) => e.action === "approval.link.viewed"));
    const api = await app.inject({
      method: "GET",
      url: `/api/runs/${runId}`,
      headers: await signedIn(),
    });
    assert.equal(api.statusCode, 200, api.body);
    const everything = JSON.stringify([
      run,
      audit,
      api.body,
      await store.query("select outcome from actions"),
      await store.query("select * from attempts"),
      await store.query("select * from approval_links"),
    ]);
    assert.ok(!everything.includes(token), "the token is in the message only");
  });

  test("a link opens its own run only: another run's plan hash is refused, an expired link is gone", async () => {
    // Another of Mike's reports leaves too: another plan, its own link.
    m365.admin.createUser(acme.tenantId, {
      userPrincipalName: "lena.leaver@acmecorp.com",
      displayName: "Lena Leaver",
      usageLocation: "US",
      mailbox: "user",
      manager: mike,
    });
    const first = await offboard("lena.leaver@acmecorp.com");
    const second = await offboard();
    assert.notEqual(first.planHash, second.planHash);
    await stepDone(first.runId, "approval-request");
    const firstToken = mikesToken(first.runId);
    await stepDone(second.runId, "approval-request");
    const secondToken = mikesToken(second.runId);
    assert.notEqual(firstToken, secondToken);

    const crossed = await decide(firstToken, { decision: "approve", planHash: second.planHash });
    assert.equal(crossed.statusCode, 409, crossed.body);
    assert.match(crossed.body, /plan changed since it was shown/);
    const json409 = await decide(
      firstToken,
      { decision: "approve", planHash: second.planHash },
      { "content-type": "application/json" },
    );
    assert.equal(json<ErrorReply>(json409).error.code, "LC_ERR_CONFLICT");
    for (const id of [first.runId, second.runId])
      assert.equal((await getRun(store, id)).status, "awaiting-approval");

    await store.query(
      "update approval_links set expires_at = now() - interval '1 second' where run_id = $1",
      [second.runId],
    );
    const expired = await page(secondToken);
    assert.equal(expired.statusCode, 410);
    assert.match(expired.body, /Link expired/);
    const late = await decide(secondToken, { decision: "approve", planHash: second.planHash });
    assert.equal(late.statusCode, 410);
    assert.equal((await getRun(store, second.runId)).status, "awaiting-approval");

    // A refusal left the first link working: Mike rejects through it.
    const rejected = await decide(firstToken, { decision: "reject", note: "not yet" });
    assert.equal(rejected.statusCode, 200, rejected.body);
    assert.equal(await waitForStatus(store, first.runId, ["cancelled"]), "cancelled");
    await cancelRun(store, second.runId, "test");
  });

  test("approving through the link needs the plan hash it showed", async () => {
    const res = await decide(
      randomBytes(32).toString("base64url"),
      { decision: "approve" },
      {
        "content-type": "application/json",
      },
    );
    assert.equal(res.statusCode, 400);
    assert.deepEqual(
      json<ErrorReply>(res).error.fields?.map((f) => f.field),
      ["planHash"],
    );
  });

  test("link pages are rate limited per link, from however many addresses", async () => {
    const token = randomBytes(32).toString("base64url");
    for (let i = 0; i < approvalLinkLimits.perLink.max; i++) {
      const res = await app.inject({
        method: "GET",
        url: `/approvals/${token}`,
        remoteAddress: `203.0.113.${i + 1}`,
      });
      assert.equal(res.statusCode, 404, `request ${i + 1}`);
    }
    const limited = await app.inject({
      method: "GET",
      url: `/approvals/${token}`,
      remoteAddress: "203.0.113.99",
    });
    assert.equal(limited.statusCode, 429);
    assert.equal(json<ErrorReply>(limited).error.code, "LC_ERR_RATE_LIMITED");
    assertMatchesDocument(await openapi(), "GET", "/approvals/{token}", limited);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { answerApprovalLink, openApprovalLink } from "../../src/composition/approval-links.ts";
import { approvalLinks } from "../../src/credentials/approval-links.ts";
import type { LifecycleError } from "../../src/domain/errors.ts";
import type { Plan } from "../../src/domain/plan.ts";
import { getRun } from "../../src/engine/read.ts";
import { createRun, signalRun } from "../../src/engine/runs.ts";
import type { Store } from "../../src/store/sql.ts";
import { seedClient } from "../support/engine-helpers.ts";
import { asStaff } from "../support/staff.ts";
import {
  pgliteUnderTest,
  postgresSkipReason,
  postgresUnderTest,
  testKeys,
  type StoreUnderTest,
} from "../support/stores.ts";

const mike = "mike.chen@acme.example.com";
const ceo = "ceo@acme.example.com";

const plan = (subject: string): Plan => ({
  actions: [
    {
      key: "disable",
      type: "test.work",
      title: `Block sign-in of ${subject}`,
      params: {},
      deps: [],
      required: true,
      tenant: "acme",
      api: "test",
    },
  ],
  approval: {
    who: `${mike} (manager) or ${ceo} (named)`,
    approvers: [
      { kind: "person", email: mike, as: "manager" },
      { kind: "person", email: ceo, as: "named" },
    ],
  },
});

const tokenOf = (url: string) => {
  const token = /\/approvals\/([A-Za-z0-9_-]+)$/.exec(url)?.[1];
  assert.ok(token, url);
  return token;
};

function linkSuite(sut: StoreUnderTest, skip: string | false) {
  describe(`approval links on ${sut.name}`, { skip }, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let links: ReturnType<typeof approvalLinks>;

    before(async () => {
      ({ store, cleanup } = await sut.open());
      await seedClient(store);
      links = approvalLinks({ sql: store, keys: testKeys, publicUrl: () => "https://lifecycle.test/" });
    });
    after(async () => cleanup());

    /** An offboarding waiting for Mike's (or the CEO's) approval, and Mike's link to it. */
    async function waitingRun(subject = "tom@acme.example.com", expiresInMs = 3_600_000) {
      const created = await createRun(store, {
        clientId: "acme",
        kind: "offboard",
        subject,
        requester: "hr@acme.example.com",
        request: {},
        startAt: new Date(),
        plan: plan(subject),
        approval: { expiresAt: new Date(Date.now() + expiresInMs), policy: "manager" },
      });
      const link = await links.linkFor(created.runId, mike);
      assert.equal(link.kind, "ready", JSON.stringify(link));
      return { ...created, link, token: tokenOf(link.kind === "ready" ? link.url : "") };
    }
    const signalsOf = async (runId: string) =>
      store.query<{ kind: string; actor: string }>(
        "select kind, actor from signals where run_id = $1 order by id",
        [runId],
      );
    const from = "198.51.100.7";

    test("a link is made once per approver: the same id and address each time, another for another approver", async () => {
      const { runId, link } = await waitingRun();
      assert.deepEqual(await links.linkFor(runId, mike.toUpperCase()), link);
      const other = await links.linkFor(runId, ceo);
      assert.ok(other.kind === "ready" && link.kind === "ready" && other.linkId !== link.linkId);
      assert.notEqual(other.kind === "ready" && other.url, link.kind === "ready" && link.url);
      const listed = await store.query<{ approver: string }>(
        "select approver from approval_links where run_id = $1 order by approver",
        [runId],
      );
      assert.deepEqual(
        listed.map((l) => l.approver),
        [ceo, mike],
      );
      // Only the token's hash is stored.
      const rows = JSON.stringify(
        await store.query("select * from approval_links where run_id = $1", [runId]),
      );
      assert.ok(link.kind === "ready" && !rows.includes(tokenOf(link.url)));
    });

    test("opening the page shows the plan and decides nothing; the first opening is recorded, by id", async () => {
      const { runId, token, planHash, link } = await waitingRun();
      const page = await openApprovalLink(store, token, { from });
      assert.equal(page.kind, "ready");
      assert.ok(page.kind === "ready");
      assert.equal(page.view.run.planHash, planHash);
      assert.equal(page.view.approverAs, "manager");
      assert.deepEqual(page.view.run.steps, [
        { key: "disable", title: "Block sign-in of tom@acme.example.com" },
      ]);
      await openApprovalLink(store, token, { from });
      const run = await getRun(store, runId);
      assert.equal(run.status, "awaiting-approval");
      const viewed = run.events.filter((e) => e.type === "approval.link.viewed");
      assert.equal(viewed.length, 1, "opened twice, recorded once");
      const audit = await store.query<{ subject: string; detail: unknown }>(
        "select subject, detail from audit_log where action = 'approval.link.viewed' and subject = $1",
        [link.kind === "ready" ? link.linkId : ""],
      );
      assert.equal(audit.length, 1);
      assert.ok(!JSON.stringify([run, audit]).includes(token));
    });

    test("a link approves once, as its approver: the decision is audited by link id, a second is refused", async () => {
      const { runId, token, planHash, link } = await waitingRun();
      const answer = await answerApprovalLink(store, token, {
        decision: "approve",
        planHash,
        note: "ok",
        from,
      });
      assert.equal(answer.kind, "answered");
      assert.deepEqual(await signalsOf(runId), [{ kind: "approve", actor: mike }]);
      const again = await answerApprovalLink(store, token, { decision: "approve", planHash, from });
      assert.equal(again.kind, "used");
      const reject = await answerApprovalLink(store, token, { decision: "reject", from });
      assert.equal(reject.kind, "used");
      assert.equal((await openApprovalLink(store, token, { from })).kind, "used");
      assert.equal((await signalsOf(runId)).length, 1);
      const [entry] = await store.query<{ actor: string; detail: { approver: Record<string, string> } }>(
        "select actor, detail from audit_log where action = 'run.approve' and subject = $1",
        [runId],
      );
      assert.equal(entry?.actor, mike);
      assert.deepEqual(entry?.detail.approver, {
        via: "approval-link",
        linkId: link.kind === "ready" ? link.linkId : "",
        email: mike,
      });
      const event = (await getRun(store, runId)).events.find((e) => e.type === "approval.approved");
      assert.match(event?.message ?? "", new RegExp(`approved by ${mike} through approval link`));
    });

    test("two decisions posted at the same moment make one signal; the other finds the link used", async () => {
      const { runId, token, planHash } = await waitingRun();
      const answers = await Promise.all([
        answerApprovalLink(store, token, { decision: "approve", planHash, from }),
        answerApprovalLink(store, token, { decision: "approve", planHash, from }),
      ]);
      assert.deepEqual(answers.map((a) => a.kind).sort(), ["answered", "used"]);
      assert.equal((await signalsOf(runId)).length, 1);
    });

    test("an expired link opens nothing and decides nothing", async () => {
      const { runId, token, planHash } = await waitingRun();
      await store.query(
        "update approval_links set expires_at = now() - interval '1 minute' where run_id = $1",
        [runId],
      );
      assert.equal((await openApprovalLink(store, token, { from })).kind, "expired");
      const answer = await answerApprovalLink(store, token, { decision: "approve", planHash, from });
      assert.equal(answer.kind, "expired");
      assert.deepEqual(await signalsOf(runId), []);
    });

    test("the link of one run cannot decide another; a refused decision leaves the link usable", async () => {
      const a = await waitingRun("a@acme.example.com");
      const b = await waitingRun("b@acme.example.com");
      assert.notEqual(a.planHash, b.planHash);
      await assert.rejects(
        answerApprovalLink(store, a.token, { decision: "approve", planHash: b.planHash, from }),
        (e: LifecycleError) => e.failure.kind === "conflict" && /plan changed/.test(e.message),
      );
      assert.deepEqual(await signalsOf(b.runId), []);
      assert.deepEqual(await signalsOf(a.runId), []);
      assert.equal((await getRun(store, b.runId)).status, "awaiting-approval");
      // Its own run's plan it still approves.
      const answer = await answerApprovalLink(store, a.token, {
        decision: "approve",
        planHash: a.planHash,
        from,
      });
      assert.equal(answer.kind, "answered");
    });

    test("approving needs the plan hash; a rejection through the link cancels the run", async () => {
      const { runId, token } = await waitingRun();
      await assert.rejects(
        answerApprovalLink(store, token, { decision: "approve", from }),
        (e: LifecycleError) => e.failure.kind === "invalid" && /planHash is required/.test(e.message),
      );
      const answer = await answerApprovalLink(store, token, { decision: "reject", note: "not yet", from });
      assert.equal(answer.kind, "answered");
      assert.deepEqual(await signalsOf(runId), [{ kind: "reject", actor: mike }]);
    });

    test("once decided another way, the page says so and no link is made any more", async () => {
      const { runId, token, planHash } = await waitingRun();
      await signalRun(store, runId, { kind: "approve", by: asStaff(ceo), planHash });
      assert.equal((await openApprovalLink(store, token, { from })).kind, "decided");
      assert.equal(await links.pending(runId), undefined);
      const late = await links.linkFor(runId, ceo);
      assert.equal(late.kind, "unavailable");
      // The same decision through the link answers as the first did, and uses the link up.
      const answer = await answerApprovalLink(store, token, { decision: "approve", planHash, from });
      assert.equal(answer.kind, "answered");
      assert.equal((await signalsOf(runId)).length, 1);
      await assert.rejects(
        signalRun(store, runId, { kind: "reject", by: asStaff(ceo) }),
        (e: LifecycleError) => e.failure.kind === "conflict" && /already approved by/.test(e.message),
      );
    });

    test("an unknown or malformed token is not found", async () => {
      for (const token of ["x".repeat(43), "short", "has spaces in it and is long enough"]) {
        assert.equal((await openApprovalLink(store, token, { from })).kind, "not-found");
        assert.equal(
          (await answerApprovalLink(store, token, { decision: "reject", from })).kind,
          "not-found",
        );
      }
    });
  });
}

linkSuite(pgliteUnderTest, false);
linkSuite(postgresUnderTest, await postgresSkipReason());

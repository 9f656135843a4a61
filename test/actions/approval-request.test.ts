import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { approvalRequest } from "../../src/actions/notify/approval-request.ts";
import type { ApprovalLinks, MailSender } from "../../src/ports/index.ts";
import { acme, type Microsoft365Emulator } from "../../emulators/microsoft365/index.ts";
import { acmeCapabilities, memoryApprovalLinks, startAcmeTenant, stepContext } from "../support/microsoft.ts";

/**
 * The approval request is sent once per approver whatever happens to the attempt: each message carries its
 * own key, Sent Items is looked in before anything is sent, and an attempt interrupted mid-send waits for
 * the copy instead of sending again.
 */
describe("notify.approval-request against the Microsoft 365 emulator", () => {
  let m365: Microsoft365Emulator;
  let mailSender: MailSender;
  const params = {
    approvers: ["mike.chen@acmecorp.com", "hr@acmecorp.com"],
    from: "helpdesk@acmecorp.com",
    kind: "offboard" as const,
    about: "tom.williams@acmecorp.com",
    requester: "it@acmecorp.com",
  };
  const sentTo = (runId: string) =>
    m365.admin
      .sentMail(acme.tenantId)
      .filter((m) => JSON.stringify(m.message).includes(`${runId}:approval-request`))
      .flatMap((m) => m.toRecipients);

  before(async () => {
    m365 = await startAcmeTenant();
    mailSender = acmeCapabilities(m365).mailSender!;
  });
  after(async () => m365.close());

  const ctx = (runId: string, approvalLinks: ApprovalLinks, extra: { inDoubt?: boolean } = {}) =>
    stepContext({ mailSender, approvalLinks }, "approval-request", { runId, ...extra });

  test("each approver gets one message with their own link; planned again, it is already done", async () => {
    const links = memoryApprovalLinks();
    const c = ctx("run-a", links);
    const planned = await approvalRequest.plan(params, c);
    assert.equal(planned.kind, "will-change");
    const applied = await approvalRequest.apply(params, c, params.approvers);
    assert.equal(applied.kind, "done");
    assert.deepEqual(sentTo("run-a").sort(), [...params.approvers].sort());
    const mail = m365.admin
      .sentMail(acme.tenantId)
      .filter((m) => m.toRecipients[0] === "mike.chen@acmecorp.com");
    assert.match(mail.at(-1)?.content ?? "", /https:\/\/lifecycle\.test\/approvals\//);
    // The outcome names the links by id, never by address.
    assert.ok(applied.kind === "done" && !JSON.stringify(applied).includes("https://"));
    assert.deepEqual(await approvalRequest.verify(params, c), { kind: "verified" });
    const again = await approvalRequest.plan(params, { ...c, attempt: 2 });
    assert.equal(again.kind, "already-done");
    assert.equal(sentTo("run-a").length, 2, "nobody mailed twice");
  });

  test("after an interrupted attempt, only the approvers whose message is not in Sent Items are mailed", async () => {
    const links = memoryApprovalLinks();
    const first = ctx("run-b", links);
    // The crash came after Mike's message went and before HR's.
    await approvalRequest.apply({ ...params, approvers: ["mike.chen@acmecorp.com"] }, first, [
      "mike.chen@acmecorp.com",
    ]);
    const resumed = ctx("run-b", links, { inDoubt: true });
    const waited = await approvalRequest.plan(params, resumed);
    assert.equal(waited.kind, "wait", "in doubt, it gives Sent Items time before sending anything");
    const next = ctx("run-b", links);
    const planned = await approvalRequest.plan(params, next);
    assert.equal(planned.kind, "will-change");
    assert.match(planned.kind === "will-change" ? planned.summary : "", /^email hr@acmecorp\.com from/);
    await approvalRequest.apply(params, next);
    assert.deepEqual(sentTo("run-b").sort(), [...params.approvers].sort());
  });

  test("an approval decided before anyone was asked is not asked for", async () => {
    const decided: ApprovalLinks = {
      pending: async () => undefined,
      linkFor: async () => ({ kind: "unavailable", reason: "run run-c no longer waits for approval" }),
    };
    const planned = await approvalRequest.plan(params, ctx("run-c", decided));
    assert.equal(planned.kind, "skip");
    assert.match(planned.kind === "skip" ? planned.reason : "", /no longer waits for approval/);
    assert.deepEqual(sentTo("run-c"), []);
  });
});

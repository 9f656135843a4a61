import {
  approvalLinkByToken,
  markUsed,
  markViewed,
  pendingApproval,
  type ApprovalLinkRecord,
  type ApprovalLinkState,
} from "../credentials/approval-links.ts";
import type { Approver } from "../domain/approval.ts";
import type { Plan, PlanFinding } from "../domain/plan.ts";
import { appendEvent } from "../engine/events.ts";
import { signalRunIn } from "../engine/runs.ts";
import { appendAudit } from "../store/audit.ts";
import { txWithRetry, type Sql, type Store } from "../store/sql.ts";

/** What an approver sees on their link's page: the plan as it will run, and what planning found. */
export interface ApprovalView {
  link: ApprovalLinkRecord;
  /** How the approver was named: the manager, or by the policy. */
  approverAs: "manager" | "named" | undefined;
  run: {
    id: string;
    kind: "onboard" | "offboard";
    subject: string;
    client: string;
    requester: string;
    planHash: string;
    steps: { key: string; title: string }[];
    findings: PlanFinding[];
  };
}

/** A link that can no longer decide: unknown, used, expired, or its run decided another way. */
export type ApprovalLinkUnavailable =
  Exclude<ApprovalLinkState, { kind: "ready" }> | { kind: "decided"; link: ApprovalLinkRecord };

export type ApprovalPage = { kind: "ready"; view: ApprovalView } | ApprovalLinkUnavailable;

export type ApprovalAnswer =
  { kind: "answered"; link: ApprovalLinkRecord; decision: "approve" | "reject" } | ApprovalLinkUnavailable;

async function viewOf(sql: Sql, link: ApprovalLinkRecord): Promise<ApprovalView> {
  const [row] = await sql.query<{
    kind: "onboard" | "offboard";
    subject: string;
    plan: Plan;
    plan_hash: string;
    requester: string;
    client: string;
    findings: PlanFinding[] | null;
  }>(
    `select r.kind, r.subject, r.plan, r.plan_hash, q.requester, c.display_name as client,
            (select e.detail->'findings' from events e where e.run_id = r.id and e.type = 'run.created'
              order by e.id limit 1) as findings
       from runs r join requests q on q.id = r.request_id join clients c on c.id = r.client_id
      where r.id = $1`,
    [link.runId],
  );
  if (!row) throw new Error(`approval link ${link.linkId} names run ${link.runId}, which is not stored`);
  const person = (row.plan.approval?.approvers ?? []).find(
    (a): a is Extract<Approver, { kind: "person" }> => a.kind === "person" && a.email === link.approver,
  );
  return {
    link,
    approverAs: person?.as,
    run: {
      id: link.runId,
      kind: row.kind,
      subject: row.subject,
      client: row.client,
      requester: row.requester,
      planHash: row.plan_hash,
      steps: row.plan.actions.map((a) => ({ key: a.key, title: a.title })),
      findings: row.findings ?? [],
    },
  };
}

/**
 * The page of an approval link. Opening it decides nothing (mail scanners fetch links before people do);
 * its first opening is on the run's timeline and in the audit log, by the link's id.
 */
export async function openApprovalLink(
  store: Store,
  token: string,
  opts: { from: string; now?: Date },
): Promise<ApprovalPage> {
  const now = opts.now ?? new Date();
  return store.tx(async (sql) => {
    const state = await approvalLinkByToken(sql, token, { now });
    if (state.kind !== "ready") return state;
    const { link } = state;
    if (!(await pendingApproval(sql, link.runId))) return { kind: "decided", link };
    if (await markViewed(sql, link.linkId, now)) {
      await appendEvent(sql, {
        runId: link.runId,
        actionKey: link.gate,
        type: "approval.link.viewed",
        message: `approval link ${link.linkId} (${link.approver}) was opened`,
        detail: { linkId: link.linkId, state: "viewed" },
      });
      await appendAudit(sql, {
        actor: `approval link holder at ${opts.from}`,
        action: "approval.link.viewed",
        subject: link.linkId,
        detail: { linkId: link.linkId, runId: link.runId, approver: link.approver, address: opts.from },
      });
    }
    return { kind: "ready", view: await viewOf(sql, { ...link, viewedAt: link.viewedAt ?? now }) };
  });
}

/**
 * The decision a link carries, made once: the link's row is locked for the decision and used up in the
 * same transaction, so two posts at the same moment make one signal and the second finds the link used.
 * The approver is the link's address, checked against the run's approvers like anyone's; a refusal (the
 * plan changed, the approver is the requester) leaves the link as it was.
 */
export async function answerApprovalLink(
  store: Store,
  token: string,
  answer: {
    decision: "approve" | "reject";
    planHash?: string | undefined;
    note?: string | undefined;
    from: string;
    now?: Date;
  },
): Promise<ApprovalAnswer> {
  const now = answer.now ?? new Date();
  return txWithRetry(store, async (sql) => {
    const state = await approvalLinkByToken(sql, token, { lock: true, now });
    if (state.kind !== "ready") return state;
    const { link } = state;
    await signalRunIn(sql, link.runId, {
      kind: answer.decision,
      by: { kind: "link", email: link.approver, linkId: link.linkId },
      planHash: answer.planHash,
      note: answer.note,
      gate: link.gate,
      from: answer.from,
    });
    await markUsed(sql, link.linkId, answer.decision, now);
    return { kind: "answered", link, decision: answer.decision };
  });
}

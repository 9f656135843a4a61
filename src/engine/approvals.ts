import { approvalRefusal } from "../domain/approval.ts";
import { approvalGateKey, gateType, type Plan } from "../domain/plan.ts";
import type { Principal } from "../domain/staff-roles.ts";
import type { Sql } from "../store/sql.ts";
import { gateParamsOf } from "./gate.ts";

/** A run whose approval is open, as an approver's inbox lists it. */
export interface PendingApproval {
  runId: string;
  clientId: string;
  kind: "onboard" | "offboard";
  subject: string;
  requester: string;
  ticket: string | null;
  /** Who the policy asks, in words. */
  who: string;
  /** When the approval was asked for (again, when a changed plan re-opened it). */
  since: Date;
  expiresAt: Date | null;
  startAt: Date;
  planHash: string;
  plan: {
    workflow: string | null;
    steps: { key: string; type: string; title: string }[];
  };
}

// What the query reads: the inbox's fields but the policy's words, with the gate's params and the whole plan.
type Row = Omit<PendingApproval, "who" | "plan"> & { params: Record<string, unknown>; plan: Plan };

/**
 * The open approvals `principal` may decide, by the rules a decision is checked with (approvalRefusal, as
 * signalRun applies it): the client's policy names them or staff, they did not ask for the run, and the
 * client is theirs. An approval already decided for the current plan, waiting for its gate to be
 * claimed, is no longer open.
 */
export async function approvalsFor(
  sql: Sql,
  principal: Principal,
  filter: { clientIds?: readonly string[] | undefined } = {},
): Promise<PendingApproval[]> {
  const rows = await sql.query<Row>(
    `select r.id as "runId", r.client_id as "clientId", r.kind, r.subject, q.requester, q.ticket, a.params,
            coalesce((select max(e.at) from events e where e.run_id = r.id and e.type = 'approval.requested'),
                     r.created_at) as since,
            a.deadline_at as "expiresAt", r.start_at as "startAt", r.plan_hash as "planHash", r.plan
       from runs r join requests q on q.id = r.request_id
       join actions a on a.run_id = r.id and a.key = $1 and a.type = $2
      where a.state in ('waiting', 'ready') and r.cancel_requested_at is null
        and r.status not in ('completed', 'completed-with-warnings', 'failed', 'cancelled')
        and not exists (select 1 from signals s where s.run_id = r.id and s.action_key = $1
                         and (s.kind = 'reject' or s.plan_hash = r.plan_hash))
        and ($3::text[] is null or r.client_id = any($3::text[]))
      order by since, r.id
      limit 1000`,
    [approvalGateKey, gateType, filter.clientIds ?? null],
  );
  return rows.flatMap((row) => {
    const params = gateParamsOf(row.params);
    if (typeof params === "string" || params.kind !== "approval") return [];
    if (approvalRefusal(params, { kind: "staff", principal }, row.clientId, "approve") !== undefined)
      return [];
    const { workflow } = row.plan;
    return [
      {
        runId: row.runId,
        clientId: row.clientId,
        kind: row.kind,
        subject: row.subject,
        requester: row.requester,
        ticket: row.ticket,
        who: params.who,
        since: row.since,
        expiresAt: row.expiresAt,
        startAt: row.startAt,
        planHash: row.planHash,
        plan: {
          workflow: workflow ? `${workflow.id}@${workflow.version}` : null,
          steps: row.plan.actions.map(({ key, type, title }) => ({ key, type, title })),
        },
      },
    ];
  });
}

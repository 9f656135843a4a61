import {
  approverRules,
  describePolicy,
  requestedByOf,
  whoOf,
  type Approver,
  type PlanApproval,
  type RequestedBy,
} from "../domain/approval.ts";
import type { ClientConfig } from "../domain/client.ts";
import { aheadPriority, type PlanFinding, type PlannedAction } from "../domain/plan.ts";
import type { Request } from "../requests/index.ts";
import type { LiveState } from "./live-state.ts";
import { PlanBuilder, type PlanSystems } from "./plan-builder.ts";

/** The step that mails each approver by address their approval link; it runs before the approval. */
export const approvalRequestKey = "approval-request";
export const approvalRequestType = "notify.approval-request";

export interface ApprovalPlanning {
  approval?: PlanApproval;
  /** The approval request step, when someone is to be mailed. */
  steps: PlannedAction[];
  findings: PlanFinding[];
}

const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1);

/** The field a request's approval findings are about: where the person who fills the form can act. */
const fieldOf = (request: Request) => (request.kind === "onboard" ? "manager" : "requiresApproval");

/** The subject's manager: the onboarding names them; an offboarding's is the directory's. */
async function managerOf(
  request: Request,
  live: LiveState,
): Promise<{ email: string } | { missing: string }> {
  if (request.kind === "onboard")
    return request.manager ? { email: request.manager } : { missing: "the request names no manager" };
  if (!live.managerOf)
    return { missing: "the client has no directory to read the manager from, so it was not read" };
  try {
    const upn = await live.managerOf(request.user);
    return upn
      ? { email: upn.toLowerCase() }
      : { missing: `${request.user} has no manager in the directory` };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { missing: `the directory did not answer for the manager (${message.slice(0, 300)})` };
  }
}

/**
 * Who may approve the request, resolved now so the plan's hash covers them: the manager (from the request,
 * or the directory for a leaver), the addresses the policy names, staff. Who asked is never an approver;
 * a policy that leaves nobody is an error, so no run is stored that nobody could approve. Each approver by
 * address is mailed a link by a step before the approval when the client has a mail system to send it.
 */
export async function planApproval(input: {
  request: Request;
  client: ClientConfig;
  live: LiveState;
  systems: PlanSystems;
  requestedBy: RequestedBy;
}): Promise<ApprovalPlanning> {
  const { request, client, live, systems, requestedBy } = input;
  const rules = approverRules(request.approval);
  if (!rules) return { steps: [], findings: [] };
  const field = fieldOf(request);
  const findings: PlanFinding[] = [];
  const approvers: Approver[] = [];
  const add = (a: Approver) => {
    const same = (b: Approver) =>
      a.kind === "staff" ? b.kind === "staff" : b.kind === "person" && b.email === a.email;
    if (!approvers.some(same)) approvers.push(a);
  };
  for (const rule of rules) {
    if (rule === "staff") add({ kind: "staff" });
    else if (rule !== "manager") add({ kind: "person", email: rule.email, as: "named" });
    else {
      const manager = await managerOf(request, live);
      if ("email" in manager) add({ kind: "person", email: manager.email, as: "manager" });
      else
        findings.push({
          field,
          severity: "warning",
          message: `the manager cannot approve: ${manager.missing}`,
        });
    }
  }
  const asking = requestedByOf(request.requester, ...requestedBy.emails).emails;
  const asked = approvers.filter((a) => a.kind === "person" && asking.includes(a.email));
  for (const a of asked)
    if (a.kind === "person")
      findings.push({
        field,
        severity: "warning",
        message: `${a.email} (${a.as}) asked for this run and may not approve it: the requester never approves their own request`,
      });
  const able = approvers.filter((a) => !asked.includes(a));
  if (!able.length) {
    findings.push({
      field,
      severity: "error",
      message: `nobody can approve this run: the client's policy is approval by ${describePolicy(request.approval)}, and none is left who may (see the warnings)`,
    });
    return { steps: [], findings };
  }
  const approval: PlanApproval = { who: whoOf(able), approvers: able };
  findings.push({ field, severity: "info", message: `waits for approval by ${approval.who}` });
  const named = new Set(rules.flatMap((r) => (typeof r === "object" ? [r.email] : [])));
  const people = able.flatMap((a) => (a.kind === "person" ? [a] : []));
  // The directory's manager may be a guest: mailed only at the client's own domains (or when named).
  const mailable = people.filter((a) => named.has(a.email) || client.domains.includes(domainOf(a.email)));
  for (const a of people.filter((p) => !mailable.includes(p)))
    findings.push({
      field,
      severity: "warning",
      message: `${a.email} is not mailed an approval link: the address is not in the client's domains (${client.domains.join(", ")}); they approve signed in as staff`,
    });
  const from = client.mail.sendMailFrom;
  const why = !systems.servedBy("mailSender")
    ? "the client has no system that sends mail"
    : !from
      ? "the client's config names no mailbox to send from (mail.sendMailFrom)"
      : undefined;
  if (mailable.length && why) {
    findings.push({
      field,
      severity: "warning",
      message: `no approval link is mailed (${why}): ${mailable.map((a) => a.email).join(", ")} approve signed in as staff`,
    });
    return { approval, steps: [], findings };
  }
  if (!mailable.length) return { approval, steps: [], findings };
  const b = new PlanBuilder(client, systems);
  b.add({
    key: approvalRequestKey,
    type: approvalRequestType,
    title: "Approval requested",
    port: "mailSender",
    params: {
      approvers: mailable.map((a) => a.email),
      from,
      kind: request.kind,
      about: request.kind === "onboard" ? request.displayName : request.user,
      requester: request.requester,
    },
    deps: [],
    required: false,
    // An offboarding's lock-out waits on this mail: under a bulk onboarding it goes ahead of the bulk's
    // steps, but not in the lock-out's lane (a 15-second send there would hold a lock-out step back).
    priority: request.kind === "offboard" ? aheadPriority : 0,
    always: false,
    beforeApproval: true,
  });
  return { approval, steps: b.plan().actions, findings };
}

import { z } from "zod";
import { emailAddress, isEmailAddress } from "./fields.ts";
import { allows, type Principal } from "./staff-roles.ts";

/**
 * One kind of person a client's policy lets approve: the subject's manager as the directory (offboarding)
 * or the request (onboarding) names them, an address the policy names, or MSP staff whose role grants the
 * "approve" permission on the client (approvers and admins). Staff approve only where the policy says so:
 * an admin may not approve a run that the policy leaves to the manager.
 */
export const approverRule = z.union(
  [z.literal("manager"), z.literal("staff"), z.strictObject({ email: emailAddress })],
  { error: 'must be "manager", "staff" or { "email": "…" }' },
);
export type ApproverRule = z.output<typeof approverRule>;

const ruleKey = (r: ApproverRule) => (typeof r === "string" ? r : `email:${r.email}`);

/**
 * Who must approve a client's onboardings or offboardings. The words of the first version keep their
 * meaning: "manager" is the manager alone, "technician" is MSP staff who may approve.
 */
export const approvalPolicySchema = z.union(
  [
    z.enum(["none", "manager", "technician"]),
    z.strictObject({
      approvers: z
        .array(approverRule)
        .min(1)
        .max(20)
        .superRefine((rules, ctx) => {
          const keys = rules.map(ruleKey);
          keys.forEach((k, i) => {
            if (keys.indexOf(k) !== i)
              ctx.addIssue({ code: "custom", path: [i], message: `names ${JSON.stringify(rules[i])} twice` });
          });
        }),
    }),
  ],
  { error: 'must be "none", "manager", "technician" or { "approvers": [ … ] }' },
);
export type ApprovalPolicy = z.output<typeof approvalPolicySchema>;

/** The policy's rules; undefined when nobody needs to approve. */
export function approverRules(policy: ApprovalPolicy): ApproverRule[] | undefined {
  if (policy === "none") return undefined;
  if (policy === "manager") return ["manager"];
  if (policy === "technician") return ["staff"];
  return policy.approvers;
}

/** Only the manager can approve: a request must say who that is. */
export function needsManager(policy: ApprovalPolicy): boolean {
  const rules = approverRules(policy);
  return rules?.length === 1 && rules[0] === "manager";
}

const ruleText = (r: ApproverRule) =>
  r === "manager" ? "the manager" : r === "staff" ? "MSP staff who may approve" : r.email;

/** The policy in words: "the manager", "the manager or MSP staff who may approve". */
export function describePolicy(policy: ApprovalPolicy): string {
  const rules = approverRules(policy);
  if (!rules) return "nobody";
  return rules.length === 1
    ? ruleText(rules[0]!)
    : `${rules.slice(0, -1).map(ruleText).join(", ")} or ${ruleText(rules.at(-1)!)}`;
}

/**
 * One who may approve a planned run, resolved when it was planned: a person by address (mailed a link;
 * or signed in as staff with that address), or any staff member whose role may approve on the client.
 */
export type Approver = { kind: "person"; email: string; as: "manager" | "named" } | { kind: "staff" };

/** An approver as a gate stores it, for reading rows back. */
export const approverSchema: z.ZodType<Approver> = z.union([
  z.strictObject({ kind: z.literal("person"), email: emailAddress, as: z.enum(["manager", "named"]) }),
  z.strictObject({ kind: z.literal("staff") }),
]);

/** What a plan says about its approval: part of the plan's hash, so an approval covers who gave it. */
export interface PlanApproval {
  /** The approvers in words, for the timeline and the ticket. */
  who: string;
  approvers: Approver[];
}

/** Who asked for the run, so they never approve it: addresses lowercased, staff account ids. */
export interface RequestedBy {
  emails: string[];
  accountIds: string[];
}

export const requestedBySchema: z.ZodType<RequestedBy> = z.strictObject({
  emails: z.array(z.string()),
  accountIds: z.array(z.string()),
});

/**
 * An approver whose identity was proven: signed-in staff (a session or a token), or the holder of the
 * approval link mailed to one address. Nothing else may approve; a typed name proves nothing.
 */
export type VerifiedApprover =
  { kind: "staff"; principal: Principal } | { kind: "link"; email: string; linkId: string };

/** The approver's address, as the timeline, the signal and the audit log name them. */
export function approverEmail(by: VerifiedApprover): string {
  return by.kind === "staff" ? by.principal.email : by.email;
}

/** How the approver proved who they are, for the audit entry: ids, never a token. */
export function approverProof(by: VerifiedApprover): Record<string, string> {
  if (by.kind === "link") return { via: "approval-link", linkId: by.linkId, email: by.email };
  const p = by.principal;
  return {
    via: p.via === "token" ? "staff-token" : "staff-session",
    accountId: p.accountId,
    email: p.email,
    ...(p.tokenId ? { tokenId: p.tokenId } : {}),
  };
}

/** The requester's addresses and account, as the gate keeps them; names that are not addresses drop out. */
export function requestedByOf(
  ...who: (string | { accountId: string; email: string } | undefined)[]
): RequestedBy {
  const emails = new Set<string>();
  const accountIds = new Set<string>();
  for (const w of who) {
    if (!w) continue;
    const email = (typeof w === "string" ? w : w.email).trim().toLowerCase();
    if (isEmailAddress(email)) emails.add(email);
    if (typeof w !== "string") accountIds.add(w.accountId);
  }
  return { emails: [...emails], accountIds: [...accountIds] };
}

function isRequester(by: VerifiedApprover, requestedBy: RequestedBy | undefined): boolean {
  if (!requestedBy) return false;
  if (requestedBy.emails.includes(approverEmail(by).toLowerCase())) return true;
  return by.kind === "staff" && requestedBy.accountIds.includes(by.principal.accountId);
}

export const whoOf = (approvers: readonly Approver[]): string =>
  approvers
    .map((a) => (a.kind === "staff" ? "MSP staff who may approve" : `${a.email} (${a.as})`))
    .join(" or ");

/**
 * Why `by` may not decide this approval, or undefined when they may. The requester never approves their
 * own request (a rejection by them is a withdrawal, and is theirs to make if they may approve otherwise).
 * A gate planned before approvers were resolved (no `approvers`) is for staff who may approve.
 */
export function approvalRefusal(
  gate: { approvers?: readonly Approver[] | undefined; requestedBy?: RequestedBy | undefined },
  by: VerifiedApprover,
  clientId: string,
  decision: "approve" | "reject",
): string | undefined {
  const email = approverEmail(by).toLowerCase();
  if (decision === "approve" && isRequester(by, gate.requestedBy))
    return `${email} requested this run, and the requester never approves their own request: another approver must`;
  if (by.kind === "staff" && !allows(by.principal, "approve", clientId))
    return `${email} (${by.principal.role}) may not approve runs of client ${clientId}`;
  const approvers = gate.approvers;
  if (!approvers) return by.kind === "staff" ? undefined : "this approval takes no approval links";
  const named = approvers.some((a) => a.kind === "person" && a.email === email);
  const staff = by.kind === "staff" && approvers.some((a) => a.kind === "staff");
  if (named || staff) return undefined;
  return `${email} is not one who may approve this run: the client's policy names ${whoOf(approvers)}`;
}

/** Why `by` may not answer a manual task of this client: staff who operate runs do that, never a link. */
export function taskRefusal(by: VerifiedApprover, clientId: string): string | undefined {
  if (by.kind === "link") return "an approval link answers only the approval it was sent for";
  return allows(by.principal, "operate", clientId)
    ? undefined
    : `${by.principal.email} (${by.principal.role}) may not answer tasks of client ${clientId}`;
}

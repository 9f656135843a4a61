import { addMember, removeMember } from "../../directory/members.ts";
import { isExchangeManaged, membersOf } from "../../directory/membership.ts";
import { exoErrors } from "../../errors.ts";
import { ok, type Cmdlet, type CmdletCall } from "../cmdlet.ts";
import { recipientId, requireDistributionGroup, requireRecipient } from "../recipients.ts";
import { distributionGroupView, recipientView } from "../views.ts";

/**
 * Distribution lists and mail-enabled security groups, which Graph refuses to change (reference §4).
 * Membership is the same set Graph reads, so /users/{id}/memberOf shows a list joined here.
 */

function effects(call: CmdletCall) {
  return { mailboxProvisioningDelayMs: call.ctx.settings.mailboxProvisioningDelayMs };
}

/** Add- and Remove-DistributionGroupMember: the same resolution, a different change and refusal. */
function membershipCmdlet(name: string, change: "add" | "remove"): Cmdlet {
  return {
    name,
    latency: "exoWrite",
    parameters: ["Identity", "Member", "BypassSecurityGroupManagerCheck"],
    run(call) {
      const { tenant, params, now } = call;
      const group = requireDistributionGroup(tenant, params.required("Identity"));
      const memberKey = params.required("Member");
      const member = requireRecipient(tenant, memberKey, now);
      const groupName = String(group.props.displayName);
      if (change === "add") {
        if (addMember(tenant, group, recipientId(member), now, effects(call)) === "already")
          throw exoErrors.memberExists(memberKey, groupName);
      } else if (removeMember(tenant, group, recipientId(member), now, effects(call)) === "absent") {
        throw exoErrors.memberMissing(memberKey, groupName);
      }
      return ok();
    },
  };
}

export const addDistributionGroupMember = membershipCmdlet("Add-DistributionGroupMember", "add");
export const removeDistributionGroupMember = membershipCmdlet("Remove-DistributionGroupMember", "remove");

export const getDistributionGroupMember: Cmdlet = {
  name: "Get-DistributionGroupMember",
  latency: "exoRead",
  parameters: ["Identity", "ResultSize"],
  run({ tenant, params, now }) {
    const group = requireDistributionGroup(tenant, params.required("Identity"));
    return ok(
      membersOf(tenant, group, now).flatMap((id) => {
        const view = recipientView(tenant, id);
        return view ? [view] : [];
      }),
    );
  },
};

export const getDistributionGroup: Cmdlet = {
  name: "Get-DistributionGroup",
  latency: "exoRead",
  parameters: ["Identity", "ResultSize", "Filter"],
  run({ tenant, params }) {
    const identity = params.string("Identity");
    if (identity) return ok([distributionGroupView(requireDistributionGroup(tenant, identity))]);
    return ok([...tenant.groups.values()].filter(isExchangeManaged).map(distributionGroupView));
  },
};

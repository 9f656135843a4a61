import { readyMailbox } from "../../directory/mailboxes.ts";
import { groupKind } from "../../directory/membership.ts";
import { exoErrors } from "../../errors.ts";
import type { JsonObject } from "../../json.ts";
import type { Tenant } from "../../model.ts";
import { ok, type Cmdlet } from "../cmdlet.ts";
import { findRecipient, recipientId, type Recipient } from "../recipients.ts";
import { recipientView } from "../views.ts";

/**
 * Get-Recipient: any mail-enabled object of the organisation. Clients use it to tell an internal
 * address (a recipient here) from an external one before choosing ForwardingAddress or
 * ForwardingSmtpAddress; an unknown -Identity is the Ex6F9304 not-found, as with Get-Mailbox.
 */

function view(tenant: Tenant, recipient: Recipient): JsonObject | undefined {
  const row = recipientView(tenant, recipientId(recipient));
  // A Microsoft 365 group is a GroupMailbox to Exchange, not a distribution list.
  if (row && recipient.kind === "group" && groupKind(recipient.group) === "microsoft365")
    return { ...row, RecipientType: "MailUniversalDistributionGroup", RecipientTypeDetails: "GroupMailbox" };
  return row;
}

export const getRecipient: Cmdlet = {
  name: "Get-Recipient",
  latency: "exoRead",
  parameters: ["Identity", "ResultSize", "RecipientTypeDetails"],
  run({ tenant, params, now }) {
    const identity = params.string("Identity");
    if (identity) {
      const found = findRecipient(tenant, identity, now);
      const row = found && view(tenant, found);
      if (!row) throw exoErrors.objectNotFound(identity, tenant.exchangeServer);
      return ok([row]);
    }
    const wanted = params.list("RecipientTypeDetails")?.map((w) => w.toLowerCase());
    const candidates: Recipient[] = [
      ...[...tenant.mailboxes.values()].flatMap((mailbox): Recipient[] => {
        const user = tenant.users.get(mailbox.userId);
        return user && readyMailbox(tenant, user.id, now) ? [{ kind: "mailbox", user, mailbox }] : [];
      }),
      ...[...tenant.groups.values()].flatMap((group): Recipient[] =>
        group.props.mailEnabled === true && groupKind(group) !== "dynamic" ? [{ kind: "group", group }] : [],
      ),
    ];
    return ok(
      candidates.flatMap((r) => {
        const row = view(tenant, r);
        if (!row) return [];
        if (wanted && !wanted.includes(String(row.RecipientTypeDetails).toLowerCase())) return [];
        return [row];
      }),
    );
  },
};

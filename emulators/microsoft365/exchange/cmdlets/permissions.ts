import { exoErrors } from "../../errors.ts";
import type { JsonObject } from "../../json.ts";
import type { MailboxRecord, Tenant } from "../../model.ts";
import { upnOf } from "../../state.ts";
import { ok, type Cmdlet } from "../cmdlet.ts";
import { recipientId, requireMailbox, requireRecipient } from "../recipients.ts";

/**
 * FullAccess (Add/Remove/Get-MailboxPermission) and SendAs (Add/Remove/Get-RecipientPermission).
 * Repeating a grant or removing a missing one is not an error in Exchange: it warns and changes
 * nothing. The warning texts are unconfirmed (reference §20).
 */

const rights = [
  "FullAccess",
  "ReadPermission",
  "ChangePermission",
  "ChangeOwner",
  "DeleteItem",
  "ExternalAccount",
  "SendAs",
];

function trusteeName(tenant: Tenant, id: string): string {
  const user = tenant.users.get(id);
  return user ? upnOf(user) : String(tenant.groups.get(id)?.props.displayName ?? id);
}

function accessRights(list: string[] | undefined, cmdlet: string): string[] {
  if (!list?.length) throw exoErrors.parameterMissing("AccessRights", cmdlet);
  return list.map((r) => {
    const match = rights.find((x) => x.toLowerCase() === r.toLowerCase());
    if (!match)
      throw exoErrors.parameterInvalid(
        "AccessRights",
        `Cannot convert value "${r}" to type "Microsoft.Exchange.Management.RecipientTasks.MailboxRights[]".`,
      );
    return match;
  });
}

function permissionView(
  tenant: Tenant,
  mailbox: MailboxRecord,
  userId: string,
  granted: string[],
  inheritance: string,
): JsonObject {
  return {
    Identity: mailbox.alias,
    User: trusteeName(tenant, userId),
    "AccessRights@odata.type": "#Collection(String)",
    AccessRights: granted,
    IsInherited: false,
    Deny: false,
    InheritanceType: inheritance,
  };
}

export const addMailboxPermission: Cmdlet = {
  name: "Add-MailboxPermission",
  latency: "exoWrite",
  parameters: ["Identity", "User", "AccessRights", "AutoMapping", "InheritanceType"],
  run({ tenant, params, now }) {
    const { mailbox } = requireMailbox(tenant, params.required("Identity"), now);
    const userId = recipientId(requireRecipient(tenant, params.required("User"), now));
    const granted = accessRights(params.list("AccessRights"), "Add-MailboxPermission");
    const inheritance = params.string("InheritanceType") ?? "All";
    const existing = mailbox.fullAccess.find((p) => p.userId === userId);
    if (existing && granted.every((r) => existing.accessRights.includes(r))) {
      return ok([], [`An existing permission entry was found for user: ${trusteeName(tenant, userId)}.`]);
    }
    const automapping = params.bool("AutoMapping") ?? true;
    if (existing) existing.accessRights = [...new Set([...existing.accessRights, ...granted])];
    else
      mailbox.fullAccess.push({ userId, accessRights: granted, automapping, inheritanceType: inheritance });
    return ok([permissionView(tenant, mailbox, userId, granted, inheritance)]);
  },
};

export const removeMailboxPermission: Cmdlet = {
  name: "Remove-MailboxPermission",
  latency: "exoWrite",
  parameters: ["Identity", "User", "AccessRights", "InheritanceType", "BypassMailboxCheck"],
  run({ tenant, params, now }) {
    const { mailbox } = requireMailbox(tenant, params.required("Identity"), now);
    const userKey = params.required("User");
    const userId = recipientId(requireRecipient(tenant, userKey, now));
    const removing = accessRights(params.list("AccessRights"), "Remove-MailboxPermission");
    const existing = mailbox.fullAccess.find((p) => p.userId === userId);
    if (!existing || !removing.some((r) => existing.accessRights.includes(r))) {
      return ok(
        [],
        [
          `Can't remove the access control entry on the object "${mailbox.alias}" for account "${userKey}" because the ACE doesn't exist on the object.`,
        ],
      );
    }
    existing.accessRights = existing.accessRights.filter((r) => !removing.includes(r));
    if (!existing.accessRights.length) mailbox.fullAccess = mailbox.fullAccess.filter((p) => p !== existing);
    return ok();
  },
};

export const getMailboxPermission: Cmdlet = {
  name: "Get-MailboxPermission",
  latency: "exoRead",
  parameters: ["Identity", "User", "ResultSize"],
  run({ tenant, params, now }) {
    const { mailbox } = requireMailbox(tenant, params.required("Identity"), now);
    const self: JsonObject = {
      Identity: mailbox.alias,
      User: "NT AUTHORITY\\SELF",
      "AccessRights@odata.type": "#Collection(String)",
      AccessRights: ["FullAccess", "ReadPermission"],
      IsInherited: false,
      Deny: false,
      InheritanceType: "All",
    };
    let entries = mailbox.fullAccess.map((p) =>
      permissionView(tenant, mailbox, p.userId, p.accessRights, p.inheritanceType),
    );
    const user = params.string("User");
    if (user) {
      const id = recipientId(requireRecipient(tenant, user, now));
      entries = entries.filter((e) => e.User === trusteeName(tenant, id));
      return ok(entries);
    }
    return ok([self, ...entries]);
  },
};

function recipientPermissionView(tenant: Tenant, mailbox: MailboxRecord, trusteeId: string): JsonObject {
  return {
    Identity: mailbox.alias,
    Trustee: trusteeName(tenant, trusteeId),
    AccessControlType: "Allow",
    "AccessRights@odata.type": "#Collection(String)",
    AccessRights: ["SendAs"],
    IsInherited: false,
    InheritanceType: "None",
  };
}

function sendAsRights(list: string[] | undefined, cmdlet: string): void {
  if (!list?.length) throw exoErrors.parameterMissing("AccessRights", cmdlet);
  if (!list.every((r) => r.toLowerCase() === "sendas")) {
    throw exoErrors.parameterInvalid(
      "AccessRights",
      `Cannot convert value "${list.join(",")}" to type "Microsoft.Exchange.Management.RecipientTasks.RecipientAccessRight[]".`,
    );
  }
}

export const addRecipientPermission: Cmdlet = {
  name: "Add-RecipientPermission",
  latency: "exoWrite",
  parameters: ["Identity", "Trustee", "AccessRights"],
  run({ tenant, params, now }) {
    const { mailbox } = requireMailbox(tenant, params.required("Identity"), now);
    const trusteeId = recipientId(requireRecipient(tenant, params.required("Trustee"), now));
    sendAsRights(params.list("AccessRights"), "Add-RecipientPermission");
    if (mailbox.sendAs.includes(trusteeId)) {
      return ok(
        [],
        [
          `The appropriate access control entry is already present on the object "${mailbox.alias}" for account "${trusteeName(tenant, trusteeId)}".`,
        ],
      );
    }
    mailbox.sendAs.push(trusteeId);
    return ok([recipientPermissionView(tenant, mailbox, trusteeId)]);
  },
};

export const removeRecipientPermission: Cmdlet = {
  name: "Remove-RecipientPermission",
  latency: "exoWrite",
  parameters: ["Identity", "Trustee", "AccessRights"],
  run({ tenant, params, now }) {
    const { mailbox } = requireMailbox(tenant, params.required("Identity"), now);
    const trusteeKey = params.required("Trustee");
    const trusteeId = recipientId(requireRecipient(tenant, trusteeKey, now));
    sendAsRights(params.list("AccessRights"), "Remove-RecipientPermission");
    if (!mailbox.sendAs.includes(trusteeId)) {
      return ok(
        [],
        [
          `Can't remove the access control entry on the object "${mailbox.alias}" for account "${trusteeKey}" because the ACE doesn't exist on the object.`,
        ],
      );
    }
    mailbox.sendAs = mailbox.sendAs.filter((id) => id !== trusteeId);
    return ok();
  },
};

export const getRecipientPermission: Cmdlet = {
  name: "Get-RecipientPermission",
  latency: "exoRead",
  parameters: ["Identity", "Trustee", "ResultSize"],
  run({ tenant, params, now }) {
    const { mailbox } = requireMailbox(tenant, params.required("Identity"), now);
    return ok(mailbox.sendAs.map((id) => recipientPermissionView(tenant, mailbox, id)));
  },
};

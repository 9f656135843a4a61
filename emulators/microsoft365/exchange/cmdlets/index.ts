import type { Cmdlet } from "../cmdlet.ts";
import { getMailboxAutoReplyConfiguration, setMailboxAutoReplyConfiguration } from "./auto-reply.ts";
import {
  addDistributionGroupMember,
  getDistributionGroup,
  getDistributionGroupMember,
  removeDistributionGroupMember,
} from "./distribution-groups.ts";
import { getMailbox, setMailbox } from "./mailbox.ts";
import { getMailboxMessageConfiguration, setMailboxMessageConfiguration } from "./message-config.ts";
import { getMobileDevice, removeMobileDevice } from "./mobile-devices.ts";
import {
  addMailboxPermission,
  addRecipientPermission,
  getMailboxPermission,
  getRecipientPermission,
  removeMailboxPermission,
  removeRecipientPermission,
} from "./permissions.ts";
import { getRecipient } from "./recipient.ts";

/** The cmdlets InvokeCommand accepts; any other name is "not recognized". */
export const cmdlets: readonly Cmdlet[] = [
  getMailbox,
  setMailbox,
  addMailboxPermission,
  removeMailboxPermission,
  getMailboxPermission,
  addRecipientPermission,
  removeRecipientPermission,
  getRecipientPermission,
  addDistributionGroupMember,
  removeDistributionGroupMember,
  getDistributionGroupMember,
  getDistributionGroup,
  setMailboxAutoReplyConfiguration,
  getMailboxAutoReplyConfiguration,
  getMobileDevice,
  removeMobileDevice,
  setMailboxMessageConfiguration,
  getMailboxMessageConfiguration,
  getRecipient,
];

export function findCmdlet(name: string): Cmdlet | undefined {
  return cmdlets.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

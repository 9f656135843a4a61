import type { AutoReply, MailboxAdmin, MailboxState, MailboxType, MobileDevice } from "../../ports/index.ts";
import { LifecycleError } from "../../domain/errors.ts";
import type { ExoTransport } from "./transport.ts";

/** Get-Mailbox's row, the properties read here; Exchange sends many more. */
interface ExoMailbox {
  RecipientTypeDetails?: string;
  PrimarySmtpAddress?: string;
  HiddenFromAddressListsEnabled?: boolean;
  ForwardingAddress?: string | null;
  ForwardingSmtpAddress?: string | null;
  DeliverToMailboxAndForward?: boolean;
}

interface ExoRecipient {
  PrimarySmtpAddress?: string;
}

interface ExoAutoReply {
  AutoReplyState?: string;
  InternalMessage?: string | null;
  ExternalMessage?: string | null;
  ExternalAudience?: string;
}

interface ExoPermission {
  User?: string;
  Trustee?: string;
  AccessRights?: string[];
  Deny?: boolean;
  AccessControlType?: string;
}

interface ExoMobileDevice {
  Identity: string;
  FriendlyName?: string | null;
  DeviceType?: string | null;
}

const mailboxTypes: Record<string, MailboxType> = {
  UserMailbox: "user",
  SharedMailbox: "shared",
  RoomMailbox: "room",
  EquipmentMailbox: "equipment",
};

const replyStates: Record<string, AutoReply["state"]> = {
  enabled: "enabled",
  disabled: "disabled",
  scheduled: "scheduled",
};
const audiences: Record<string, NonNullable<AutoReply["externalAudience"]>> = {
  all: "all",
  none: "none",
  known: "known",
};
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// Exchange shows the built-in self entry beside the grants; it is nobody's access to take away.
const selfPrincipal = "nt authority\\self";

const isNotFound = (err: unknown): err is LifecycleError =>
  err instanceof LifecycleError && err.failure.kind === "not-found";
const smtp = (address: string) => address.replace(/^smtp:/i, "").toLowerCase();

/**
 * The Exchange Online side of a mailbox over InvokeCommand (reference §16): what Graph cannot change.
 * Identities are passed as given; Exchange resolves UPNs, SMTP addresses, aliases and names itself.
 */
export function exchangeOnline(exo: ExoTransport): MailboxAdmin {
  const one = async <T>(cmdlet: string, parameters: Record<string, unknown>): Promise<T | undefined> => {
    try {
      return (await exo.invoke<T>(cmdlet, parameters)).value[0];
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const recipient = (identity: string) => one<ExoRecipient>("Get-Recipient", { Identity: identity });
  const requireOne = async <T>(cmdlet: string, identity: string): Promise<T> => {
    const row = (await exo.invoke<T>(cmdlet, { Identity: identity })).value[0];
    if (!row)
      throw new LifecycleError({
        kind: "transient",
        code: "EMPTY_REPLY",
        message: `${cmdlet} answered no row for ${identity}`,
      });
    return row;
  };

  return {
    async mailbox(upn) {
      const row = await one<ExoMailbox>("Get-Mailbox", { Identity: upn });
      if (!row) return undefined;
      // ForwardingAddress is the target's Name, not an address: resolved so both kinds read the same.
      const internal = row.ForwardingAddress
        ? smtp((await recipient(row.ForwardingAddress))?.PrimarySmtpAddress ?? row.ForwardingAddress)
        : undefined;
      const forwardingTo =
        internal ?? (row.ForwardingSmtpAddress ? smtp(row.ForwardingSmtpAddress) : undefined);
      const state: MailboxState = {
        type: mailboxTypes[row.RecipientTypeDetails ?? ""] ?? "other",
        primarySmtpAddress: smtp(row.PrimarySmtpAddress ?? upn),
        hiddenFromAddressLists: row.HiddenFromAddressListsEnabled === true,
        deliverToMailboxAndForward: row.DeliverToMailboxAndForward === true,
        ...(forwardingTo ? { forwardingTo } : {}),
      };
      return state;
    },
    async setMailboxType(upn, type) {
      await exo.invoke("Set-Mailbox", { Identity: upn, Type: cap(type) });
    },
    async setHiddenFromAddressLists(upn, hidden) {
      await exo.invoke("Set-Mailbox", { Identity: upn, HiddenFromAddressListsEnabled: hidden });
    },
    async setForwarding(upn, forwarding) {
      if (!forwarding) {
        await exo.invoke("Set-Mailbox", {
          Identity: upn,
          ForwardingAddress: null,
          ForwardingSmtpAddress: null,
          DeliverToMailboxAndForward: false,
        });
        return;
      }
      // Internal means "a recipient of this organisation", which only Exchange can say: an address in
      // one of the tenant's domains with nobody behind it would bounce, not forward.
      const internal = (await recipient(forwarding.to)) !== undefined;
      await exo.invoke("Set-Mailbox", {
        Identity: upn,
        ForwardingAddress: internal ? forwarding.to : null,
        ForwardingSmtpAddress: internal ? null : forwarding.to,
        DeliverToMailboxAndForward: forwarding.keepCopy,
      });
    },
    async autoReply(upn) {
      const row = await requireOne<ExoAutoReply>("Get-MailboxAutoReplyConfiguration", upn);
      const audience = audiences[(row.ExternalAudience ?? "").toLowerCase()];
      return {
        state: replyStates[(row.AutoReplyState ?? "").toLowerCase()] ?? "disabled",
        ...(row.InternalMessage ? { internalMessage: row.InternalMessage } : {}),
        ...(row.ExternalMessage ? { externalMessage: row.ExternalMessage } : {}),
        ...(audience ? { externalAudience: audience } : {}),
      };
    },
    async setAutoReply(upn, reply) {
      await exo.invoke("Set-MailboxAutoReplyConfiguration", {
        Identity: upn,
        AutoReplyState: cap(reply.state),
        ...(reply.internalMessage !== undefined ? { InternalMessage: reply.internalMessage } : {}),
        ...(reply.externalMessage !== undefined ? { ExternalMessage: reply.externalMessage } : {}),
        ...(reply.externalAudience ? { ExternalAudience: cap(reply.externalAudience) } : {}),
      });
    },
    async mobileDevices(upn) {
      const { value } = await exo.invoke<ExoMobileDevice>("Get-MobileDevice", {
        Mailbox: upn,
        ResultSize: "Unlimited",
      });
      return value.map((d): MobileDevice => ({
        identity: d.Identity,
        ...(d.FriendlyName ? { friendlyName: d.FriendlyName } : {}),
        ...(d.DeviceType ? { deviceType: d.DeviceType } : {}),
      }));
    },
    async removeMobileDevice(identity) {
      await exo.invoke("Remove-MobileDevice", { Identity: identity, Confirm: false });
    },
    async fullAccessHolders(mailbox) {
      const { value } = await exo.invoke<ExoPermission>("Get-MailboxPermission", {
        Identity: mailbox,
        ResultSize: "Unlimited",
      });
      return holders(value, (p) => p.User, "FullAccess");
    },
    async grantFullAccess(mailbox, grantee) {
      await exo.invoke("Add-MailboxPermission", {
        Identity: mailbox,
        User: grantee,
        AccessRights: ["FullAccess"],
        // Automapping adds the mailbox to the grantee's Outlook unasked, and it cannot be undone there.
        AutoMapping: false,
        InheritanceType: "All",
        Confirm: false,
      });
    },
    async sendAsHolders(mailbox) {
      const { value } = await exo.invoke<ExoPermission>("Get-RecipientPermission", {
        Identity: mailbox,
        ResultSize: "Unlimited",
      });
      return holders(
        value.filter((p) => (p.AccessControlType ?? "Allow") === "Allow"),
        (p) => p.Trustee,
        "SendAs",
      );
    },
    async grantSendAs(mailbox, grantee) {
      await exo.invoke("Add-RecipientPermission", {
        Identity: mailbox,
        Trustee: grantee,
        AccessRights: ["SendAs"],
        Confirm: false,
      });
    },
    async signature(upn) {
      const row = await requireOne<{ SignatureHtml?: string | null }>("Get-MailboxMessageConfiguration", upn);
      return row.SignatureHtml || undefined;
    },
    async setSignature(upn, html) {
      await exo.invoke("Set-MailboxMessageConfiguration", {
        Identity: upn,
        SignatureHtml: html,
        AutoAddSignature: true,
        AutoAddSignatureOnReply: true,
      });
    },
    async listMembers(group) {
      const { value } = await exo.invoke<ExoRecipient>("Get-DistributionGroupMember", {
        Identity: group,
        ResultSize: "Unlimited",
      });
      return value.flatMap((m) => (m.PrimarySmtpAddress ? [smtp(m.PrimarySmtpAddress)] : []));
    },
    async addListMember(group, member) {
      try {
        await exo.invoke("Add-DistributionGroupMember", {
          Identity: group,
          Member: member,
          BypassSecurityGroupManagerCheck: true,
          Confirm: false,
        });
      } catch (err) {
        // The same exception names a missing list and a member not provisioned yet; only the second
        // is worth waiting for, so ask which one it was.
        if (isNotFound(err) && !(await recipient(member)))
          throw new LifecycleError(
            {
              // Exchange's own answer stays as it was sent; only our reading of it is new.
              ...err.failure,
              kind: "not-found",
              code: "RECIPIENT_NOT_FOUND",
              message: `${member} is not a recipient in Exchange yet (mailbox still provisioning?)`,
            },
            { cause: err },
          );
        throw err;
      }
    },
    async removeListMember(group, member) {
      await exo.invoke("Remove-DistributionGroupMember", {
        Identity: group,
        Member: member,
        BypassSecurityGroupManagerCheck: true,
        Confirm: false,
      });
    },
  };
}

function holders(
  entries: ExoPermission[],
  principal: (p: ExoPermission) => string | undefined,
  right: string,
): string[] {
  const found = entries.flatMap((p) => {
    const who = principal(p)?.toLowerCase();
    return who && who !== selfPrincipal && !p.Deny && (p.AccessRights ?? []).includes(right) ? [who] : [];
  });
  return [...new Set(found)];
}

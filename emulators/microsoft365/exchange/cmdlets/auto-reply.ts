import { noChange, ok, type Cmdlet } from "../cmdlet.ts";
import { requireMailbox } from "../recipients.ts";

/** Out-of-office through Exchange; the same state Graph's automaticRepliesSetting shows. */

export const setMailboxAutoReplyConfiguration: Cmdlet = {
  name: "Set-MailboxAutoReplyConfiguration",
  latency: "exoMailboxWrite",
  parameters: [
    "Identity",
    "AutoReplyState",
    "InternalMessage",
    "ExternalMessage",
    "ExternalAudience",
    "StartTime",
    "EndTime",
  ],
  run({ tenant, params, now }) {
    const identity = params.required("Identity");
    const { mailbox } = requireMailbox(tenant, identity, now);
    const reply = mailbox.autoReply;
    const before = JSON.stringify(reply);
    const state = params.choice(
      "AutoReplyState",
      ["Enabled", "Disabled", "Scheduled"] as const,
      "Microsoft.Exchange.Data.Storage.Management.OofState",
    );
    if (state) reply.state = state;
    const audience = params.choice(
      "ExternalAudience",
      ["None", "Known", "All"] as const,
      "Microsoft.Exchange.Data.Storage.Management.ExternalAudience",
    );
    if (audience) reply.externalAudience = audience;
    const internal = params.string("InternalMessage");
    if (internal !== undefined) reply.internalMessage = internal ?? "";
    const external = params.string("ExternalMessage");
    if (external !== undefined) reply.externalMessage = external ?? "";
    reply.startTime = params.date("StartTime") ?? reply.startTime;
    reply.endTime = params.date("EndTime") ?? reply.endTime;
    return ok([], JSON.stringify(reply) === before ? [noChange(identity)] : []);
  },
};

export const getMailboxAutoReplyConfiguration: Cmdlet = {
  name: "Get-MailboxAutoReplyConfiguration",
  latency: "exoRead",
  parameters: ["Identity"],
  run({ tenant, params, now }) {
    const { user, mailbox } = requireMailbox(tenant, params.required("Identity"), now);
    const r = mailbox.autoReply;
    return ok([
      {
        Identity: mailbox.alias,
        MailboxOwnerId: mailbox.alias,
        AutoReplyState: r.state,
        InternalMessage: r.internalMessage,
        ExternalMessage: r.externalMessage,
        ExternalAudience: r.externalAudience,
        StartTime: new Date(r.startTime).toISOString(),
        EndTime: new Date(r.endTime).toISOString(),
        UserPrincipalName: String(user.props.userPrincipalName),
      },
    ]);
  },
};

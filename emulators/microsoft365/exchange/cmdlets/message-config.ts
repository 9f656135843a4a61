import { noChange, ok, type Cmdlet } from "../cmdlet.ts";
import { requireMailbox } from "../recipients.ts";

/**
 * Signatures (Set/Get-MailboxMessageConfiguration). Stored and read back faithfully; whether
 * Outlook with roaming signatures uses them is outside any API (reference §16 caveat).
 */

const stringSettings = ["SignatureHtml", "SignatureText", "SignatureTextOnMobile"];
const booleanSettings = ["AutoAddSignature", "AutoAddSignatureOnReply", "UseDefaultSignatureOnMobile"];

export const setMailboxMessageConfiguration: Cmdlet = {
  name: "Set-MailboxMessageConfiguration",
  latency: "exoMailboxWrite",
  parameters: ["Identity", ...stringSettings, ...booleanSettings],
  run({ tenant, params, now }) {
    const identity = params.required("Identity");
    const { mailbox } = requireMailbox(tenant, identity, now);
    const config = mailbox.messageConfiguration;
    const before = JSON.stringify(config);
    for (const name of stringSettings) if (params.has(name)) config[name] = params.string(name) ?? "";
    for (const name of booleanSettings) {
      const value = params.bool(name);
      if (value !== undefined) config[name] = value;
    }
    return ok([], JSON.stringify(config) === before ? [noChange(identity)] : []);
  },
};

export const getMailboxMessageConfiguration: Cmdlet = {
  name: "Get-MailboxMessageConfiguration",
  latency: "exoRead",
  parameters: ["Identity"],
  run({ tenant, params, now }) {
    const { mailbox } = requireMailbox(tenant, params.required("Identity"), now);
    return ok([{ Identity: mailbox.alias, MailboxOwnerId: mailbox.alias, ...mailbox.messageConfiguration }]);
  },
};

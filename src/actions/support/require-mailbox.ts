import type { MailboxAdmin, MailboxState } from "../../ports/index.ts";
import { actionError } from "./fail.ts";

/** The mailbox a step acts on; a missing one fails (not-found) with the address named. */
export async function requireMailbox(exchange: MailboxAdmin, upn: string): Promise<MailboxState> {
  const mailbox = await exchange.mailbox(upn);
  if (!mailbox) throw actionError("MAILBOX_NOT_FOUND", `${upn} has no mailbox in Exchange Online`);
  return mailbox;
}

/** The addresses a mailbox answers to here: what list members and permission holders are matched by. */
export async function addressesOf(exchange: MailboxAdmin, upn: string): Promise<Set<string>> {
  const mailbox = await exchange.mailbox(upn);
  return new Set([upn.toLowerCase(), ...(mailbox ? [mailbox.primarySmtpAddress] : [])]);
}

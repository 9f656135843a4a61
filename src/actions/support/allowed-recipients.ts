import { z } from "zod";
import { upn } from "./params.ts";

/**
 * Who a notice may go to: an address in one of the client's domains, one of its HR contacts, or the
 * personal address given on the form. The planner passes the client's domains and HR contacts as the
 * step's params, so the plan that is approved says who can be mailed.
 */
export const recipientRules = {
  /** The client's domains; a plan made before they were passed has the subject's own domain only. */
  domains: z.array(z.string().min(1)).max(100).optional(),
  hrContacts: z.array(upn).max(50).optional(),
};

export interface RecipientRules {
  domains?: readonly string[] | undefined;
  hrContacts?: readonly string[] | undefined;
  /** The personal address on the form, for the credentials hand-off. */
  personalEmail?: string | undefined;
  /** The person the notice is about: their domain is the client's when no domains are given. */
  subject: string;
}

export interface Dropped {
  address: string;
  reason: string;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1).toLowerCase();

/** The addresses a notice may go to, and each one it may not with the reason why. */
export function screenRecipients(
  addresses: readonly string[],
  rules: RecipientRules,
): { to: string[]; dropped: Dropped[] } {
  const domains = (rules.domains?.length ? rules.domains : [domainOf(rules.subject)]).map((d) =>
    d.toLowerCase(),
  );
  const hr = new Set((rules.hrContacts ?? []).map((a) => a.toLowerCase()));
  const personal = rules.personalEmail?.toLowerCase();
  const to: string[] = [];
  const dropped: Dropped[] = [];
  for (const address of addresses) {
    const a = address.toLowerCase();
    if (domains.includes(domainOf(a)) || hr.has(a) || a === personal) to.push(address);
    else
      dropped.push({
        address,
        reason: `${address} is not in the client's domains (${domains.join(", ")}), not one of its HR contacts and not the personal address given on the form`,
      });
  }
  return { to, dropped };
}

/** The dropped addresses as a sentence for a step's detail or skip reason. */
export const droppedText = (dropped: readonly Dropped[]) =>
  dropped.map((d) => `not sent to ${d.reason}`).join("; ");

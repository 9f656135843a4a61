import { z } from "zod";

// Each label 1–63 characters, no hyphen at either end; the last label starts with a letter so an IP
// address is never taken for a domain.
const DOMAIN_RE =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// The dot-atom local part of RFC 5322: what Entra, Exchange and AD accept in a UPN or an address.
const LOCAL_RE = /^(?=.{1,64}$)[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

export function isDomainName(s: string): boolean {
  return DOMAIN_RE.test(s);
}

/** True for a lowercase address whose local part and domain are both well formed. */
export function isEmailAddress(s: string): boolean {
  const at = s.lastIndexOf("@");
  return at > 0 && LOCAL_RE.test(s.slice(0, at)) && DOMAIN_RE.test(s.slice(at + 1));
}

export const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .refine(isDomainName, { error: "must be a domain name such as contoso.com" });

/** Email address or UPN, lowercased: directories compare them without case, and so must we. */
export const emailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .refine(isEmailAddress, { error: "must be an email address such as jane.doe@contoso.com" });

// Microsoft SKU part numbers mix cases ("SPB", "Microsoft_365_Copilot"), so case is kept as given.
export const skuPartNumber = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}$/, { error: 'must be a SKU part number such as "SPB"' });

const CONTROL = /\p{Cc}/u;
const CONTROL_EXCEPT_NEWLINES = /[^\P{Cc}\n\r\t]/u;

/** Text on one line, as names and titles are: control characters there are always a paste accident. */
export function singleLine(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL.test(s), { error: "must not contain control characters or line breaks" });
}

export function multiLine(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL_EXCEPT_NEWLINES.test(s), { error: "must not contain control characters" });
}

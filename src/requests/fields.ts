import { z } from "zod";
import type { ClientConfig } from "../domain/client.ts";
import { emailAddress, isEmailAddress, singleLine } from "../domain/fields.ts";
import { describePictographs, pictographsIn, stripPictographs } from "../domain/pictographs.ts";
import { isValidUsername } from "../domain/username.ts";

/**
 * One line of a name without emoji or pictographs: refused, naming what was found, or stripped (and the
 * spaces collapsed) when the client's config says `names.pictographs: "strip"`. Never kept.
 */
export function withoutPictographs(line: z.ZodString, client: ClientConfig): z.ZodString {
  if (client.names.pictographs === "strip") {
    return line.overwrite(stripPictographs).refine((s) => s !== "", {
      error: "is empty once its emoji and pictographs are removed",
      abort: true,
    });
  }
  return line.superRefine((s, ctx) => {
    const found = pictographsIn(s);
    if (found.length)
      ctx.addIssue({
        code: "custom",
        message: `must not contain emoji or pictographs (found ${describePictographs(found)})`,
        abort: true,
      });
  });
}

/** A person's name for this client: one line, no pictographs, with at least one letter in any script. */
export function personName(max: number) {
  return ({ client }: { client: ClientConfig }) =>
    withoutPictographs(singleLine(max), client).refine((s) => /\p{L}/u.test(s), {
      error: "must contain a letter",
    });
}

/** A display name for this client: one line without pictographs. */
export function displayName(max: number) {
  return ({ client }: { client: ClientConfig }) => withoutPictographs(singleLine(max), client);
}

export const usernameOverride = z.string().trim().toLowerCase().refine(isValidUsername, {
  error: "must be 1–64 of a-z 0-9 . _ - , starting and ending with a letter or digit, without ..",
});

// People type phone numbers with spaces, dots, dashes and brackets; E.164 has none of them.
export const e164Phone = z
  .string()
  .overwrite((s) => s.replace(/[\s().-]/g, ""))
  .regex(/^\+[1-9]\d{6,14}$/, {
    error: "must be a phone number in international form, such as +44 20 7946 0958",
  });

// "#1234" is how ticket numbers are often quoted; the "#" is not part of the number.
export const ticketRef = z
  .string()
  .trim()
  .overwrite((s) => s.replace(/^#/, ""))
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/, {
    error: "must be a ticket number or id such as T20240611.0042",
  });

/** Who asked: an address (lowercased, so the same person is always spelled the same) or a name. */
export const requester = singleLine(200).overwrite((s) =>
  isEmailAddress(s.toLowerCase()) ? s.toLowerCase() : s,
);

export function inClientDomains(client: ClientConfig) {
  return emailAddress.refine(
    (address) => client.domains.includes(address.slice(address.lastIndexOf("@") + 1)),
    {
      error: `must be in one of the client's domains (${client.domains.join(", ")})`,
    },
  );
}

/** A list of distinct values, first spelling kept: repeating a group in a form should not add it twice. */
export function distinctList<T extends z.ZodType<string>>(item: T, max: number) {
  return z
    .array(item)
    .max(max)
    .transform((items) => [...new Set(items)]);
}

/** Leaves out absent optional fields so requests compare, hash and serialise the same however built. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The client a body names must be the client it is validated for: a link for one can never act on another. */
export function clientField(client: ClientConfig) {
  return z
    .string()
    .trim()
    .superRefine((id, ctx) => {
      if (id !== client.id)
        ctx.addIssue({
          code: "custom",
          message: `is "${id}", but this request is for client "${client.id}"`,
        });
    });
}

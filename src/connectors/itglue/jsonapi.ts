import { z } from "zod";

/**
 * IT Glue's JSON:API documents as the connector reads and writes them (reference §6): a resource is
 * `{ id, type, attributes }` with kebab-case attribute names, a document wraps it in `data`, a list adds
 * `meta` (current-page, next-page, total-count …). No compound documents or relationships are needed, so
 * this is a few zod schemas rather than a JSON:API library: the names stay exactly as IT Glue sends them,
 * and every answer is checked. Only the attributes read are declared; the rest pass through.
 */

const text = z.string().nullish();
const int = z.number().int().nullish();

/** JSON:API ids are strings; IT Glue's are numbers as text. */
const resourceId = z.union([z.string().min(1), z.int().transform(String)]);

export function resource<A extends z.ZodType>(type: string, attributes: A) {
  return z.looseObject({ id: resourceId, type: z.literal(type), attributes });
}

export const contactEmail = z.looseObject({
  value: z.string(),
  primary: z.boolean().nullish(),
  "label-name": text,
});

export const contactAttributes = z.looseObject({
  "organization-id": int,
  name: text,
  "first-name": text,
  "last-name": text,
  "contact-type-id": int,
  notes: text,
  "contact-emails": z.array(contactEmail).nullish(),
});
export const contactResource = resource("contacts", contactAttributes);
export type ContactResource = z.output<typeof contactResource>;

export const passwordAttributes = z.looseObject({
  "organization-id": int,
  name: z.string(),
  username: text,
  url: text,
  notes: text,
  "resource-id": int,
  "resource-type": text,
  archived: z.boolean().nullish(),
});
export const passwordResource = resource("passwords", passwordAttributes);
export type PasswordResource = z.output<typeof passwordResource>;

export const organizationResource = resource("organizations", z.looseObject({ name: text }));

/** `{ data: resource }`: a show, a create's 201, an update's 200. */
export function single<R extends z.ZodType>(item: R) {
  return z.looseObject({ data: item });
}

/** `{ data: [...], meta }`: an index page; meta says whether another page follows. */
export function page<R extends z.ZodType>(item: R) {
  return z.looseObject({
    data: z.array(item),
    meta: z
      .looseObject({
        "current-page": int,
        "next-page": int,
        "total-pages": int,
        "total-count": int,
      })
      .optional(),
  });
}

/** A write's body: `{ data: { type, [id], attributes } }`, attributes by IT Glue's own names. */
export function document(
  type: string,
  attributes: Record<string, unknown>,
  id?: string,
): { data: { type: string; id?: string; attributes: Record<string, unknown> } } {
  const defined = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined));
  return { data: { type, ...(id !== undefined ? { id } : {}), attributes: defined } };
}

/** One member of IT Glue's error answer: `{"errors":[{"status","title","detail"}]}` (members [unconfirmed]). */
export const errorMember = z.looseObject({
  status: z.union([z.string(), z.number()]).optional(),
  code: z.string().optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
  source: z.looseObject({ pointer: z.string().optional() }).optional(),
});
export const errorDocument = z.looseObject({ errors: z.array(errorMember).min(1) });
export type ErrorMember = z.output<typeof errorMember>;

import { z } from "zod";
import type { components } from "./generated/halopsa-api.ts";

/**
 * What the connector reads from Halo's answers. The spec describes no response bodies (every operation
 * answers "200 Success"), so these follow the reference notes (§1): lists are `{ record_count, <plural> }`
 * (CIPP also meets bare arrays), and a one-element POST answers the one object. Records carry hundreds of
 * fields; only these are checked, the rest pass through.
 */
type Schemas = components["schemas"];

const id = z.int();
const text = z.string().nullish();
const int = z.number().nullish();

export const haloUser = z.looseObject({
  id,
  name: text,
  firstname: text,
  surname: text,
  emailaddress: text,
  client_id: int,
  site_id: int,
  inactive: z.boolean().nullish(),
}) satisfies z.ZodType<Schemas["Users"]>;
export type HaloUser = z.infer<typeof haloUser>;

export const haloTicket = z.looseObject({
  id,
  summary: text,
  client_id: int,
  site_id: int,
  status_id: int,
  hasbeenclosed: z.boolean().nullish(),
  third_party_id_string: text,
  client_reference: text,
}) satisfies z.ZodType<Schemas["Faults"]>;
export type HaloTicket = z.infer<typeof haloTicket>;

export const haloAction = z.looseObject({
  id,
  ticket_id: int,
  note: text,
  note_html: text,
  hiddenfromuser: z.boolean().nullish(),
}) satisfies z.ZodType<Schemas["Actions"]>;
export type HaloAction = z.infer<typeof haloAction>;

export const haloStatus = z.looseObject({ id, name: text, type: int }) satisfies z.ZodType<
  Schemas["TStatus"]
>;
export type HaloStatus = z.infer<typeof haloStatus>;

/** A list answer: `{ record_count, <key>: [...] }`, or the bare array some endpoints send. */
export function listOf<T>(key: string, item: z.ZodType<T>): z.ZodType<{ items: T[]; total?: number }> {
  const wrapped = z.looseObject({ record_count: z.number().optional(), [key]: z.array(item) });
  return z.union([
    wrapped.transform((o): { items: T[]; total?: number } => {
      const items = o[key] as T[];
      const total = o.record_count as number | undefined;
      return total !== undefined ? { items, total } : { items };
    }),
    z.array(item).transform((items) => ({ items })),
  ]);
}

/** A one-element POST's answer: the object (CIPP reads `.id` off it), or a one-element array. */
export function written<T>(item: z.ZodType<T>): z.ZodType<T> {
  return z.union([item, z.tuple([item]).transform(([only]) => only)]) as z.ZodType<T>;
}

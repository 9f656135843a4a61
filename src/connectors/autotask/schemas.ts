import { z } from "zod";
import type { components } from "./generated/autotask-api.ts";

/**
 * What Autotask's answers must look like before anything reads them. The generated types say what the
 * (normalised) spec describes; these check it at run time, loosely where the vendor adds fields (every
 * entity has dozens more), strictly on what the connector relies on. Unset fields come back as null.
 */

type Schemas = components["schemas"];

const nullableText = z.string().nullish();
const nullableInt = z.number().int().nullish();

/** GET /V1.0/ZoneInformation?user= (reference §3: `{"zoneName","url","webUrl","ci"}`). */
export const zoneInformation = z.looseObject({
  zoneName: nullableText,
  url: z.string().min(1),
  webUrl: nullableText,
  ci: nullableInt,
}) satisfies z.ZodType<Schemas["ZoneInformationResultModel"]>;
export type ZoneInformation = z.infer<typeof zoneInformation>;

export const thresholdInformation = z.looseObject({
  externalRequestThreshold: z.number().int(),
  requestThresholdTimeframe: z.number().int(),
  currentTimeframeRequestCount: z.number().int(),
}) satisfies z.ZodType<Schemas["ThresholdStatusResultModel"]>;
export type ThresholdInformation = z.infer<typeof thresholdInformation>;

/** Every create and update answers `{"itemId": n}` (the spec says the model; the live API does not). */
export const itemIdResult = z.looseObject({ itemId: z.number().int().positive() }) satisfies z.ZodType<
  Schemas["ItemIdResult"]
>;

export const pageDetails = z.looseObject({
  count: z.number().int(),
  requestCount: z.number().int(),
  prevPageUrl: z.string().nullish(),
  nextPageUrl: z.string().nullish(),
});

export const queryPage = <T extends z.ZodType>(item: T) =>
  z.looseObject({ items: z.array(item), pageDetails: pageDetails });

export const contactItem = z.looseObject({
  id: z.number().int(),
  companyID: nullableInt,
  emailAddress: nullableText,
  firstName: nullableText,
  lastName: nullableText,
  // An int flag in the spec (1/0); a boolean is read the same way rather than refused.
  isActive: z.union([z.literal(0), z.literal(1), z.boolean()]),
});
export type ContactItem = z.infer<typeof contactItem>;

export const ticketItem = z.looseObject({
  id: z.number().int(),
  ticketNumber: z.string().min(1),
  title: nullableText,
  status: z.number().int(),
  companyID: nullableInt,
  externalID: nullableText,
});
export type TicketItem = z.infer<typeof ticketItem>;

export const ticketNoteItem = z.looseObject({
  id: z.number().int(),
  ticketID: nullableInt,
  title: nullableText,
  description: nullableText,
});
export type TicketNoteItem = z.infer<typeof ticketNoteItem>;

/** A picklist value as entityInformation/fields lists it: the value is text, even for an int field. */
export const picklistValue = z.looseObject({
  value: z.string().min(1),
  label: z.string(),
  isActive: z.boolean(),
}) satisfies z.ZodType<Schemas["PickListValue"]>;
export type PicklistValue = z.infer<typeof picklistValue>;

/** GET /V1.0/{Entity}/entityInformation/fields: every field, with its picklist values when it has some. */
export const fieldInformation = z.looseObject({
  fields: z.array(
    z.looseObject({
      name: z.string().min(1),
      isPickList: z.boolean().nullish(),
      picklistValues: z.array(picklistValue).nullish(),
    }),
  ),
}) satisfies z.ZodType<Schemas["FieldInformationResultModel"]>;
export type FieldInformation = z.infer<typeof fieldInformation>;

/** What the connector sends, typed by the generated description. */
export type ContactModel = Schemas["ContactModel"];
export type TicketModel = Schemas["TicketModel"];
export type TicketNoteModel = Schemas["TicketNoteModel"];
export type QueryModel = Schemas["QueryModel"];
export type Filter = Schemas["Filter"];

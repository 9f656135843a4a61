import { z } from "zod";
import type { components } from "./generated/ninjaone-api.ts";

/**
 * What the connector reads from NinjaOne's answers, checked against the spec's own schemas (generated
 * types): records carry many more fields; only these are checked, the rest pass through.
 */
type Schemas = components["schemas"];

const id = z.int();
/** Absent, or null as some answers have it: either way nothing, as the spec's optional fields. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? undefined : v), schema.optional());
const text = optional(z.string());

/** An item of GET /v2/organization/{id}/end-users: the spec's `User` (not `EndUser`). */
export const ninjaUser = z.looseObject({
  id,
  uid: z.string(),
  firstName: text,
  lastName: text,
  email: text,
  enabled: optional(z.boolean()),
  userType: optional(z.enum(["TECHNICIAN", "END_USER"])),
  organizationId: optional(z.int()),
}) satisfies z.ZodType<Schemas["User"]>;
export type NinjaUser = z.infer<typeof ninjaUser>;

/** GET /v2/user/end-user/{id} and POST /v2/user/end-users: the spec's `EndUser`. */
export const ninjaEndUser = z.looseObject({
  id,
  uid: z.string(),
  firstName: text,
  lastName: text,
  email: text,
  enabled: optional(z.boolean()),
  organizationId: optional(z.int()),
}) satisfies z.ZodType<Schemas["EndUser"]>;
export type NinjaEndUser = z.infer<typeof ninjaEndUser>;

/** GET /v2/device/{id}: the spec's `Device`. */
export const ninjaDevice = z.looseObject({
  id,
  uid: text,
  assignedOwnerUid: text,
  organizationId: optional(z.int()),
  displayName: text,
  systemName: text,
  dnsName: text,
}) satisfies z.ZodType<Schemas["Device"]>;
export type NinjaDevice = z.infer<typeof ninjaDevice>;

/** An item of GET /v2/devices-detailed: a Device with an agent's `system` and `lastLoggedInUser`. */
export const ninjaDetailedDevice = ninjaDevice.extend({
  system: optional(z.looseObject({ serialNumber: text, biosSerialNumber: text })),
  lastLoggedInUser: text,
}) satisfies z.ZodType<Schemas["AgentDevice"]>;
export type NinjaDetailedDevice = z.infer<typeof ninjaDetailedDevice>;

export const ninjaOrganization = z.looseObject({ id, name: text }) satisfies z.ZodType<
  Schemas["OrganizationDetailed"]
>;
export type NinjaOrganization = z.infer<typeof ninjaOrganization>;

export type CreateEndUserRequest = Schemas["CreateEndUserRequest"];

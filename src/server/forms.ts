import { z } from "zod";
import {
  offboardingActionKeys,
  wipeModes,
  type OffboardingActionKey,
} from "../domain/offboarding-actions.ts";
import { jsonSchemaOf } from "./zod.ts";

/**
 * The request forms as the OpenAPI document describes them. They are documentation only: the rules
 * depend on the client (its domains, roles, custom fields, time zone), so requests/ validates the body
 * after loading that client. test/server checks every field named here is one requests/ accepts.
 */

const text = (description: string) => z.string().describe(description);
const address = (description: string) => z.email().describe(description);
const start = z
  .union([z.string(), z.strictObject({ now: z.literal(true) })])
  .describe(
    '"now", a local time "YYYY-MM-DDTHH:mm" in the client\'s time zone, or an ISO instant with an offset.',
  );

const onboardingForm = z
  .strictObject({
    client: text("The client's id."),
    firstName: text("Given name."),
    lastName: text("Family name."),
    middleName: text("Middle name.").optional(),
    displayName: text('Preferred display name; "First Last" when absent.').optional(),
    domain: text("One of the client's domains; the client's first when absent.").optional(),
    username: text("Username override; otherwise built from the client's username format.").optional(),
    manager: address("The manager's address, in one of the client's domains.").optional(),
    department: text("Department; drives groups through the client's map.").optional(),
    jobTitle: text("Job title.").optional(),
    role: text("A role the client defines; drives licenses.").optional(),
    office: text("Office or location.").optional(),
    employeeId: text("Employee id.").optional(),
    start,
    copyFrom: address("A user whose groups and licenses to copy.").optional(),
    extraGroups: z.array(z.string()).optional(),
    extraLicenses: z.array(z.string()).describe("SKU part numbers.").optional(),
    sharedMailboxes: z.array(z.email()).optional(),
    deviceSerial: text("Device serial number, for Autopilot / RMM.").optional(),
    personalEmail: address("Where to hand off the credentials.").optional(),
    personalPhone: text("Phone number for the credentials hand-off, international form.").optional(),
    ticket: text("PSA ticket to log to instead of opening one.").optional(),
    requester: text("Who asked: an address or a name."),
    notes: text("Free text.").optional(),
    customFields: z.record(z.string(), z.string()).describe("Fields the client defines, by key.").optional(),
  })
  .describe("An onboarding form. Validated against the client's configuration; errors name the fields.");

const off = <T extends z.ZodType>(schema: T) => z.union([z.literal(false), schema]);

// One entry per checkbox, so a new offboarding action cannot be added without being documented here.
const actionShapes: Record<OffboardingActionKey, z.ZodType> = {
  disableAccount: z.boolean().describe("Revoke sessions, reset the password, block sign-in."),
  removeMfa: z.boolean(),
  convertToShared: z.boolean(),
  forwardTo: off(z.strictObject({ address: z.string(), keepCopy: z.boolean().optional() })).describe(
    'Forward mail to an address (or "manager"); false to leave off.',
  ),
  outOfOffice: off(z.string()).describe("Out-of-office message; false to leave off."),
  grantAccessTo: off(z.string()).describe(
    '"manager" or an address granted mailbox / OneDrive access; false to leave off.',
  ),
  hideFromAddressList: z.boolean(),
  removeMobileDevices: z.boolean(),
  wipeDevices: z.enum(wipeModes),
  removeGroups: z.boolean(),
  removeLicenses: z.boolean(),
  moveToDisabledOu: z.boolean(),
  deactivatePsaContact: z.boolean(),
  updateDocumentation: z.boolean(),
  notifySupervisor: z.boolean(),
  deleteUser: z.boolean().describe("Excludes the mailbox options."),
};

const offboardingForm = z
  .strictObject({
    client: text("The client's id."),
    user: address("The leaver's UPN."),
    lastDay: start,
    actions: z
      .strictObject(Object.fromEntries(offboardingActionKeys.map((k) => [k, actionShapes[k].optional()])))
      .describe("Each action overrides the client's default; leave one out to keep the default.")
      .optional(),
    requiresApproval: z
      .boolean()
      .describe("Ask for approval even when the client's policy does not.")
      .optional(),
    ticket: text("PSA ticket number.").optional(),
    requester: text("Who asked: an address or a name."),
    reason: text("Why the user leaves.").optional(),
    notes: text("Free text.").optional(),
  })
  .describe("An offboarding form. Validated against the client's configuration; errors name the fields.");

/** Plain JSON Schema, so the route validator lets the body through to requests/ untouched. */
export const formSchemas = {
  onboard: jsonSchemaOf(onboardingForm, "input"),
  offboard: jsonSchemaOf(offboardingForm, "input"),
};

import { z } from "zod";
import { isEmailAddress, multiLine } from "./fields.ts";

export const wipeModes = ["none", "retire", "wipe"] as const;
export type WipeMode = (typeof wipeModes)[number];

/** The literal that stands for "the leaver's manager", resolved from the directory by the planner. */
export const MANAGER = "manager";

/** A mailbox address, or "manager": a client default cannot name one person for every leaver. */
export const mailboxTarget = z
  .string()
  .trim()
  .toLowerCase()
  .refine((s) => s === MANAGER || isEmailAddress(s), {
    error: 'must be an email address or "manager"',
  });

export const forwardToSchema = z.strictObject({
  address: mailboxTarget,
  // Keeping a copy is the safe default: without it, mail that the recipient ignores is gone for good.
  keepCopy: z.boolean().default(true),
});
export type ForwardTo = z.output<typeof forwardToSchema>;

export const outOfOfficeMessage = multiLine(4000);

/**
 * What an offboarding can do, each action's value and its built-in default: every action resolved,
 * booleans and modes always present, the three mailbox options absent when off. As a client's
 * `offboardingDefaults`, missing keys take the defaults below.
 */
export const offboardingActionsSchema = z.strictObject({
  disableAccount: z.boolean().default(true),
  removeMfa: z.boolean().default(true),
  convertToShared: z.boolean().default(true),
  forwardTo: forwardToSchema.optional(),
  outOfOffice: outOfOfficeMessage.optional(),
  grantAccessTo: mailboxTarget.optional(),
  hideFromAddressList: z.boolean().default(true),
  removeMobileDevices: z.boolean().default(true),
  wipeDevices: z.enum(wipeModes).default("none"),
  removeGroups: z.boolean().default(true),
  removeLicenses: z.boolean().default(true),
  moveToDisabledOu: z.boolean().default(true),
  deactivatePsaContact: z.boolean().default(true),
  updateDocumentation: z.boolean().default(true),
  notifySupervisor: z.boolean().default(true),
  deleteUser: z.boolean().default(false),
});
export type OffboardingActions = z.output<typeof offboardingActionsSchema>;
export type OffboardingActionKey = keyof OffboardingActions;

/** Every offboarding action; the offboarding form (requests/forms) gives each its field. */
export const offboardingActionKeys = Object.keys(offboardingActionsSchema.shape) as OffboardingActionKey[];

/** The options that need the mailbox to survive, so deleting the user rules them out. */
export const mailboxOptions = ["convertToShared", "forwardTo", "outOfOffice", "grantAccessTo"] as const;
export type MailboxOption = (typeof mailboxOptions)[number];

export function enabledMailboxOptions(actions: Pick<OffboardingActions, MailboxOption>): MailboxOption[] {
  return mailboxOptions.filter((key) =>
    key === "convertToShared" ? actions[key] : actions[key] !== undefined,
  );
}

import { z } from "zod";
import type { ClientConfig } from "../domain/client.ts";
import { multiLine, singleLine } from "../domain/fields.ts";
import {
  MANAGER,
  forwardToSchema,
  mailboxOptions,
  mailboxTarget,
  outOfOfficeMessage,
  wipeModes,
  type MailboxOption,
  type OffboardingActionKey,
  type OffboardingActions,
} from "../domain/offboarding-actions.ts";
import { failAll, fromZod, ok, type FieldError, type Result } from "../domain/result.ts";
import { clientField, cleanInput, compact, inClientDomains, requester, ticketRef } from "./fields.ts";
import type { ApprovalPolicy } from "./onboarding.ts";
import { startTimeField, type StartTime } from "./start-time.ts";

/** A validated offboarding. `startAt` is the last day and time, when the run begins. */
export type OffboardingRequest = StartTime & {
  kind: "offboard";
  clientId: string;
  /** The leaver's UPN, lowercased. */
  user: string;
  /** Every action resolved: the request's choices over the client's defaults. */
  actions: OffboardingActions;
  /** Who must approve before the run starts; "none" when nobody. */
  approval: ApprovalPolicy;
  ticket?: string;
  requester: string;
  reason?: string;
  notes?: string;
};

function offboardingSchema(client: ClientConfig, now: Date) {
  const inTenant = inClientDomains(client);
  // `false` switches off a client default; leaving the key out keeps the default.
  const orOff = <T extends z.ZodType>(schema: T, shape: string) =>
    z.union([z.literal(false), schema], { error: `must be ${shape}, or false to leave it off` }).optional();
  const grantee = mailboxTarget.refine((s) => s === MANAGER || inTenant.safeParse(s).success, {
    error: `must be "manager" or an address in one of the client's domains (${client.domains.join(", ")})`,
  });
  const flag = z.boolean().optional();
  const actions = z.strictObject({
    disableAccount: flag,
    removeMfa: flag,
    convertToShared: flag,
    forwardTo: orOff(forwardToSchema, "{ address, keepCopy }"),
    outOfOffice: orOff(outOfOfficeMessage, "a message"),
    grantAccessTo: orOff(grantee, '"manager" or an address'),
    hideFromAddressList: flag,
    removeMobileDevices: flag,
    wipeDevices: z.enum(wipeModes).optional(),
    removeGroups: flag,
    removeLicenses: flag,
    moveToDisabledOu: flag,
    deactivatePsaContact: flag,
    updateDocumentation: flag,
    notifySupervisor: flag,
    deleteUser: flag,
  });
  return z.strictObject({
    client: clientField(client),
    user: inTenant,
    lastDay: startTimeField(client.timeZone, now),
    actions: actions.optional(),
    requiresApproval: z.boolean().optional(),
    ticket: ticketRef.optional(),
    requester,
    reason: singleLine(1000).optional(),
    notes: multiLine(4000).optional(),
  });
}

type Parsed = z.output<ReturnType<typeof offboardingSchema>>;
type ChosenActions = NonNullable<Parsed["actions"]>;

/**
 * The request's choices laid over the client's defaults. Deleting the user rules out the mailbox
 * options: where one side of that conflict is only a default, the explicit choice wins and the default
 * yields; where both were chosen explicitly, the conflict is reported.
 */
function resolveActions(chosen: ChosenActions, defaults: OffboardingActions): Result<OffboardingActions> {
  const explicit = (key: OffboardingActionKey) => chosen[key] !== undefined;
  const merged: OffboardingActions = { ...defaults };
  for (const [key, value] of Object.entries(chosen) as [OffboardingActionKey, unknown][]) {
    if (value === undefined) continue;
    Object.assign(merged, {
      [key]: value === false && isMailboxOption(key) && key !== "convertToShared" ? undefined : value,
    });
  }
  if (!merged.deleteUser) return ok(compact(merged));

  const conflicts = mailboxOptions.filter((key) => isOn(merged, key));
  const chosenConflicts = conflicts.filter(explicit);
  if (explicit("deleteUser") && chosenConflicts.length) {
    return failAll([
      {
        field: "actions.deleteUser",
        message: `cannot be combined with ${chosenConflicts.join(", ")}: deleting the user deletes the mailbox`,
      },
      ...chosenConflicts.map((key) => ({
        field: `actions.${key}`,
        message: "cannot be combined with deleteUser",
      })),
    ]);
  }
  if (!explicit("deleteUser") && chosenConflicts.length) return ok(compact({ ...merged, deleteUser: false }));
  const cleared: OffboardingActions = { ...merged, convertToShared: false };
  delete cleared.forwardTo;
  delete cleared.outOfOffice;
  delete cleared.grantAccessTo;
  return ok(cleared);
}

function isMailboxOption(key: OffboardingActionKey): key is MailboxOption {
  return (mailboxOptions as readonly string[]).includes(key);
}

function isOn(actions: OffboardingActions, key: MailboxOption): boolean {
  return key === "convertToShared" ? actions.convertToShared : actions[key] !== undefined;
}

function resolveApproval(requested: boolean | undefined, policy: ApprovalPolicy): Result<ApprovalPolicy> {
  if (requested === undefined) return ok(policy);
  if (requested) return ok(policy === "none" ? "manager" : policy);
  if (policy === "none") return ok("none");
  return failAll([
    {
      field: "requiresApproval",
      message: `cannot be false: this client's offboardings need approval by the ${policy}`,
    },
  ]);
}

/** Validates a form, API or CLI body for one client. Never throws: bad input comes back as field errors. */
export function validateOffboarding(
  input: unknown,
  client: ClientConfig,
  now: Date,
): Result<OffboardingRequest> {
  const parsed = offboardingSchema(client, now).safeParse(cleanInput(input), { reportInput: true });
  if (!parsed.success) return failAll(fromZod(parsed.error));
  const v = parsed.data;
  const actions = resolveActions(v.actions ?? {}, client.offboardingDefaults);
  const approval = resolveApproval(v.requiresApproval, client.approval.offboarding);
  const errors: FieldError[] = [
    ...(actions.ok ? [] : actions.errors),
    ...(approval.ok ? [] : approval.errors),
  ];
  if (actions.ok) {
    if (actions.value.forwardTo?.address === v.user) {
      errors.push({ field: "actions.forwardTo.address", message: "must not be the leaver's own address" });
    }
    if (actions.value.grantAccessTo === v.user) {
      errors.push({ field: "actions.grantAccessTo", message: "must not be the leaver" });
    }
  }
  if (!actions.ok || !approval.ok || errors.length) return failAll(errors);
  return ok(
    compact({
      kind: "offboard",
      clientId: client.id,
      user: v.user,
      ...v.lastDay,
      actions: actions.value,
      approval: approval.value,
      ticket: v.ticket,
      requester: v.requester,
      reason: v.reason,
      notes: v.notes,
    }),
  );
}

/** A body that validates back to `request` (for the same client and moment), every action explicit. */
export function toOffboardingInput(request: OffboardingRequest): Record<string, unknown> {
  const { actions } = request;
  return compact({
    client: request.clientId,
    user: request.user,
    lastDay: request.startNow ? "now" : request.startAt,
    actions: {
      ...actions,
      forwardTo: actions.forwardTo ?? false,
      outOfOffice: actions.outOfOffice ?? false,
      grantAccessTo: actions.grantAccessTo ?? false,
    },
    requiresApproval: request.approval !== "none",
    ticket: request.ticket,
    requester: request.requester,
    reason: request.reason,
    notes: request.notes,
  });
}

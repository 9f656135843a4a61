import { describePolicy } from "../../domain/approval.ts";
import type { ClientConfig } from "../../domain/client.ts";
import { multiLine, singleLine } from "../../domain/fields.ts";
import {
  MANAGER,
  mailboxOptions,
  mailboxTarget,
  outOfOfficeMessage,
  wipeModes,
  type OffboardingActionKey,
  type OffboardingActions,
} from "../../domain/offboarding-actions.ts";
import { failAll, ok, type FieldError, type Result } from "../../domain/result.ts";
import { compact, inClientDomains, requester, ticketRef } from "../fields.ts";
import { defineForm } from "../kit/define-form.ts";
import type { Field, FormContext } from "../kit/field.ts";
import {
  checkbox,
  choice,
  dateTime,
  email,
  forwardTo,
  group,
  multiline,
  orOff,
  text,
} from "../kit/field-kinds.ts";
import { overDefaults } from "../kit/over-defaults.ts";
import { validateForm } from "../kit/validation.ts";
import type { StartTime } from "../start-time.ts";
import type { ApprovalPolicy } from "./onboarding.ts";
import { clientSelector } from "./client-field.ts";

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

const grantee = ({ client }: FormContext) => {
  const inTenant = inClientDomains(client);
  return mailboxTarget.refine((s) => s === MANAGER || inTenant.safeParse(s).success, {
    error: `must be "manager" or an address in one of the client's domains (${client.domains.join(", ")})`,
  });
};

// Typed by the domain's action keys, so an action without a field here (or a field without an action)
// does not compile.
export const offboardingActionFields = {
  disableAccount: checkbox({
    label: "Disable the account",
    help: "Revoke sessions, reset the password, block sign-in.",
  }),
  removeMfa: checkbox({ label: "Remove MFA methods" }),
  convertToShared: checkbox({ label: "Convert the mailbox to shared" }),
  forwardTo: orOff(
    forwardTo({
      label: "Forward mail",
      help: 'To an address (or "manager"), keeping a copy unless told otherwise.',
      choices: [MANAGER],
    }),
    "{ address, keepCopy }",
  ),
  outOfOffice: orOff(
    multiline({
      label: "Set an out-of-office message",
      value: outOfOfficeMessage,
      cli: { value: "<message>" },
    }),
    "a message",
  ),
  grantAccessTo: orOff(
    email({
      label: "Grant mailbox / OneDrive access",
      help: '"manager" or an address in one of the client\'s domains.',
      value: grantee,
      alsoAccepts: [MANAGER],
      cli: { value: "<upn>" },
    }),
    '"manager" or an address',
  ),
  hideFromAddressList: checkbox({ label: "Hide from the address list" }),
  removeMobileDevices: checkbox({ label: "Remove mobile devices" }),
  wipeDevices: choice({ label: "Wipe or retire devices", choices: wipeModes, cli: { value: "<mode>" } }),
  removeGroups: checkbox({ label: "Remove all group memberships" }),
  removeLicenses: checkbox({ label: "Remove licenses" }),
  moveToDisabledOu: checkbox({ label: "Move to the disabled OU", help: "AD only." }),
  deactivatePsaContact: checkbox({ label: "Deactivate the PSA contact" }),
  updateDocumentation: checkbox({ label: "Update documentation" }),
  notifySupervisor: checkbox({ label: "Notify the supervisor" }),
  deleteUser: checkbox({
    label: "Delete the user",
    help: "Excludes the mailbox options.",
    excludes: { fields: mailboxOptions, because: "deleting the user deletes the mailbox" },
  }),
} satisfies Record<OffboardingActionKey, Field>;

export const offboardingForm = defineForm({
  id: "offboard",
  title: "Offboarding",
  description: "An offboarding form. Validated against the client's configuration; errors name the fields.",
  fields: {
    client: clientSelector,
    user: email({
      label: "User",
      help: "The leaver's UPN, in one of the client's domains.",
      required: true,
      value: ({ client }) => inClientDomains(client),
      cli: { value: "<upn>" },
    }),
    lastDay: dateTime({
      label: "Last day",
      help: "When the run begins",
      required: true,
      nowHelp: "run now",
    }),
    actions: group({
      label: "Actions",
      help: "Each action overrides the client's default; leave one out to keep the default.",
      fields: offboardingActionFields,
      defaults: (client) => client.offboardingDefaults,
    }),
    requiresApproval: checkbox({
      label: "Require manager approval",
      help: "Ask for approval even when the client's policy does not.",
      default: (client) => client.approval.offboarding !== "none",
      cli: { flag: "require-approval" },
    }),
    ticket: text({ label: "PSA ticket number", value: ticketRef, cli: { value: "<id>" } }),
    requester: text({
      label: "Requester",
      help: "Who asked: an address or a name.",
      required: true,
      value: requester,
      cli: { value: "<who>", fallback: "actor" },
    }),
    reason: text({ label: "Reason", help: "Why the user leaves.", value: singleLine(1000) }),
    notes: multiline({ label: "Notes", value: multiLine(4000) }),
  },
  build(v, { client }) {
    const actions = overDefaults<OffboardingActions>(
      offboardingActionFields,
      v.actions ?? {},
      client.offboardingDefaults,
      "actions",
    );
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
      compact<OffboardingRequest>({
        kind: "offboard",
        clientId: client.id,
        user: v.user,
        ...v.lastDay,
        actions: compact(actions.value),
        approval: approval.value,
        ticket: v.ticket,
        requester: v.requester,
        reason: v.reason,
        notes: v.notes,
      }),
    );
  },
});

function resolveApproval(requested: boolean | undefined, policy: ApprovalPolicy): Result<ApprovalPolicy> {
  if (requested === undefined) return ok(policy);
  if (requested) return ok(policy === "none" ? "manager" : policy);
  if (policy === "none") return ok("none");
  return failAll([
    {
      field: "requiresApproval",
      message: `cannot be false: this client's offboardings need approval by ${describePolicy(policy)}`,
    },
  ]);
}

/** Validates a form, API or CLI body for one client. Never throws: bad input comes back as field errors. */
export function validateOffboarding(
  input: unknown,
  client: ClientConfig,
  now: Date,
): Result<OffboardingRequest> {
  return validateForm(offboardingForm, input, { client, now });
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

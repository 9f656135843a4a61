import { needsManager, type ApprovalPolicy } from "../../domain/approval.ts";
import type { ClientConfig } from "../../domain/client.ts";
import { emailAddress, multiLine, singleLine, skuPartNumber } from "../../domain/fields.ts";
import { ok, type FieldError, type Result } from "../../domain/result.ts";
import { usernameProblem } from "../../domain/username.ts";
import {
  compact,
  displayName,
  e164Phone,
  inClientDomains,
  personName,
  requester,
  ticketRef,
  usernameOverride,
} from "../fields.ts";
import { defineForm } from "../kit/define-form.ts";
import {
  checkbox,
  clientChoice,
  customFields,
  dateTime,
  email,
  list,
  multiline,
  phone,
  text,
} from "../kit/field-kinds.ts";
import { validateForm } from "../kit/validation.ts";
import type { StartTime } from "../start-time.ts";
import { z } from "zod";
import { clientSelector } from "./client-field.ts";

export type { ApprovalPolicy };

/** A validated onboarding: every string trimmed, addresses lowercased, absent optionals left out. */
export type OnboardingRequest = StartTime & {
  kind: "onboard";
  clientId: string;
  firstName: string;
  lastName: string;
  middleName?: string;
  /** As given, or "First Last". */
  displayName: string;
  /** One of the client's domains; the client's first when not given. */
  domain: string;
  /** An explicit username; when absent the planner picks one from the client's format. */
  username?: string;
  manager?: string;
  department?: string;
  jobTitle?: string;
  /** Meant as a key of the client's `licensesByRole`; the pre-flight finds one that is not. */
  role?: string;
  office?: string;
  employeeId?: string;
  copyFrom?: string;
  extraGroups: string[];
  extraLicenses: string[];
  sharedMailboxes: string[];
  deviceSerial?: string;
  personalEmail?: string;
  personalPhone?: string;
  ticket?: string;
  requester: string;
  notes?: string;
  customFields: Record<string, string>;
  /** Who must approve before the run starts, from the client's policy; "none" when nobody. */
  approval: ApprovalPolicy;
  /** Submitted knowing another onboarding of the same person is pending or just finished. */
  allowDuplicate?: true;
};

const inTenant = ({ client }: { client: ClientConfig }) => inClientDomains(client);

export const onboardingForm = defineForm({
  id: "onboard",
  title: "Onboarding",
  description: "An onboarding form. Validated against the client's configuration; errors name the fields.",
  fields: {
    client: clientSelector,
    firstName: text({
      label: "First name",
      help: "Given name.",
      required: true,
      value: personName(64),
      cli: { value: "<name>" },
    }),
    lastName: text({
      label: "Last name",
      help: "Family name.",
      required: true,
      value: personName(64),
      cli: { value: "<name>" },
    }),
    middleName: text({ label: "Middle name", value: personName(64), cli: { value: "<name>" } }),
    displayName: text({
      label: "Preferred display name",
      help: '"First Last" when absent.',
      value: displayName(256),
      cli: { value: "<name>" },
    }),
    domain: clientChoice({
      label: "Domain",
      help: "One of the client's domains; the client's first when absent.",
      choices: (client) => client.domains,
      caseless: true,
      error: (domains) => `must be one of the client's domains: ${domains.join(", ")}`,
      default: (client) => client.domains[0],
      cli: { value: "<domain>" },
    }),
    username: text({
      label: "Username",
      help: "Overrides the client's username format.",
      value: usernameOverride,
      cli: { value: "<name>" },
    }),
    manager: email({
      label: "Manager",
      help: "The manager's address, in one of the client's domains.",
      value: inTenant,
      cli: { value: "<upn>" },
    }),
    department: text({
      label: "Department",
      help: "Drives groups through the client's map.",
      value: singleLine(128),
      choices: (client) => Object.keys(client.groupsByDepartment),
      cli: { value: "<name>" },
    }),
    jobTitle: text({ label: "Job title", value: singleLine(128), cli: { value: "<title>" } }),
    // Not a closed choice: the pre-flight judges a role the client's map does not name, as an error or, where
    // the client's config says so, a warning shown with the plan.
    role: text({
      label: "Role",
      help: "A role the client defines; drives licenses and groups through the client's maps.",
      value: singleLine(128),
      choices: (client) => Object.keys(client.licensesByRole),
      cli: { value: "<role>" },
    }),
    office: text({ label: "Office / location", value: singleLine(128), cli: { value: "<office>" } }),
    employeeId: text({ label: "Employee id", value: singleLine(64), cli: { value: "<id>" } }),
    start: dateTime({
      label: "Start",
      help: "The first day and time",
      required: true,
      nowHelp: "start now",
    }),
    copyFrom: email({
      label: "Copy from user",
      help: "A template user whose groups and licenses to copy.",
      value: inTenant,
      cli: { value: "<upn>" },
    }),
    extraGroups: list({
      label: "Extra groups",
      items: "text",
      item: singleLine(256),
      max: 100,
      cli: { flag: "extra-group", value: "<group>" },
    }),
    extraLicenses: list({
      label: "Extra licenses",
      help: "SKU part numbers.",
      items: "text",
      item: skuPartNumber,
      max: 50,
      cli: { flag: "extra-license", value: "<sku>" },
    }),
    sharedMailboxes: list({
      label: "Shared mailboxes",
      items: "email",
      item: inTenant,
      max: 100,
      cli: { flag: "shared-mailbox", value: "<address>" },
    }),
    deviceSerial: text({
      label: "Device serial number",
      help: "For Autopilot / RMM.",
      value: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
        error: "must be a serial number: letters, digits . _ -",
      }),
      cli: { value: "<serial>" },
    }),
    personalEmail: email({
      label: "Personal email",
      help: "Where to hand off the credentials.",
      value: emailAddress,
      cli: { value: "<email>" },
    }),
    personalPhone: phone({
      label: "Personal phone",
      help: "For the credentials hand-off, in international form.",
      value: e164Phone,
    }),
    ticket: text({
      label: "PSA ticket number",
      help: "Log to this ticket instead of opening one.",
      value: ticketRef,
      cli: { value: "<id>" },
    }),
    requester: text({
      label: "Requester",
      help: "Who asked: an address or a name.",
      required: true,
      value: requester,
      cli: { value: "<who>", fallback: "actor" },
    }),
    notes: multiline({ label: "Notes", value: multiLine(4000) }),
    allowDuplicate: checkbox({
      label: "Allow a duplicate",
      help: "Submit although another onboarding of the same person is pending or finished within the last day.",
    }),
    customFields: customFields({
      label: "Custom fields",
      help: "Fields the client defines, by key.",
      cli: { flag: "custom" },
    }),
  },
  rules: [
    (v, { client }): FieldError[] => {
      if (v.username !== undefined) return [];
      const person = { firstName: v.firstName, lastName: v.lastName, middleName: v.middleName };
      const problem = usernameProblem(person, client.usernameFormat, client.transliteration);
      return problem ? [problem] : [];
    },
    (v, { client }): FieldError[] =>
      needsManager(client.approval.onboarding) && v.manager === undefined
        ? [
            {
              field: "manager",
              message: "is required: this client's onboardings are approved by the manager",
            },
          ]
        : [],
  ],
  build: (v, { client }) =>
    ok(
      compact<OnboardingRequest>({
        kind: "onboard",
        clientId: client.id,
        firstName: v.firstName,
        lastName: v.lastName,
        middleName: v.middleName,
        displayName: v.displayName ?? `${v.firstName} ${v.lastName}`,
        domain: v.domain ?? client.domains[0] ?? "",
        username: v.username,
        manager: v.manager,
        department: v.department,
        jobTitle: v.jobTitle,
        role: v.role,
        office: v.office,
        employeeId: v.employeeId,
        ...v.start,
        copyFrom: v.copyFrom,
        extraGroups: v.extraGroups ?? [],
        extraLicenses: v.extraLicenses ?? [],
        sharedMailboxes: v.sharedMailboxes ?? [],
        deviceSerial: v.deviceSerial,
        personalEmail: v.personalEmail,
        personalPhone: v.personalPhone,
        ticket: v.ticket,
        requester: v.requester,
        notes: v.notes,
        customFields: v.customFields ?? {},
        approval: client.approval.onboarding,
        allowDuplicate: v.allowDuplicate === true ? true : undefined,
      }),
    ),
});

/** Validates a form, API or CLI body for one client. Never throws: bad input comes back as field errors. */
export function validateOnboarding(
  input: unknown,
  client: ClientConfig,
  now: Date,
): Result<OnboardingRequest> {
  return validateForm(onboardingForm, input, { client, now });
}

/** A body that validates back to `request` (for the same client and moment): for re-submitting or editing. */
export function toOnboardingInput(request: OnboardingRequest): Record<string, unknown> {
  const {
    kind: _kind,
    clientId,
    startAt,
    startLocal: _local,
    startNow,
    timeZone: _zone,
    approval: _approval,
    ...fields
  } = request;
  return { ...fields, client: clientId, start: startNow ? "now" : startAt };
}

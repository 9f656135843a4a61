import { z } from "zod";
import type { ClientConfig } from "../domain/client.ts";
import { emailAddress, singleLine, skuPartNumber, multiLine } from "../domain/fields.ts";
import { failAll, fromZod, ok, type FieldError, type Result } from "../domain/result.ts";
import { usernameProblem } from "../domain/username.ts";
import {
  cleanInput,
  compact,
  distinctList,
  e164Phone,
  inClientDomains,
  personName,
  requester,
  ticketRef,
  usernameOverride,
  clientField,
} from "./fields.ts";
import { startTimeField, type StartTime } from "./start-time.ts";

export type ApprovalPolicy = ClientConfig["approval"]["onboarding"];

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
  /** A key of the client's `licensesByRole`. */
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
};

function onboardingSchema(client: ClientConfig, now: Date) {
  const inTenant = inClientDomains(client);
  const roles = Object.keys(client.licensesByRole);
  const customKeys = new Set(client.customFields.map((f) => f.key));
  return z.strictObject({
    client: clientField(client),
    firstName: personName,
    lastName: personName,
    middleName: personName.optional(),
    displayName: singleLine(256).optional(),
    domain: z
      .string()
      .trim()
      .toLowerCase()
      .refine((d) => client.domains.includes(d), {
        error: `must be one of the client's domains: ${client.domains.join(", ")}`,
      })
      .optional(),
    username: usernameOverride.optional(),
    manager: inTenant.optional(),
    department: singleLine(128).optional(),
    jobTitle: singleLine(128).optional(),
    role: z
      .string()
      .refine((r) => roles.includes(r), {
        error: roles.length
          ? `must be one of the client's roles: ${roles.join(", ")}`
          : "cannot be set: this client has no roles configured",
      })
      .optional(),
    office: singleLine(128).optional(),
    employeeId: singleLine(64).optional(),
    start: startTimeField(client.timeZone, now),
    copyFrom: inTenant.optional(),
    extraGroups: distinctList(singleLine(256), 100).optional(),
    extraLicenses: distinctList(skuPartNumber, 50).optional(),
    sharedMailboxes: distinctList(inTenant, 100).optional(),
    deviceSerial: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: "must be a serial number: letters, digits . _ -" })
      .optional(),
    personalEmail: emailAddress.optional(),
    personalPhone: e164Phone.optional(),
    ticket: ticketRef.optional(),
    requester,
    notes: multiLine(4000).optional(),
    customFields: z
      .record(z.string(), singleLine(2000))
      .superRefine((fields, ctx) => {
        for (const key of Object.keys(fields)) {
          if (!customKeys.has(key))
            ctx.addIssue({ code: "custom", path: [key], message: "is not a field this client defines" });
        }
      })
      .optional(),
  });
}

type Parsed = z.output<ReturnType<typeof onboardingSchema>>;

/** Rules that span fields, checked once every field is well formed on its own. */
function crossFieldErrors(v: Parsed, client: ClientConfig): FieldError[] {
  const errors: FieldError[] = [];
  if (v.username === undefined) {
    const person = { firstName: v.firstName, lastName: v.lastName, middleName: v.middleName };
    const problem = usernameProblem(person, client.usernameFormat, client.transliteration);
    if (problem) errors.push(problem);
  }
  for (const field of client.customFields) {
    if (field.required && v.customFields?.[field.key] === undefined) {
      errors.push({ field: `customFields.${field.key}`, message: `is required (${field.label})` });
    }
  }
  if (client.approval.onboarding === "manager" && v.manager === undefined) {
    errors.push({
      field: "manager",
      message: "is required: this client's onboardings are approved by the manager",
    });
  }
  return errors;
}

/** Validates a form, API or CLI body for one client. Never throws: bad input comes back as field errors. */
export function validateOnboarding(
  input: unknown,
  client: ClientConfig,
  now: Date,
): Result<OnboardingRequest> {
  const parsed = onboardingSchema(client, now).safeParse(cleanInput(input), { reportInput: true });
  if (!parsed.success) return failAll(fromZod(parsed.error));
  const v = parsed.data;
  const errors = crossFieldErrors(v, client);
  if (errors.length) return failAll(errors);
  return ok(
    compact({
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
    }),
  );
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

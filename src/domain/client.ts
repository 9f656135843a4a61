import { IANAZone } from "luxon";
import { z } from "zod";
import { domainName, emailAddress, singleLine, skuPartNumber } from "./fields.ts";
import { enabledMailboxOptions, offboardingActionsSchema } from "./offboarding-actions.ts";
import { parseWith, type Result } from "./result.ts";
import { parseUsernamePattern } from "./username-pattern.ts";
import { isRegionCode } from "./region.ts";
import { templateProblem } from "./liquid-template.ts";
import { approvalPolicySchema } from "./approval.ts";

const slug = (what: string) =>
  z.string().regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, {
    error: `must be a ${what}: lowercase letters, digits and inner hyphens`,
  });

/** A map key as typed in a config file: no surrounding spaces, which would make lookups miss silently. */
const mapKey = z
  .string()
  .min(1)
  .max(100)
  .regex(/^\S(?:.*\S)?$/, { error: "must not start or end with spaces" });

const timeZone = z
  .string()
  .trim()
  .refine((zone) => IANAZone.isValidZone(zone), {
    error: 'must be an IANA time zone such as "Europe/Berlin"',
  })
  // IANA names match case-insensitively; keep the canonical spelling so logs and forms read right.
  .transform((zone) => new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone);

const usernameFormat = z.strictObject({
  pattern: z
    .string()
    .max(100)
    .superRefine((pattern, ctx) => {
      const parsed = parseUsernamePattern(pattern);
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
    })
    .default("{first}.{last}"),
  // Falls back to numeric suffixes when there is no middle name or the middle-initial form is taken too.
  collision: z.enum(["numeric-suffix", "middle-initial"]).default("numeric-suffix"),
});

// A reference into the credential store: short and without the characters secrets are made of, so a
// pasted client secret ("abc8Q~…", base64 with "=" or "+") is refused rather than stored in the config.
export const credentialRef = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, {
  error: "must be a credential reference id (the secret itself belongs in the credential store)",
});

const apiLimit = z.strictObject({
  concurrency: z.int().min(1).max(1000),
  ratePerSecond: z.number().positive().max(10_000),
  // Slots above `concurrency` (and tokens to borrow) for urgent steps only; the engine's default if absent.
  prioritySlots: z.int().min(0).max(100).optional(),
});

const customField = z.strictObject({
  key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, {
    error: "must start with a letter and hold only letters, digits and underscores",
  }),
  label: singleLine(200),
  required: z.boolean().default(false),
});

/** A name the client gives one of its systems ("entra", "onprem-ad", "halo"): what plans and limits say. */
const systemName = slug("system name").max(40);

/**
 * One system of the client: which connector speaks to it, the credential it uses and its rate limits.
 * The rest of the section is the connector's own configuration, validated by that connector's schema when
 * the client is saved (composition knows the connectors; the domain names none).
 */
const systemConfig = z.looseObject({
  connector: slug("connector id").max(40),
  credential: credentialRef.optional(),
  limits: apiLimit.optional(),
});
export type SystemConfig = z.output<typeof systemConfig>;

/** The identity steps' choices: groups every new user joins, the first sign-in, and what a leaver keeps. */
const identityChoices = z.strictObject({
  // Groups every new user joins so MFA registration and the conditional-access policies scoped by group
  // apply from the first sign-in (policies target groups; Lifecycle never edits a policy).
  mfaRegistrationGroup: singleLine(256).optional(),
  conditionalAccessGroups: z.array(singleLine(256)).max(50).default([]),
  temporaryAccessPass: z
    .strictObject({
      enabled: z.boolean().default(true),
      lifetimeInMinutes: z.int().min(10).max(43_200).default(480),
      isUsableOnce: z.boolean().default(true),
    })
    .prefault({}),
  /**
   * The password a new account is created with. "unknowable": random and known to nobody (the first
   * sign-in goes by the Temporary Access Pass). "vault": derived for the run from the master key, stored
   * once in the client's documentation vault linked to the person, and changed at the first sign-in; it is
   * never kept by Lifecycle, so a client without documentation gets a password nobody can read either.
   */
  initialPassword: z.enum(["unknowable", "vault"]).default("unknowable"),
  /** Groups a leaver may stay in (e.g. "Former employees"); verification does not count them. */
  groupsKeptAtOffboarding: z.array(singleLine(256)).max(50).default([]),
});

const mailChoices = z.strictObject({
  /** The mailbox welcome emails and supervisor notices are sent from. */
  sendMailFrom: emailAddress.optional(),
  /** Liquid template of the email signature; variables: `user` and the client's `variables` by name. */
  signatureTemplate: z
    .string()
    .trim()
    .min(1)
    .max(20_000)
    .superRefine((template, ctx) => {
      const problem = templateProblem(template);
      if (problem) ctx.addIssue({ code: "custom", message: `is not a valid Liquid template: ${problem}` });
    })
    .optional(),
});

/** What the run tells its PSA ticket beyond the plan, the moments a person is needed and the final log. */
const ticketTrailChoices = z.strictObject({
  /** A note for every step as it ends, for MSPs whose auditors want each on its own. */
  notePerAction: z.boolean().default(false),
});

const licensingChoices = z.strictObject({
  /** No free seat of a SKU: fail at once, naming the SKU, or wait (up to a day) for one. */
  whenNoSeat: z.enum(["fail", "wait"]).default("fail"),
});

/**
 * How the pre-flight reads judge a request before anything is stored. A department or role the client's
 * maps do not name gets no groups or licences from them: an error unless the client says a warning will do.
 */
const preflightChoices = z.strictObject({
  unknownDepartment: z.enum(["error", "warning"]).default("error"),
  unknownRole: z.enum(["error", "warning"]).default("error"),
});

/**
 * What the dashboard counts as time saved: minutes a person would have spent on each step Lifecycle did
 * for them (a step that succeeded). Each MSP measures its own: `perAction` names the steps that take
 * longer or shorter by hand (a mailbox conversion, a licence hunt) by catalogue name; the rest count
 * `minutesPerStep`. Optional: without it every step counts the default.
 */
export const defaultMinutesPerStep = 5;
const actionTypeKey = z
  .string()
  .regex(/^[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+$/, {
    error: 'must be an action type such as "mail.convert-to-shared"',
  })
  .max(100);
const impactChoices = z.strictObject({
  minutesPerStep: z.number().min(0).max(1440).default(defaultMinutesPerStep),
  perAction: z.record(actionTypeKey, z.number().min(0).max(1440)).optional(),
});
export type ImpactSettings = z.output<typeof impactChoices>;

export const clientConfigSchema = z
  .strictObject({
    id: slug("client id").min(2).max(40),
    displayName: singleLine(200),
    // The first domain is the default for new users.
    domains: z.array(domainName).min(1).max(100),
    timeZone,
    usernameFormat: usernameFormat.prefault({}),
    transliteration: z.strictObject({ umlauts: z.enum(["expand", "strip"]).default("expand") }).prefault({}),
    /** Emoji and other pictographs in a person's name: refused as a field error, or stripped. */
    names: z.strictObject({ pictographs: z.enum(["refuse", "strip"]).default("refuse") }).prefault({}),
    usageLocation: z
      .string()
      .trim()
      .toUpperCase()
      .refine(isRegionCode, { error: 'must be an ISO 3166-1 alpha-2 country code such as "DE"' }),
    licensesByRole: z.record(mapKey, z.array(skuPartNumber)).default({}),
    groupsByDepartment: z.record(mapKey, z.array(singleLine(256))).default({}),
    approval: z
      .strictObject({
        /** Who approves: "none", "manager", "technician" (staff), or `{ approvers: [...] }` (domain/approval.ts). */
        onboarding: approvalPolicySchema.default("none"),
        offboarding: approvalPolicySchema.default("none"),
        /** How long an approval (and its mailed links) stays open, from the run's start or its submission. */
        expiresAfterHours: z.int().min(1).max(720).default(72),
      })
      .prefault({}),
    /** The client's systems by the name the client gives them; each names its connector. */
    systems: z.record(systemName, systemConfig).default({}),
    /**
     * Which system serves a port when more than one could (a hybrid client: AD for identity, Entra for
     * licences and mail). Ports with a single provider need no entry.
     */
    serve: z
      .record(z.string().regex(/^[a-z][A-Za-z]{1,39}$/, { error: "must be a port name" }), systemName)
      .default({}),
    identity: identityChoices.prefault({}),
    mail: mailChoices.prefault({}),
    /** Who arranges a new hire's first day: the welcome email with the sign-in details goes here. */
    hrContacts: z.array(emailAddress).max(20).default([]),
    licensing: licensingChoices.prefault({}),
    ticketTrail: ticketTrailChoices.prefault({}),
    preflight: preflightChoices.prefault({}),
    /** Time saved per automated step, for the dashboard's impact figures (see impactChoices). */
    impact: impactChoices.optional(),
    variables: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be a template variable name" }),
        z.string(),
      )
      .default({}),
    offboardingDefaults: offboardingActionsSchema.prefault({}),
    customFields: z.array(customField).max(50).default([]),
  })
  .superRefine((config, ctx) => {
    for (const [field, values] of [
      ["domains", config.domains],
      ["customFields", config.customFields.map((f) => f.key)],
      ["hrContacts", config.hrContacts],
    ] as const) {
      const dup = values.find((v, i) => values.indexOf(v) !== i);
      if (dup !== undefined) ctx.addIssue({ code: "custom", path: [field], message: `lists "${dup}" twice` });
    }
    for (const [port, system] of Object.entries(config.serve)) {
      if (!Object.hasOwn(config.systems, system))
        ctx.addIssue({
          code: "custom",
          path: ["serve", port],
          message: `names "${system}", which is not one of the client's systems`,
        });
    }
    const defaults = config.offboardingDefaults;
    if (defaults.deleteUser) {
      for (const key of enabledMailboxOptions(defaults)) {
        ctx.addIssue({
          code: "custom",
          path: ["offboardingDefaults", key],
          message: "cannot be a default together with deleteUser: deleting the user deletes the mailbox",
        });
      }
    }
  });

/** A client's configuration with every default filled in. */
export type ClientConfig = z.infer<typeof clientConfigSchema>;
/** What a config file may contain: defaulted fields optional. */
export type ClientConfigInput = z.input<typeof clientConfigSchema>;

export function parseClientConfig(input: unknown): Result<ClientConfig> {
  return parseWith(clientConfigSchema, input, "config");
}

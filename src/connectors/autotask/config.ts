import { z } from "zod";
import { ticketPhases } from "../../ports/index.ts";

/** The credential kind of an Autotask API-only user, as the credential store seals it. */
export const autotaskApiUserKind = "autotask-api-user";

/**
 * An API-only user (Admin > Resources): its user name (an email-like name), its secret, and the
 * integration's tracking identifier, sent as ApiIntegrationCode on every call.
 */
export const autotaskApiUser = z.strictObject({
  userName: z.string().trim().min(1, { error: "must be the API user's user name" }),
  secret: z.string().min(1, { error: "must not be empty" }),
  integrationCode: z.string().trim().min(1, { error: "must be the integration's tracking identifier" }),
});
export type AutotaskApiUser = z.infer<typeof autotaskApiUser>;

const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** https, or plain http to this machine only (the emulator): the secret travels in a header. */
export function isHttpsOrLoopback(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === "https:" || (url.protocol === "http:" && loopback.has(url.hostname));
}

export const httpsOrLoopbackUrl = z
  .string()
  .refine(isHttpsOrLoopback, { error: "must be an https URL (or http on 127.0.0.1 for the emulator)" });

/** Where every Autotask integration asks which zone (webservicesN) a user's database lives in. */
export const defaultZoneDiscoveryUrl = "https://webservices.autotask.net/atservicesrest/v1.0/zoneInformation";

const id = z.int().positive();
/**
 * A picklist value of the client's Autotask instance (statuses, queues, priorities, note types …): the
 * value itself, or its label as Autotask shows it ("Onboarding & Offboarding"). Either is checked against
 * the instance's own picklist (entityInformation/fields) before it is used.
 */
const picklistValue = z.union([
  z.int(),
  z.string().trim().min(1, { error: "must be a picklist value or its label" }),
]);
export type PicklistRef = z.output<typeof picklistValue>;

/**
 * One client's section: where in the MSP's Autotask this client's contacts and tickets live, and the
 * picklist values the MSP uses. What the reference marks [unconfirmed] (status 1/5, the internal `publish`
 * value, how a suspended threshold answers) is a setting here, with the documented convention as default
 * where one exists and no default where a wrong guess would show a note to the customer. A value the
 * instance's picklist does not have fails the first ticket call with PSA_CONFIG_VALUE_UNKNOWN, naming it.
 */
export const autotaskConfig = z.strictObject({
  /** Zone discovery; the emulator's own for tests and the demo. */
  zoneDiscoveryUrl: httpsOrLoopbackUrl.default(defaultZoneDiscoveryUrl),
  /** The client's company (Autotask's Companies entity; "Account" in older versions). */
  companyID: id,
  /** The company's location (site) new contacts and tickets are put at, when the client has several. */
  companyLocationID: id.optional(),
  /** Where tickets Lifecycle opens go. */
  queueID: picklistValue,
  priority: picklistValue,
  ticketType: picklistValue.optional(),
  statuses: z
    .strictObject({
      /** A ticket Lifecycle opens starts with it: 1 "New" by convention [unconfirmed]. */
      new: picklistValue.default(1),
      /** Statuses that mean done (notes may no longer be welcome): 5 "Complete" by convention [unconfirmed]. */
      closed: z.array(picklistValue).min(1).default([5]),
      /** The status a run's phase sets; a phase left out leaves the ticket's status alone. */
      phases: z.partialRecord(z.enum(ticketPhases), picklistValue).default({ completed: 5 }),
    })
    .default({ new: 1, closed: [5], phases: { completed: 5 } }),
  notes: z.strictObject({
    /** TicketNotes.noteType picklist value (the instance's note types). */
    noteType: picklistValue.default(1),
    /**
     * TicketNotes.publish value that keeps a note internal (never customer-visible). The numeric values
     * are instance picklist values [unconfirmed]: read /V1.0/TicketNotes/entityInformation/fields. No
     * default: a wrong one would publish Lifecycle's notes to the customer.
     */
    publish: picklistValue,
    /** Some instances require titles on ticket notes ("Require titles on ticket notes"). */
    title: z.string().min(1).max(250).default("Lifecycle"),
  }),
  throttling: z
    .strictObject({
      /**
       * The HTTP status Autotask answers when the hourly threshold suspends the database's API access;
       * not documented [unconfirmed]. 429 is also what a thread-limit refusal is treated as.
       */
      suspendedStatus: z.int().min(400).max(599).default(429),
      /** A suspension lasts until the rolling hour's usage drops: the engine waits this long, holding no worker. */
      suspendedRetryAfterMs: z.int().min(1_000).max(3_600_000).default(300_000),
    })
    .default({ suspendedStatus: 429, suspendedRetryAfterMs: 300_000 }),
  /** Records per query page (Autotask's MaxRecords, 1..500). */
  pageSize: z.int().min(1).max(500).default(500),
});
export type AutotaskConfig = z.infer<typeof autotaskConfig>;

import { z } from "zod";
import { ticketPhases } from "../../ports/psa.ts";

/** The credential kind the credential store seals for a ConnectWise PSA API member's keys. */
export const connectwiseKeyKind = "connectwise-api-key";

/**
 * An API member's key pair with the company it signs in to, and the integration's clientId (a GUID from
 * developer.connectwise.com, sent on every call). Reference §2 "Auth & base URL".
 */
export const connectwiseCredential = z.strictObject({
  /** The login company ("company id" on the sign-in page), e.g. "globexmsp": not a company record id. */
  companyId: z
    .string()
    .trim()
    .min(1, { error: "must be the company id you sign in to ConnectWise with" })
    .refine((s) => !/[+:\s]/.test(s), { error: "must not contain '+', ':' or spaces" }),
  publicKey: z.string().min(1, { error: "must not be empty" }),
  privateKey: z.string().min(1, { error: "must not be empty" }),
  clientId: z.guid({ error: "must be the integration's clientId from developer.connectwise.com, a GUID" }),
});
export type ConnectwiseCredential = z.output<typeof connectwiseCredential>;

const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * The API host: https, or plain http on loopback (the emulator). Cloud hosts must be the api- ones; a UI
 * host answers {"code":"Security","message":"SSL is required."} to every call (reference §2).
 */
export const connectwiseSite = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .refine((s) => new URL(s).protocol === "https:" || loopback.has(new URL(s).hostname), {
    error: "must be https (plain http only on 127.0.0.1, for the emulator)",
  })
  .refine(
    (s) => {
      const host = new URL(s).hostname;
      return !/\.myconnectwise\.net$/i.test(host) || /^api-/i.test(host);
    },
    { error: "a ConnectWise cloud host must be its api- host, e.g. https://api-na.myconnectwise.net" },
  )
  .transform((s) => s.replace(/\/+$/, ""));

/** A status by its id, or by its name on the ticket's board (looked up once per board). */
const statusRef = z.union([
  z.int().positive(),
  z.string().trim().min(1, { error: "must name a status of the board" }),
]);
export type StatusRef = z.output<typeof statusRef>;

const phaseStatuses = z.strictObject(
  Object.fromEntries(ticketPhases.map((p) => [p, statusRef.optional()])) as Record<
    (typeof ticketPhases)[number],
    z.ZodOptional<typeof statusRef>
  >,
);

/** A communication type by its id, or by its name (description) among the site's types. */
const communicationTypeRef = z.union([
  z.int().positive(),
  z.string().trim().min(1, { error: "must name a communication type of the site" }),
]);
export type CommunicationTypeRef = z.output<typeof communicationTypeRef>;

/**
 * Where a ticket opens in Manage's web UI. The reference documents no pattern [unconfirmed], so this is a
 * setting; the default is Manage's ConnectWise.aspx deep link to a service ticket.
 */
export const defaultTicketUrl =
  "{site}/{codebase}ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid={id}&companyName={company}";

/** A link template: {id} in it, no other placeholder than these, and an http(s) URL once filled in. */
const ticketUrlTemplate = z
  .string()
  .includes("{id}", { error: 'must contain "{id}"' })
  .refine((t) => !/\{(?!(site|codebase|company|id)\})[^}]*\}/.test(t), {
    error: "may use only {site}, {codebase}, {company} and {id}",
  })
  .refine(
    (t) => {
      const filled = t.replace("{site}", "https://site.example").replace(/\{\w+\}/g, "1");
      return URL.canParse(filled) && /^https?:$/.test(new URL(filled).protocol);
    },
    { error: "must be an http(s) URL once filled in" },
  );

/** The client's section of `systems.<name>` for this connector (besides connector, credential, limits). */
export const connectwiseConfig = z.strictObject({
  /** https://api-na.myconnectwise.net, an on-premises host, or the emulator. */
  site: connectwiseSite,
  /** "v2025_1/", "v4_6_release/" …; when absent, discovered from /login/companyinfo/{companyId}. */
  codebase: z
    .string()
    .regex(/^[A-Za-z0-9_.]+\/$/, { error: 'must be the codebase with its trailing slash, e.g. "v2025_1/"' })
    .optional(),
  /** The models to speak (Accept: application/vnd.connectwise.com+json; version=…): pinned, not "latest". */
  apiVersion: z
    .string()
    .regex(/^\d{4}\.\d{1,2}$/, { error: 'must be a release such as "2025.1"' })
    .default("2025.1"),
  /** The client's company record id (company/id), which contacts and tickets belong to. */
  companyId: z.int().positive(),
  /** The client's site (company/site) new contacts are placed at, when the client has several. */
  siteId: z.int().positive().optional(),
  /** The service board tickets are opened on. */
  boardId: z.int().positive(),
  /** The status a new ticket starts in; the board's default when absent. */
  openStatus: statusRef.optional(),
  /** The status each phase of a run sets, by id or name; a phase left out leaves the status alone. */
  statuses: phaseStatuses.default({}),
  /**
   * The communication type (GET /company/communicationTypes) of "Email": instance data, and no default
   * id is documented (reference §11), so it is a setting; 1 is what the reference's example body uses.
   */
  emailCommunicationTypeId: z.int().positive().default(1),
  /**
   * The communication type a new contact's phone number is filed under (communicationType "Phone"): by
   * id, or by name among the site's types (GET /company/communicationTypes, one with phoneFlag), looked
   * up once. Instance data with no documented id; "Direct", Manage's direct-line type, by default.
   */
  phoneCommunicationType: communicationTypeRef.default("Direct"),
  /**
   * A ticket's link for people: {site} (the API host without its "api-" prefix, where the UI is),
   * {codebase}, {company} (the login company) and {id} are filled in; false for no link.
   */
  ticketUrl: z.union([z.literal(false), ticketUrlTemplate]).default(defaultTicketUrl),
  /** Records per page when listing (the vendor's maximum is 1,000). */
  pageSize: z.int().min(1).max(1000).default(1000),
});
export type ConnectwiseConfig = z.output<typeof connectwiseConfig>;

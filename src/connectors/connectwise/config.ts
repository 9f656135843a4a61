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
  /** The communication type of a phone number; without it a new contact gets no phone. */
  phoneCommunicationTypeId: z.int().positive().optional(),
  /** Records per page when listing (the vendor's maximum is 1,000). */
  pageSize: z.int().min(1).max(1000).default(1000),
});
export type ConnectwiseConfig = z.output<typeof connectwiseConfig>;

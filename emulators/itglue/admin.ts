import { z } from "zod";
import { AdminError, KitAdmin, parseInput } from "../kit/admin.ts";
import { startStormFrom, type StormInput } from "../kit/storm-input.ts";
import { applyLatencyInput } from "../kit/latency.ts";
import { contactView, passwordView } from "./records.ts";
import { latencyClasses, latencyProfiles, profileNames, type Settings } from "./settings.ts";
import { emptyData, isoNow, type Api, type CallExtra, type ItglueContext } from "./state.ts";

/** Every status fault this emulator renders in IT Glue's JSON:API envelope. */
export const faultStatuses = [400, 401, 403, 404, 409, 415, 422, 429, 500, 502, 503, 504] as const;

const id = z.int().positive();
const text = z.string();
const labelled = z.strictObject({
  value: text.min(1),
  primary: z.boolean().default(false),
  labelName: text.default("Work"),
});

export const keySeed = z.strictObject({
  key: text.min(1),
  name: text.default("API key"),
  passwordAccess: z.boolean().default(true),
});
export const organizationSeed = z.strictObject({
  id: id.optional(),
  name: text.min(1),
  shortName: text.default(""),
});
export const contactTypeSeed = z.strictObject({ id: id.optional(), name: text.min(1) });
export const contactSeed = z.strictObject({
  id: id.optional(),
  organizationId: id,
  firstName: text.min(1),
  lastName: text.default(""),
  title: text.default(""),
  contactTypeId: id.nullable().default(null),
  notes: text.default(""),
  /** The first address is the primary Work one unless `emails` says otherwise. */
  email: text.optional(),
  emails: z.array(labelled).optional(),
  phones: z.array(labelled).default([]),
  /** Synced from a PSA ("psa-integration-type", e.g. "manage"): PATCH then answers 422. */
  psa: z.strictObject({ id: text.min(1), integrationType: text.min(1) }).optional(),
});
export const passwordSeed = z.strictObject({
  id: id.optional(),
  organizationId: id,
  name: text.min(1),
  username: text.default(""),
  password: text.default(""),
  url: text.default(""),
  notes: text.default(""),
  contactId: id.optional(),
  archived: z.boolean().default(false),
});

export type KeySeed = z.input<typeof keySeed>;
export type OrganizationSeed = z.input<typeof organizationSeed>;
export type ContactTypeSeed = z.input<typeof contactTypeSeed>;
export type ContactSeed = z.input<typeof contactSeed>;
export type PasswordSeed = z.input<typeof passwordSeed>;
export type { StormInput };

const settingsInput = z.strictObject({
  profile: z.enum(profileNames).optional(),
  latency: z
    .partialRecord(
      z.enum(latencyClasses),
      z.strictObject({ meanMs: z.number().min(0), jitter: z.number().min(0).max(1) }),
    )
    .optional(),
  rateLimit: z.strictObject({ requests: z.int().positive(), windowMs: z.int().positive() }).optional(),
  retryAfterOn429: z.boolean().optional(),
  maxPageSize: z.int().positive().optional(),
  defaultPageSize: z.int().positive().optional(),
  requireJsonApiMediaType: z.boolean().optional(),
  showPasswords: z.boolean().optional(),
  passwordsArchivable: z.boolean().optional(),
  passwordListIncludesArchived: z.boolean().optional(),
  embeddableResourceTypes: z.array(text.min(1)).optional(),
  psaSyncedReadOnly: z.boolean().optional(),
});

const nextId = (wanted: number | undefined, next: number) => wanted ?? next;

/** The IT Glue emulator's control panel: keys, organisations, contact types, contacts, passwords. */
export class ItglueAdmin extends KitAdmin<Api, CallExtra, Settings> {
  constructor(private readonly ctx: ItglueContext) {
    super(ctx, {
      faultStatuses,
      // One IT Glue account: faults match by the name of the API key a request carries.
      tenantId: (ref) => {
        if (![...ctx.data.keys.values()].some((k) => k.name === ref))
          throw new AdminError(404, `no API key named ${ref}`);
        return ref;
      },
    });
  }

  settings(): Settings {
    return structuredClone(this.ctx.settings);
  }

  configure(input: unknown): Settings {
    const s = parseInput(settingsInput, input);
    const settings = this.ctx.settings;
    applyLatencyInput(settings, s, latencyClasses, latencyProfiles);
    if (s.rateLimit !== undefined) {
      settings.rateLimit = s.rateLimit;
      this.ctx.buckets.reset();
    }
    const { profile: _p, latency: _l, rateLimit: _r, ...flags } = s;
    Object.assign(settings, Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)));
    return this.settings();
  }

  reset(): void {
    this.resetKit();
    this.ctx.data = emptyData();
    this.ctx.buckets.reset();
  }

  addApiKey(input: KeySeed) {
    const k = parseInput(keySeed, input);
    this.ctx.data.keys.set(k.key, k);
    return { name: k.name, passwordAccess: k.passwordAccess };
  }

  /** Revokes a key: every later call with it answers 401. */
  revokeApiKey(name: string): void {
    for (const [key, rec] of this.ctx.data.keys) if (rec.name === name) this.ctx.data.keys.delete(key);
  }

  createOrganization(input: OrganizationSeed) {
    const o = parseInput(organizationSeed, input);
    const d = this.ctx.data;
    const orgId = nextId(o.id, d.next.organization);
    d.next.organization = Math.max(d.next.organization, orgId + 1);
    const now = isoNow(this.ctx);
    const org = { id: orgId, name: o.name, shortName: o.shortName, createdAt: now, updatedAt: now };
    d.organizations.set(org.id, org);
    return org;
  }

  createContactType(input: ContactTypeSeed) {
    const t = parseInput(contactTypeSeed, input);
    const d = this.ctx.data;
    const typeId = nextId(t.id, d.next.contactType);
    d.next.contactType = Math.max(d.next.contactType, typeId + 1);
    const type = { id: typeId, name: t.name };
    d.contactTypes.set(type.id, type);
    return type;
  }

  contactTypes() {
    return [...this.ctx.data.contactTypes.values()];
  }

  createContact(input: ContactSeed) {
    const c = parseInput(contactSeed, input);
    const d = this.ctx.data;
    if (!d.organizations.has(c.organizationId))
      throw new AdminError(404, `no organization ${c.organizationId}`);
    if (c.contactTypeId !== null && !d.contactTypes.has(c.contactTypeId))
      throw new AdminError(404, `no contact type ${c.contactTypeId}`);
    const contactId = nextId(c.id, d.next.contact);
    d.next.contact = Math.max(d.next.contact, contactId + 1);
    const now = isoNow(this.ctx);
    const emails = c.emails ?? (c.email ? [{ value: c.email, primary: true, labelName: "Work" }] : []);
    const contact = {
      id: contactId,
      organizationId: c.organizationId,
      firstName: c.firstName,
      lastName: c.lastName,
      title: c.title,
      contactTypeId: c.contactTypeId,
      important: false,
      notes: c.notes,
      emails,
      phones: c.phones,
      psaId: c.psa?.id ?? null,
      psaIntegrationType: c.psa?.integrationType ?? null,
      createdAt: now,
      updatedAt: now,
    };
    d.contacts.set(contact.id, contact);
    return contactView(this.ctx, contact);
  }

  /** Contacts as the API shows them (JSON:API resources), of one organisation or all. */
  contacts(organizationId?: number) {
    return [...this.ctx.data.contacts.values()]
      .filter((c) => organizationId === undefined || c.organizationId === organizationId)
      .map((c) => contactView(this.ctx, c));
  }

  contact(contactId: number) {
    const c = this.ctx.data.contacts.get(contactId);
    if (!c) throw new AdminError(404, `no contact ${contactId}`);
    return contactView(this.ctx, c);
  }

  /** Marks a contact as synced from a PSA: IT Glue then refuses to PATCH it (422). */
  syncFromPsa(contactId: number, psa: { id: string; integrationType: string }): void {
    const c = this.ctx.data.contacts.get(contactId);
    if (!c) throw new AdminError(404, `no contact ${contactId}`);
    c.psaId = psa.id;
    c.psaIntegrationType = psa.integrationType;
  }

  createPassword(input: PasswordSeed) {
    const p = parseInput(passwordSeed, input);
    const d = this.ctx.data;
    if (!d.organizations.has(p.organizationId))
      throw new AdminError(404, `no organization ${p.organizationId}`);
    if (p.contactId !== undefined && d.contacts.get(p.contactId)?.organizationId !== p.organizationId)
      throw new AdminError(404, `no contact ${p.contactId} in organization ${p.organizationId}`);
    const passwordId = nextId(p.id, d.next.password);
    d.next.password = Math.max(d.next.password, passwordId + 1);
    const now = isoNow(this.ctx);
    const password = {
      id: passwordId,
      organizationId: p.organizationId,
      name: p.name,
      username: p.username,
      password: p.password,
      url: p.url,
      notes: p.notes,
      categoryId: null,
      folderId: null,
      resourceId: p.contactId ?? null,
      resourceType: p.contactId !== undefined ? "Contact" : null,
      archived: p.archived,
      createdAt: now,
      updatedAt: now,
    };
    d.passwords.set(password.id, password);
    return passwordView(this.ctx, password);
  }

  /** Passwords as the API shows them, never with their value. */
  passwords(organizationId?: number) {
    return [...this.ctx.data.passwords.values()]
      .filter((p) => organizationId === undefined || p.organizationId === organizationId)
      .map((p) => passwordView(this.ctx, p));
  }

  password(passwordId: number) {
    const p = this.ctx.data.passwords.get(passwordId);
    if (!p) throw new AdminError(404, `no password ${passwordId}`);
    return passwordView(this.ctx, p);
  }

  /** The stored value, in-process only (no admin route serves it): what a test compares, never prints. */
  secretOf(passwordId: number): string {
    const p = this.ctx.data.passwords.get(passwordId);
    if (!p) throw new AdminError(404, `no password ${passwordId}`);
    return p.password;
  }

  /** Deletes a password, as someone in IT Glue's UI would. */
  deletePassword(passwordId: number): void {
    this.ctx.data.passwords.delete(passwordId);
  }

  deleteContact(contactId: number): void {
    this.ctx.data.contacts.delete(contactId);
  }

  /** Empties the key's request budget; it refills at the normal rate. */
  exhaustRateLimit(keyName: string): void {
    this.ctx.buckets.exhaust(keyName, this.ctx.clock.now());
  }

  /** Every request of the key answers 429 for a while, with this Retry-After (or the time left). */
  startThrottleStorm(keyName: string, input: StormInput): void {
    startStormFrom(this.ctx.buckets, keyName, this.ctx.clock.now(), input);
  }

  stopThrottleStorm(keyName: string): void {
    this.ctx.buckets.stopStorm(keyName);
  }
}

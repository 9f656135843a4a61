import { LifecycleError } from "../../domain/errors.ts";
import type {
  Docs,
  DocsCredential,
  DocsPerson,
  NewDocsCredential,
  NewDocsPerson,
} from "../../ports/index.ts";
import type { ItglueClient } from "./client.ts";
import type { ItglueConfig } from "./config.ts";
import {
  contactResource,
  document,
  passwordResource,
  type ContactResource,
  type PasswordResource,
} from "./jsonapi.ts";

/**
 * The line that marks a record as gone where IT Glue has no field for it: a contact when the client's
 * config names no "former" contact type, a password when the vault cannot archive. Compared whole, line
 * by line, so a note that merely mentions it does not count.
 */
export const retiredMarker = "Lifecycle: retired";
export const credentialRetiredMarker = "Lifecycle: no longer in use";

const hasLine = (notes: string | null | undefined, line: string) =>
  (notes ?? "").split(/\r?\n/).some((l) => l.trim() === line);

/** `notes` with `addition` after a blank line; IT Glue keeps notes as one text. */
const appended = (notes: string | null | undefined, addition: string) =>
  notes?.trim() ? `${notes.replace(/\s+$/, "")}\n\n${addition}` : addition;

const same = (a: string | null | undefined, b: string) =>
  (a ?? "").trim().toLowerCase() === b.trim().toLowerCase();

/** IT Glue's ids are integers; anything else names nothing there. */
function itglueId(id: string, what: string): string {
  const trimmed = id.trim();
  if (!/^\d{1,18}$/.test(trimmed))
    throw new LifecycleError({
      kind: "not-found",
      code: "OBJECT_NOT_FOUND",
      message: `"${id}" is not an IT Glue ${what} id`,
    });
  return trimmed;
}

/**
 * The docs port over IT Glue, for one client's organisation (config.organizationId). A person is a
 * contact, found by `filter[primary_email]`; retiring moves it to `offboard.contactTypeId` (IT Glue has no
 * active flag) or, without one, writes `retiredMarker` into its notes. A credential is a password
 * embedded on the contact (`resource-id` + `resource-type`), found by name and that link; retiring
 * archives it, or notes it as no longer in use where the vault cannot archive.
 */
export function itglueDocs(client: ItglueClient, config: ItglueConfig): Docs {
  const org = String(config.organizationId);
  const ours = (r: { attributes: { "organization-id"?: number | null | undefined } }) =>
    r.attributes["organization-id"] === config.organizationId;

  const retired = (c: ContactResource) =>
    config.offboard.contactTypeId !== undefined
      ? c.attributes["contact-type-id"] === config.offboard.contactTypeId
      : hasLine(c.attributes.notes, retiredMarker);

  const personOf = (c: ContactResource, fallbackEmail?: string): DocsPerson => {
    const a = c.attributes;
    const emails = a["contact-emails"] ?? [];
    const email = (emails.find((e) => e.primary) ?? emails[0])?.value ?? fallbackEmail ?? "";
    return {
      id: c.id,
      name: a.name ?? [a["first-name"], a["last-name"]].filter(Boolean).join(" "),
      email,
      retired: retired(c),
      ...(config.contactUrl
        ? { url: config.contactUrl.replace("{organizationId}", org).replace("{id}", c.id) }
        : {}),
    };
  };

  const linkedTo = (p: PasswordResource, personId: string) =>
    String(p.attributes["resource-id"] ?? "") === personId &&
    same(p.attributes["resource-type"], config.passwords.resourceType);

  const credentialOf = (p: PasswordResource): DocsCredential => ({
    id: p.id,
    name: p.attributes.name,
    username: p.attributes.username ?? "",
    archived: p.attributes.archived === true || hasLine(p.attributes.notes, credentialRetiredMarker),
    ...(p.attributes.url ? { url: p.attributes.url } : {}),
  });

  /** The record if it is this organisation's; another client's is not this client's to change. */
  async function contact(id: string): Promise<ContactResource | undefined> {
    const found = await client.show(`/contacts/${id}`, "GET /contacts/{id}", contactResource);
    if (found && !ours(found))
      throw new LifecycleError({
        kind: "not-found",
        code: "OBJECT_NOT_FOUND",
        message: `IT Glue contact ${id} is not in organisation ${org}`,
      });
    return found;
  }

  return {
    vendor: "IT Glue",
    async findPerson(email) {
      const contacts = await client.list("/contacts", "GET /contacts", contactResource, {
        "filter[primary_email]": email.trim(),
        "filter[organization_id]": org,
      });
      // The filter's matching rules are not documented: the address and the organisation are checked here.
      const matching = contacts
        .filter(ours)
        .filter((c) => (c.attributes["contact-emails"] ?? []).some((e) => same(e.value, email)));
      const found = matching.find((c) => !retired(c)) ?? matching[0];
      return found && personOf(found);
    },

    async createPerson(person: NewDocsPerson) {
      const created = await client.write(
        {
          method: "POST",
          path: `/organizations/${org}/relationships/contacts`,
          call: "POST /organizations/{id}/relationships/contacts",
          body: document("contacts", {
            "first-name": person.firstName,
            "last-name": person.lastName,
            title: person.title || undefined,
            "contact-type-id": config.contactTypeId,
            notes: person.notes || undefined,
            "contact-emails": [{ value: person.email, primary: true, "label-name": "Work" }],
            "contact-phones": person.phone
              ? [{ value: person.phone, primary: true, "label-name": "Work" }]
              : undefined,
          }),
          // A lost answer may have created it: the step's retry plans again and finds it by email.
          once: true,
        },
        contactResource,
      );
      return personOf(created, person.email);
    },

    async retirePerson(personId, note) {
      const id = itglueId(personId, "contact");
      const current = await contact(id);
      // Deleted from the documentation: nothing is left to retire.
      if (!current || retired(current)) return;
      const type = config.offboard.contactTypeId;
      const kept = config.offboard.appendNotes ? note : undefined;
      const addition =
        type !== undefined ? kept : [kept, retiredMarker].filter((s) => s !== undefined).join("\n");
      await client.write(
        {
          method: "PATCH",
          path: `/contacts/${id}`,
          call: "PATCH /contacts/{id}",
          body: document(
            "contacts",
            {
              "contact-type-id": type,
              notes: addition !== undefined ? appended(current.attributes.notes, addition) : undefined,
            },
            id,
          ),
          once: false,
        },
        contactResource,
      );
    },

    async findCredential(personId, name) {
      const query = { "filter[organization_id]": org, "filter[name]": name };
      const pick = (list: PasswordResource[]) =>
        list.find((p) => ours(p) && p.attributes.name === name && linkedTo(p, personId.trim()));
      const listed = await client.list("/passwords", "GET /passwords", passwordResource, query);
      // Whether the index lists archived passwords unasked is not documented: asked for them apart.
      const found =
        pick(listed) ??
        pick(
          await client.list("/passwords", "GET /passwords", passwordResource, {
            ...query,
            "filter[archived]": "true",
          }),
        );
      return found && credentialOf(found);
    },

    async storeCredential(credential: NewDocsCredential) {
      const personId = itglueId(credential.personId, "contact");
      const p = config.passwords;
      const created = await client.write(
        {
          method: "POST",
          path: `/organizations/${org}/relationships/passwords`,
          call: "POST /organizations/{id}/relationships/passwords",
          body: document("passwords", {
            "organization-id": config.organizationId,
            name: credential.name,
            username: credential.username,
            password: credential.secret,
            url: credential.url,
            notes: credential.notes,
            "password-category-id": p.categoryId,
            "password-folder-id": p.folderId,
            "resource-id": Number(personId),
            "resource-type": p.resourceType,
          }),
          once: true,
          secret: credential.secret,
        },
        passwordResource,
      );
      return credentialOf(created);
    },

    async retireCredential(credentialId, note) {
      const id = itglueId(credentialId, "password");
      const current = await client.show(`/passwords/${id}`, "GET /passwords/{id}", passwordResource);
      // Deleted from the vault: nothing is left that could be used.
      if (!current) return;
      if (!ours(current))
        throw new LifecycleError({
          kind: "not-found",
          code: "OBJECT_NOT_FOUND",
          message: `IT Glue password ${id} is not in organisation ${org}`,
        });
      if (credentialOf(current).archived) return;
      const archive = config.passwords.archive;
      await client.write(
        {
          method: "PATCH",
          path: `/passwords/${id}`,
          call: "PATCH /passwords/{id}",
          body: document(
            "passwords",
            {
              ...(archive ? { archived: true } : {}),
              notes: appended(
                current.attributes.notes,
                archive ? note : `${note}\n${credentialRetiredMarker}`,
              ),
            },
            id,
          ),
          once: false,
        },
        passwordResource,
      );
    },
  };
}

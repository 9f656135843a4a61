import type { ContactRec, ItglueContext, LabelledValue, OrganizationRec, PasswordRec } from "./state.ts";

/**
 * Records as IT Glue's JSON:API answers carry them: `{ id, type, attributes }`, ids as strings, kebab-case
 * attribute names, and what IT Glue derives (names of the organisation, the type, the category) beside
 * the stored fields. The attribute sets follow the reference (§6) and real read payloads it cites.
 */

export interface Resource {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  relationships: Record<string, unknown>;
}

const labelled = (v: LabelledValue) => ({ value: v.value, primary: v.primary, "label-name": v.labelName });

export function organizationView(o: OrganizationRec): Resource {
  return {
    id: String(o.id),
    type: "organizations",
    attributes: {
      name: o.name,
      "short-name": o.shortName,
      "organization-type-name": "Customer",
      "organization-status-name": "Active",
      "created-at": o.createdAt,
      "updated-at": o.updatedAt,
    },
    relationships: {},
  };
}

export function contactView(ctx: ItglueContext, c: ContactRec): Resource {
  const org = ctx.data.organizations.get(c.organizationId);
  const type = c.contactTypeId !== null ? ctx.data.contactTypes.get(c.contactTypeId) : undefined;
  return {
    id: String(c.id),
    type: "contacts",
    attributes: {
      "organization-id": c.organizationId,
      "organization-name": org?.name ?? null,
      name: `${c.firstName} ${c.lastName}`.trim(),
      "first-name": c.firstName,
      "last-name": c.lastName,
      title: c.title || null,
      "contact-type-id": c.contactTypeId,
      "contact-type-name": type?.name ?? null,
      "location-id": null,
      "location-name": null,
      important: c.important,
      notes: c.notes || null,
      "contact-emails": c.emails.map(labelled),
      "contact-phones": c.phones.map((p) => ({ ...labelled(p), extension: null })),
      "psa-id": c.psaId,
      "psa-integration-type": c.psaIntegrationType,
      "created-at": c.createdAt,
      "updated-at": c.updatedAt,
    },
    relationships: {},
  };
}

/** A password; its clear-text value only when the caller asked for it and may see it (see settings). */
export function passwordView(ctx: ItglueContext, p: PasswordRec, withValue = false): Resource {
  const org = ctx.data.organizations.get(p.organizationId);
  const resource =
    p.resourceType === "Contact" && p.resourceId !== null ? ctx.data.contacts.get(p.resourceId) : undefined;
  return {
    id: String(p.id),
    type: "passwords",
    attributes: {
      "organization-id": p.organizationId,
      "organization-name": org?.name ?? null,
      name: p.name,
      username: p.username || null,
      ...(withValue ? { password: p.password } : {}),
      url: p.url || null,
      notes: p.notes || null,
      "password-category-id": p.categoryId,
      "password-folder-id": p.folderId,
      "resource-id": p.resourceId,
      "resource-type": p.resourceType,
      "cached-resource-name": resource ? `${resource.firstName} ${resource.lastName}`.trim() : null,
      archived: p.archived,
      "created-at": p.createdAt,
      "updated-at": p.updatedAt,
    },
    relationships: {},
  };
}

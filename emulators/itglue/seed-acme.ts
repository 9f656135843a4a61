import type { ItglueAdmin } from "./admin.ts";

/**
 * The demo MSP's IT Glue account: Acme Corp is an organisation with Tom Williams (Employee, Work email)
 * and his embedded Microsoft 365 password, and Mike Chen, a contact synced from the PSA (IT Glue refuses
 * to PATCH him). Globex GmbH is another organisation with its own Tom Williams (twilliams@globex.de, as
 * Globex's username format has him), so a lookup that forgot its organisation would show. Ids and the
 * key are fixed so the demo's config can name them.
 */
export const itglueDemo = {
  apiKey: "ITG.demo0123456789abcdef0123456789abcdef",
  keyName: "Lifecycle",
  contactTypes: { employee: 101, approver: 102, vendor: 103, formerEmployee: 104 },
  acme: {
    organizationId: 2401,
    shortName: "acme",
    contacts: { tom: 30001, mike: 30002 },
    passwords: { tom: 50001 },
    domain: "acmecorp.com",
  },
  globex: { organizationId: 2402, contacts: { tom: 30101 } },
} as const;

export function seedItglueDemo(admin: ItglueAdmin): typeof itglueDemo {
  const d = itglueDemo;
  admin.addApiKey({ key: d.apiKey, name: d.keyName, passwordAccess: true });
  admin.createContactType({ id: d.contactTypes.employee, name: "Employee" });
  admin.createContactType({ id: d.contactTypes.approver, name: "Approver" });
  admin.createContactType({ id: d.contactTypes.vendor, name: "Vendor" });
  admin.createContactType({ id: d.contactTypes.formerEmployee, name: "Former Employee" });
  admin.createOrganization({ id: d.acme.organizationId, name: "Acme Corp", shortName: d.acme.shortName });
  admin.createContact({
    id: d.acme.contacts.tom,
    organizationId: d.acme.organizationId,
    firstName: "Tom",
    lastName: "Williams",
    title: "Marketing Manager",
    contactTypeId: d.contactTypes.employee,
    email: "tom.williams@acmecorp.com",
    phones: [{ value: "+1 555 0101", primary: true, labelName: "Work" }],
  });
  admin.createPassword({
    id: d.acme.passwords.tom,
    organizationId: d.acme.organizationId,
    contactId: d.acme.contacts.tom,
    name: "Tom Williams – Microsoft 365",
    username: "tom.williams@acmecorp.com",
    password: "demo-only-Tw!2024-not-real",
    url: "https://portal.office.com",
    notes: "Microsoft 365 sign-in",
  });
  admin.createContact({
    id: d.acme.contacts.mike,
    organizationId: d.acme.organizationId,
    firstName: "Mike",
    lastName: "Chen",
    title: "IT Manager",
    contactTypeId: d.contactTypes.approver,
    email: "mike.chen@acmecorp.com",
    psa: { id: "1202", integrationType: "halo" },
  });
  admin.createOrganization({ id: d.globex.organizationId, name: "Globex GmbH", shortName: "globex" });
  admin.createContact({
    id: d.globex.contacts.tom,
    organizationId: d.globex.organizationId,
    firstName: "Tom",
    lastName: "Williams",
    contactTypeId: d.contactTypes.employee,
    email: "twilliams@globex.de",
  });
  return d;
}

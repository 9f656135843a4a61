import type { HuduAdmin } from "./admin.ts";

/**
 * The demo's Hudu instance: the MSP's key (with password access), the companies of two demo clients,
 * Globex GmbH (globex.de) and Initech (initech.com), the People layout, and Tom Williams at each, under
 * the address his client's username format gives him (twilliams@globex.de, tomw@initech.com); at Globex
 * with his Microsoft 365 password entry. The key and the password are the demo's own, printed by the
 * launcher; nothing real.
 */
export const huduDemo = {
  apiKey: "hudu-demo-key-4f1c9a7e2b",
  keyName: "Lifecycle",
  companies: {
    globex: { id: 3, name: "Globex GmbH", domain: "globex.de" },
    initech: { id: 4, name: "Initech", domain: "initech.com" },
  },
  peopleLayout: { id: 2, name: "People", fields: ["Email Address", "Title", "Phone", "Notes"] },
  tom: {
    name: "Tom Williams",
    email: "twilliams@globex.de",
    title: "Account Manager",
    credentialName: "Tom Williams – Microsoft 365",
  },
  initechTom: { name: "Tom Williams", email: "tomw@initech.com", title: "Systems Analyst" },
} as const;

export function seedHuduDemo(admin: HuduAdmin): void {
  const d = huduDemo;
  admin.addApiKey({ key: d.apiKey, name: d.keyName, passwordAccess: true });
  admin.addLayout({
    id: d.peopleLayout.id,
    name: d.peopleLayout.name,
    fields: [
      { label: "Email Address", fieldType: "Email" },
      { label: "Title" },
      { label: "Phone", fieldType: "Phone" },
      { label: "Notes", fieldType: "RichText" },
    ],
  });
  admin.addCompany({ id: d.companies.globex.id, name: d.companies.globex.name, idInIntegration: "250" });
  admin.addCompany({ id: d.companies.initech.id, name: d.companies.initech.name });
  const tom = admin.addAsset({
    companyId: d.companies.globex.id,
    layoutId: d.peopleLayout.id,
    name: d.tom.name,
    primaryMail: d.tom.email,
    fields: { "Email Address": d.tom.email, Title: d.tom.title },
  });
  admin.addPassword({
    companyId: d.companies.globex.id,
    name: d.tom.credentialName,
    username: d.tom.email,
    password: "Demo-Only-Pass-0001",
    url: "https://portal.office.com",
    description: "Created by Lifecycle at onboarding",
    assetId: tom.id,
  });
  admin.addAsset({
    companyId: d.companies.initech.id,
    layoutId: d.peopleLayout.id,
    name: d.initechTom.name,
    primaryMail: d.initechTom.email,
    fields: { "Email Address": d.initechTom.email, Title: d.initechTom.title },
  });
}

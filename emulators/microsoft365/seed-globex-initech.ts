import type { Microsoft365Admin } from "./admin.ts";

/**
 * The Microsoft 365 tenants of the demo's other two clients, Globex GmbH on globex.de and Initech LLC on
 * initech.com, so that every demo client's runs reach a directory. Their licences, groups and mailboxes
 * are the ones the clients' configurations name (emulators/demo/clients.ts); Tom Williams is at the
 * address each client's username format gives him, as in the RMM and documentation seeds, and his
 * laptop is in Intune under the serial his RMM knows. Each tenant's Autopilot has the unassigned device
 * a new starter's onboarding names. Ids and app credentials are fixed so configurations can name them.
 */

export interface TenantSeedSpec {
  tenantId: string;
  displayName: string;
  domain: string;
  usageLocation: string;
  clientId: string;
  clientSecret: string;
  /** The licence the client's staff role assigns, with its seats. */
  sku: { skuPartNumber: string; seats: number };
  department: string;
  /** The department's groups by display name: security groups, and Microsoft 365 groups with an address. */
  groups: { displayName: string; mail?: string }[];
  manager: { upn: string; given: string; surname: string; jobTitle: string };
  tom: { upn: string; jobTitle: string; device: { deviceName: string; serialNumber: string } };
  /** Shared mailboxes: the one the client sends from and its HR contacts. */
  sharedMailboxes: string[];
  /** The unassigned device in Autopilot that a new starter's onboarding names. */
  spareSerial: string;
}

export const globexTenant = {
  tenantId: "3b5d7f91-4c2e-4a6b-8d0f-2e4c6a8b0d13",
  displayName: "Globex GmbH",
  domain: "globex.de",
  usageLocation: "DE",
  clientId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  clientSecret: "globex-demo-client-secret",
  sku: { skuPartNumber: "O365_BUSINESS_PREMIUM", seats: 10 },
  department: "Engineering",
  groups: [{ displayName: "Engineering" }, { displayName: "Alle", mail: "alle@globex.de" }],
  manager: {
    upn: "anna.schmidt@globex.de",
    given: "Anna",
    surname: "Schmidt",
    jobTitle: "Head of Engineering",
  },
  tom: {
    upn: "twilliams@globex.de",
    jobTitle: "Software Engineer",
    device: { deviceName: "GLX-BER-LT14", serialNumber: "GLX-LT-0014" },
  },
  sharedMailboxes: ["helpdesk@globex.de", "hr@globex.de"],
  spareSerial: "GLX-DT-0107",
} as const satisfies TenantSeedSpec;

export const initechTenant = {
  tenantId: "5c7e9a13-6d4f-4b8c-9e1a-3f5b7d9f1b24",
  displayName: "Initech LLC",
  domain: "initech.com",
  usageLocation: "US",
  clientId: "1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e",
  clientSecret: "initech-demo-client-secret",
  sku: { skuPartNumber: "SPB", seats: 10 },
  department: "Engineering",
  groups: [{ displayName: "Engineering" }],
  manager: { upn: "bill.lumbergh@initech.com", given: "Bill", surname: "Lumbergh", jobTitle: "Division VP" },
  tom: {
    upn: "tomw@initech.com",
    jobTitle: "Software Engineer",
    device: { deviceName: "INI-LT-0114", serialNumber: "PF3K7Q21" },
  },
  sharedMailboxes: ["helpdesk@initech.com", "hr@initech.com", "payroll@initech.com"],
  spareSerial: "INI-LT-0200",
} as const satisfies TenantSeedSpec;

function seedTenant(admin: Microsoft365Admin, t: TenantSeedSpec): void {
  admin.createTenant({
    id: t.tenantId,
    displayName: t.displayName,
    domains: [t.domain],
    apps: [
      {
        clientId: t.clientId,
        clientSecret: t.clientSecret,
        displayName: `Lifecycle (${t.displayName})`,
        // As for Acme: resetting passwords app-only needs the Entra role (reference §9).
        directoryRoles: ["User Administrator"],
      },
    ],
  });
  admin.createSku(t.tenantId, t.sku);
  const groups = t.groups.map((g) =>
    admin.createGroup(
      t.tenantId,
      g.mail
        ? { displayName: g.displayName, kind: "microsoft365", mail: g.mail }
        : { displayName: g.displayName, kind: "security" },
    ),
  );
  const member = {
    department: t.department,
    usageLocation: t.usageLocation,
    licenses: [t.sku.skuPartNumber],
    groups: groups.map((g) => g.id),
  };
  const manager = admin.createUser(t.tenantId, {
    userPrincipalName: t.manager.upn,
    displayName: `${t.manager.given} ${t.manager.surname}`,
    givenName: t.manager.given,
    surname: t.manager.surname,
    jobTitle: t.manager.jobTitle,
    ...member,
  });
  const tom = admin.createUser(t.tenantId, {
    userPrincipalName: t.tom.upn,
    displayName: "Tom Williams",
    givenName: "Tom",
    surname: "Williams",
    jobTitle: t.tom.jobTitle,
    manager: manager.id,
    ...member,
    authMethods: [{ type: "microsoftAuthenticator", displayName: "Pixel 8" }],
  });
  admin.createManagedDevice(t.tenantId, { user: tom.id, ...t.tom.device });
  for (const address of t.sharedMailboxes)
    admin.createUser(t.tenantId, {
      userPrincipalName: address,
      displayName: `${t.displayName} ${address.split("@")[0]}`,
      accountEnabled: false,
      mailbox: "shared",
    });
  admin.createAutopilotDevice(t.tenantId, { serialNumber: t.spareSerial, groupTag: "Staff" });
}

export function seedGlobexInitech(admin: Microsoft365Admin): void {
  seedTenant(admin, globexTenant);
  seedTenant(admin, initechTenant);
}

import type { Microsoft365Admin } from "./admin.ts";
import type { TenantInfo } from "./admin-views.ts";

/**
 * The demo tenant of the product page: Acme Corp on acmecorp.com. Ids and the app credential are
 * fixed so the demo's client configuration can name them.
 */

export const acme = {
  tenantId: "7d1e3c5a-2b4f-4e6a-9c8d-1f2e3a4b5c6d",
  domain: "acmecorp.com",
  clientId: "c0ffee00-a0e1-4c1f-9e2d-5a6b7c8d9e0f",
  clientSecret: "acme-demo-client-secret",
  spbSkuId: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46",
} as const;

export interface AcmeSeed {
  tenant: TenantInfo;
  users: { mike: string; tom: string; helpdesk: string; hr: string };
  groups: {
    marketing: string;
    allStaff: string;
    businessPremium: string;
    marketingList: string;
    announcements: string;
  };
  skuId: string;
  autopilotDeviceId: string;
}

export function seedAcme(admin: Microsoft365Admin): AcmeSeed {
  const tenant = admin.createTenant({
    id: acme.tenantId,
    displayName: "Acme Corp",
    domains: [acme.domain, "acmecorp.onmicrosoft.com"],
    apps: [
      {
        clientId: acme.clientId,
        clientSecret: acme.clientSecret,
        displayName: "Lifecycle (Acme)",
        // Resetting passwords with an app-only token needs an Entra role on the app, not only
        // User.ReadWrite.All (reference §9); an MSP assigns it when it onboards the client.
        directoryRoles: ["User Administrator"],
      },
    ],
  });
  const t = tenant.id;
  admin.createSku(t, { skuPartNumber: "SPB", skuId: acme.spbSkuId, seats: 25 });

  const marketing = admin.createGroup(t, {
    displayName: "Marketing",
    kind: "security",
    description: "Marketing department",
  });
  const allStaff = admin.createGroup(t, {
    displayName: "All-Staff",
    kind: "microsoft365",
    mail: "all-staff@acmecorp.com",
  });
  const businessPremium = admin.createGroup(t, {
    displayName: "M365-Business-Premium",
    kind: "security",
    description: "Group-based licensing: Microsoft 365 Business Premium",
    licenses: ["SPB"],
  });
  // Conditional-access policies target groups; new users join these so the policies apply at once.
  admin.createGroup(t, {
    displayName: "MFA-Registration",
    kind: "security",
    description: "Members must register MFA at first sign-in (conditional access)",
  });
  admin.createGroup(t, {
    displayName: "CA-Staff-Baseline",
    kind: "security",
    description: "Conditional access baseline for staff: compliant device or MFA",
  });
  const marketingList = admin.createGroup(t, {
    displayName: "Marketing Team",
    kind: "distribution",
    mail: "marketing@acmecorp.com",
    mailNickname: "marketing",
  });
  const announcements = admin.createGroup(t, {
    displayName: "Announcements",
    kind: "distribution",
    mail: "announcements@acmecorp.com",
    mailNickname: "announcements",
  });

  const mike = admin.createUser(t, {
    userPrincipalName: "mike.chen@acmecorp.com",
    displayName: "Mike Chen",
    givenName: "Mike",
    surname: "Chen",
    department: "Marketing",
    jobTitle: "Marketing Manager",
    usageLocation: "US",
    licenses: ["SPB"],
    groups: [marketing.id, allStaff.id],
  });
  const tom = admin.createUser(t, {
    userPrincipalName: "tom.williams@acmecorp.com",
    displayName: "Tom Williams",
    givenName: "Tom",
    surname: "Williams",
    department: "Marketing",
    jobTitle: "Marketing Specialist",
    usageLocation: "US",
    manager: mike.id,
    licenses: ["SPB"],
    groups: [marketing.id, allStaff.id],
    authMethods: [
      { type: "microsoftAuthenticator", displayName: "iPhone 15" },
      { type: "phone", phoneNumber: "+1 2065550123", phoneType: "mobile" },
    ],
  });
  admin.createMobileDevice(t, {
    mailbox: tom.id,
    deviceModel: "iPhone15,2",
    deviceType: "iPhone",
    friendlyName: "Tom's iPhone",
  });
  admin.createManagedDevice(t, { user: tom.id, deviceName: "ACME-LT-0117", serialNumber: "5CG1234XYZ" });
  const helpdesk = admin.createUser(t, {
    userPrincipalName: "helpdesk@acmecorp.com",
    displayName: "Acme Helpdesk",
    accountEnabled: false,
    mailbox: "shared",
  });
  // Acme's HR team: the client's HR contact, where the welcome email with the first sign-in goes.
  const hr = admin.createUser(t, {
    userPrincipalName: "hr@acmecorp.com",
    displayName: "Acme HR",
    accountEnabled: false,
    mailbox: "shared",
  });
  const autopilot = admin.createAutopilotDevice(t, {
    serialNumber: "ACME-PC-0042",
    model: "Latitude 7440",
    groupTag: "Staff",
  });

  return {
    tenant: admin.tenant(t),
    users: { mike: mike.id, tom: tom.id, helpdesk: helpdesk.id, hr: hr.id },
    groups: {
      marketing: marketing.id,
      allStaff: allStaff.id,
      businessPremium: businessPremium.id,
      marketingList: marketingList.id,
      announcements: announcements.id,
    },
    skuId: acme.spbSkuId,
    autopilotDeviceId: String(autopilot.id),
  };
}

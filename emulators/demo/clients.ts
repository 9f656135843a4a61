import type { ClientConfigInput } from "../../src/domain/client.ts";
import { initech } from "../autotask/seed-initech.ts";
import { globex } from "../connectwise/seed-globex.ts";
import { dattoDemo } from "../datto-rmm/seed-globex.ts";
import { haloDemo } from "../halopsa/seed-acme.ts";
import { huduDemo } from "../hudu/seed-demo.ts";
import { itglueDemo } from "../itglue/seed-acme.ts";
import { acme } from "../microsoft365/seed-acme.ts";
import { globexTenant, initechTenant } from "../microsoft365/seed-globex-initech.ts";
import { ninjaDemo } from "../ninjaone/seed-demo.ts";

// The MSP's one account per vendor, shared by its clients as the PSAs' are.
const ninjaone = { connector: "ninjaone", region: "app", credential: "msp/ninjaone" } as const;
/** A client's tenant in the emulated Microsoft 365: one app registration serves both of its APIs. */
const microsoft365 = (tenantId: string, credential: string) =>
  ({
    entra: { connector: "msgraph", tenantId, credential },
    exchange: { connector: "exchange-online", tenantId, credential },
  }) as const;
const hudu = {
  connector: "hudu",
  baseUrl: "https://lifecycle-msp.huducloud.com",
  credential: "msp/hudu",
  peopleLayoutId: huduDemo.peopleLayout.id,
} as const;

/** The demo MSP's clients. Their systems are served by the emulators, never by real vendors. */
export const demoClients: ClientConfigInput[] = [
  {
    id: "acme",
    displayName: "Acme Corp",
    domains: ["acmecorp.com"],
    timeZone: "America/New_York",
    usageLocation: "US",
    usernameFormat: { pattern: "{first}.{last}", collision: "numeric-suffix" },
    licensesByRole: { staff: ["SPB"], frontline: ["SPE_F1"] },
    // M365-Business-Premium licenses its members (group-based licensing).
    groupsByDepartment: {
      // Addresses are distribution lists: joined in Exchange once the mailbox exists.
      Marketing: [
        "Marketing",
        "All-Staff",
        "M365-Business-Premium",
        "marketing@acmecorp.com",
        "announcements@acmecorp.com",
      ],
      Sales: ["All-Staff", "M365-Business-Premium"],
    },
    approval: { onboarding: "none", offboarding: "manager", expiresAfterHours: 72 },
    systems: {
      ...microsoft365(acme.tenantId, "acme/microsoft-app"),
      // Its PSA: the address is the emulator's, set on every start (emulators/demo/psa.ts).
      halo: {
        connector: "halopsa",
        url: "https://acme-msp.halopsa.com",
        credential: "msp/halopsa",
        clientId: haloDemo.acme.clientId,
        siteId: haloDemo.acme.siteId,
        statuses: haloDemo.statuses,
      },
      // Its RMM and documentation, emulated too (emulators/demo/rmm-docs.ts sets the addresses).
      ninjaone: { ...ninjaone, organizationId: ninjaDemo.acme.organizationId },
      itglue: {
        connector: "itglue",
        credential: "msp/itglue",
        organizationId: itglueDemo.acme.organizationId,
        contactTypeId: itglueDemo.contactTypes.employee,
        offboard: { contactTypeId: itglueDemo.contactTypes.formerEmployee },
      },
    },
    identity: {
      mfaRegistrationGroup: "MFA-Registration",
      conditionalAccessGroups: ["CA-Staff-Baseline"],
      temporaryAccessPass: { lifetimeInMinutes: 480, isUsableOnce: true },
      groupsKeptAtOffboarding: [],
    },
    mail: {
      sendMailFrom: "helpdesk@acmecorp.com",
      signatureTemplate:
        "<p><b>{{ user.displayName }}</b><br>{{ user.jobTitle | default: user.department }}<br>" +
        "Acme Corp · {{ companyPhone }}<br><i>{{ signatureTagline }}</i></p>",
    },
    variables: { companyPhone: "+1 555 0100", signatureTagline: "Acme Corp: we make everything" },
    // A shared mailbox of the emulated tenant, so the welcome email lands there.
    hrContacts: ["hr@acmecorp.com"],
  },
  {
    id: "globex",
    displayName: "Globex GmbH",
    domains: ["globex.de"],
    timeZone: "Europe/Berlin",
    usageLocation: "DE",
    usernameFormat: { pattern: "{f}{last}", collision: "middle-initial" },
    transliteration: { umlauts: "expand" },
    licensesByRole: { staff: ["O365_BUSINESS_PREMIUM"] },
    groupsByDepartment: { Engineering: ["Engineering", "Alle"] },
    approval: { onboarding: "technician", offboarding: "manager", expiresAfterHours: 48 },
    hrContacts: ["hr@globex.de"],
    mail: { sendMailFrom: "helpdesk@globex.de" },
    systems: {
      ...microsoft365(globexTenant.tenantId, "globex/microsoft-app"),
      connectwise: {
        connector: "connectwise",
        site: "https://api-eu.myconnectwise.net",
        credential: "msp/connectwise",
        companyId: globex.company.id,
        boardId: globex.board.id,
        statuses: { "waiting-on-customer": "Waiting Customer", completed: "Completed" },
      },
      datto: {
        connector: "datto-rmm",
        platform: "merlot",
        credential: "msp/datto-rmm",
        siteUid: dattoDemo.globex.siteUid,
        ownerUdf: dattoDemo.ownerUdf,
      },
      hudu: { ...hudu, companyId: huduDemo.companies.globex.id },
    },
  },
  {
    id: "initech",
    displayName: "Initech LLC",
    domains: ["initech.com", "initech.local"],
    timeZone: "America/Chicago",
    usageLocation: "US",
    usernameFormat: { pattern: "{first}{l}", collision: "numeric-suffix" },
    licensesByRole: { staff: ["SPB"] },
    groupsByDepartment: { Engineering: ["Engineering"] },
    hrContacts: ["hr@initech.com", "payroll@initech.com"],
    mail: { sendMailFrom: "helpdesk@initech.com" },
    // Its PSA is Autotask, its RMM NinjaOne and its documentation Hudu; on-prem AD once its connector exists.
    systems: {
      ...microsoft365(initechTenant.tenantId, "initech/microsoft-app"),
      autotask: {
        connector: "autotask",
        credential: "msp/autotask",
        companyID: initech.companyID,
        queueID: initech.queues.onboarding,
        priority: initech.priorities.medium,
        statuses: {
          phases: {
            "in-progress": initech.statuses.inProgress,
            "waiting-on-customer": initech.statuses.waitingCustomer,
            completed: initech.statuses.complete,
          },
        },
        notes: { publish: initech.publish.internalOnly },
      },
      ninjaone: { ...ninjaone, organizationId: ninjaDemo.initech.organizationId },
      hudu: { ...hudu, companyId: huduDemo.companies.initech.id },
    },
  },
];

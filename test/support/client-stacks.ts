import { initech, startAutotaskEmulator, type AutotaskEmulator } from "../../emulators/autotask/index.ts";
import {
  globex,
  globexApiKey,
  startConnectWiseEmulator,
  type ConnectWiseEmulator,
} from "../../emulators/connectwise/index.ts";
import { dattoDemo, startDattoRmmEmulator, type DattoRmmEmulator } from "../../emulators/datto-rmm/index.ts";
import { demoClients } from "../../emulators/demo/clients.ts";
import { haloDemo, startHaloPsaEmulator, type HaloPsaEmulator } from "../../emulators/halopsa/index.ts";
import { huduDemo, startHuduEmulator, type HuduEmulator } from "../../emulators/hudu/index.ts";
import { itglueDemo, startItglueEmulator, type ItglueEmulator } from "../../emulators/itglue/index.ts";
import { latencyClasses } from "../../emulators/microsoft365/latency.ts";
import {
  acme,
  globexTenant,
  initechTenant,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../../emulators/microsoft365/index.ts";
import { ninjaDemo, startNinjaOneEmulator, type NinjaOneEmulator } from "../../emulators/ninjaone/index.ts";

/**
 * The demo MSP's three client stacks, each a Microsoft 365 tenant, a PSA, an RMM and a documentation
 * system, served by emulators in the test's own process: Acme Corp on HaloPSA + NinjaOne + IT Glue, Globex
 * GmbH on ConnectWise + Datto RMM + Hudu, Initech on Autotask + NinjaOne + Hudu. Read back through each
 * emulator's admin, never through the product: what the vendor holds is the evidence. Every seed is
 * the emulator's demo one (Microsoft 365's holds the three tenants), with an unassigned laptop added to
 * Initech's NinjaOne and to Acme's Autopilot, and a licence beside Business Premium to Acme's tenant.
 */

export interface StackEmulators {
  m365: Microsoft365Emulator;
  halo: HaloPsaEmulator;
  connectwise: ConnectWiseEmulator;
  autotask: AutotaskEmulator;
  ninja: NinjaOneEmulator;
  datto: DattoRmmEmulator;
  itglue: ItglueEmulator;
  hudu: HuduEmulator;
  close(): Promise<void>;
}

/** How long each vendor call takes: the fast profile (0–2 ms), or a mean with ±50 % jitter. */
export type CallLatency = "fast" | { readMs: number; writeMs: number };

const ok = (c: { status: number }) => c.status >= 200 && c.status < 300;
const pathOf = (c: { url: string }) => c.url.split("?")[0]!;

/** The serial of the laptop each stack's onboarding names: in Autopilot and in the RMM, owned by nobody. */
export const serials = {
  acme: ninjaDemo.acme.spareSerial,
  globex: globexTenant.spareSerial,
  initech: initechTenant.spareSerial,
} as const;

/** A licence Acme's tenant has beside Business Premium, which its groups do not assign. */
const acmeExtraSku = "POWER_BI_PRO";

/** Starts every emulator the stacks use, the Microsoft one holding the three tenants. */
export async function startStackEmulators(latency: CallLatency = "fast"): Promise<StackEmulators> {
  const m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "demo" });
  m365.admin.setReplicationLag(0);
  m365.admin.setMailboxProvisioningDelay(latency === "fast" ? 100 : 600);
  m365.admin.setMailboxConversionDelay(100);
  m365.admin.createAutopilotDevice(acme.tenantId, { serialNumber: serials.acme, groupTag: "Staff" });
  m365.admin.createSku(acme.tenantId, { skuPartNumber: acmeExtraSku, seats: 5 });
  const [halo, connectwise, autotask, ninja, datto, itglue, hudu] = await Promise.all([
    startHaloPsaEmulator({ profile: "fast", seed: "demo" }),
    startConnectWiseEmulator({ profile: "fast", seed: "globex" }),
    startAutotaskEmulator({ profile: "fast", seed: "initech" }),
    startNinjaOneEmulator({ profile: "fast", seed: "demo" }),
    startDattoRmmEmulator({ profile: "fast", seed: "demo" }),
    startItglueEmulator({ profile: "fast", seed: "demo" }),
    startHuduEmulator({ profile: "fast", seed: "demo" }),
  ]);
  ninja.admin.createDevice({
    organization: ninjaDemo.initech.organizationId,
    displayName: "INI-LT-0200",
    serialNumber: serials.initech,
    manufacturer: "Lenovo",
    model: "ThinkPad T14",
  });
  // The budget per app (10 a second) is NinjaOne's; two clients' runs at once are not what is tested here.
  ninja.admin.configure({ rateLimit: { requests: 1000, windowMs: 1000 } });
  if (latency !== "fast") {
    const spec = (meanMs: number) => ({ meanMs, jitter: 0.5 });
    const rw = { read: spec(latency.readMs), write: spec(latency.writeMs) };
    m365.admin.configure({
      latency: Object.fromEntries(latencyClasses.map((c) => [c, spec(latency.readMs)])),
    });
    halo.admin.configure({ latency: { token: spec(latency.readMs), ...rw } });
    connectwise.admin.configure({ latency: { login: spec(latency.readMs), ...rw } });
    autotask.admin.configure({ latency: { zone: spec(latency.readMs), ...rw } });
    ninja.admin.configure({ latency: { token: spec(latency.readMs), ...rw } });
    datto.admin.configure({ latency: { token: spec(latency.readMs), ...rw } });
    itglue.admin.configure({ latency: rw });
    hudu.admin.configure({ latency: rw });
  }
  const all = [m365, halo, connectwise, autotask, ninja, datto, itglue, hudu];
  return {
    m365,
    halo,
    connectwise,
    autotask,
    ninja,
    datto,
    itglue,
    hudu,
    close: async () => void (await Promise.all(all.map((e) => e.close()))),
  };
}

/** The onboarding of a new starter at the stack's client: the device the RMM knows, the licences it releases later. */
export function onboardingOf(
  s: ClientStack,
  person: { firstName: string; lastName: string },
): Record<string, unknown> {
  return {
    client: s.client,
    ...person,
    department: s.department,
    jobTitle: "Engineer",
    manager: s.manager,
    ...s.licences.request,
    deviceSerial: s.serial,
    start: "now",
    requester: `hr@${s.domain}`,
  };
}

/** A credential as the store seals it. */
export interface StackCredential {
  ref: string;
  kind: string;
  value: unknown;
}

/** What the vendors hold for one person, counted and read through the emulators' admin. */
export interface VendorView {
  /** The RMM's end users with this address (none where the RMM keeps none: Datto). */
  endUsers(email: string): number;
  /** Whether the RMM keeps end users at all. */
  rmmKeepsEndUsers: boolean;
  /** Who the RMM records as the device's owner: the end user's address (NinjaOne) or the UDF's value (Datto). */
  deviceOwner(serial: string): string | undefined;
  /** Owner writes the RMM answered for that device. */
  ownerWrites(serial: string): number;
  /** The documentation's people with this address: retired or not, with the note kept on them. */
  docsPeople(email: string): { retired: boolean; note: string }[];
  /** Person creates the documentation answered. */
  docsCreates(): number;
  /** The PSA's contacts with this address, active or not. */
  psaContacts(email: string): { active: boolean }[];
  /** Contact creates the PSA answered for this address. */
  psaContactCreates(email: string): number;
  /** The texts of a ticket's notes, by the ticket's id. */
  notes(ticketId: string): string[];
}

export interface ClientStack {
  client: string;
  psa: "halopsa" | "connectwise" | "autotask";
  rmm: "ninjaone" | "datto-rmm";
  docs: "itglue" | "hudu";
  tenantId: string;
  domain: string;
  /** The new starter's department (one whose groups the tenant has), and a manager, who approves offboardings. */
  department: string;
  /**
   * What the onboarding asks beyond the person (a role, extra licences), and the seats the offboarding
   * frees (through groups and directly), which the documentation's note names and the billing records.
   */
  licences: { request: Record<string, unknown>; released: string[] };
  manager: string;
  serial: string;
  /** The client's configuration: the demo's where there is one, its systems pointed at the emulators. */
  config: Record<string, unknown>;
  credentials: StackCredential[];
  view: VendorView;
}

const sentWith = (c: { requestBody?: unknown }, text: string) =>
  JSON.stringify(c.requestBody ?? "")
    .toLowerCase()
    .includes(text.toLowerCase());

/** The three stacks over started emulators. */
export function clientStacks(e: StackEmulators): ClientStack[] {
  const microsoft = (tenantId: string, ref: string) => ({
    entra: {
      connector: "msgraph",
      tenantId,
      credential: ref,
      endpoints: { authority: e.m365.url, graph: e.m365.url },
    },
    exchange: {
      connector: "exchange-online",
      tenantId,
      credential: ref,
      endpoints: { authority: e.m365.url, exchange: e.m365.url },
    },
  });
  const microsoftCredential = (ref: string, clientId: string, clientSecret: string) => ({
    ref,
    kind: "microsoft-app",
    value: { clientId, clientSecret },
  });
  const ninjaCredential = (client: string) => ({
    ref: `${client}/ninjaone`,
    kind: "ninjaone-app",
    value: { clientId: ninjaDemo.clientId, clientSecret: ninjaDemo.clientSecret },
  });
  const huduCredential = (client: string) => ({
    ref: `${client}/hudu`,
    kind: "hudu-api-key",
    value: { apiKey: huduDemo.apiKey },
  });
  const demo = (id: string) => {
    const { systems: _systems, ...rest } = demoClients.find((c) => c.id === id)!;
    return rest;
  };
  /** The demo's own section for the client's system of this connector; the test points it at the emulator. */
  const demoSystem = (id: string, connector: string) => {
    const systems = demoClients.find((c) => c.id === id)?.systems ?? {};
    const found = Object.values(systems).find((sys) => sys.connector === connector);
    if (!found) throw new Error(`the demo's ${id} has no ${connector} system`);
    return found;
  };
  /** The demo's entry, whose tenant the demo seed holds, with the approvals these runs go through. */
  const seeded = (id: string) => ({
    ...demo(id),
    approval: { onboarding: "none", offboarding: "manager", expiresAfterHours: 48 },
  });

  const ninjaView = (organizationId: number) => {
    const endUsersOf = (email: string) =>
      e.ninja.admin
        .endUsers(organizationId)
        .filter((u) => String(u.email).toLowerCase() === email.toLowerCase());
    const deviceOf = (serial: string) =>
      e.ninja.admin.devices(organizationId).find((d) => d.system.serialNumber === serial);
    return {
      rmmKeepsEndUsers: true,
      endUsers: (email: string) => endUsersOf(email).length,
      deviceOwner(serial: string) {
        const uid = deviceOf(serial)?.assignedOwnerUid;
        return uid && e.ninja.admin.endUsers().find((u) => u.uid === uid)?.email;
      },
      ownerWrites(serial: string) {
        const owner = new RegExp(`/v2/device/${deviceOf(serial)?.id}/owner/[^/]+$`);
        return e.ninja.admin.calls().filter((c) => c.method === "POST" && ok(c) && owner.test(pathOf(c)))
          .length;
      },
    };
  };
  const dattoView = (siteUid: string) => ({
    rmmKeepsEndUsers: false,
    endUsers: () => 0,
    deviceOwner: (serial: string) =>
      e.datto.admin.device(dattoDeviceUid(e, siteUid, serial)).udf[dattoDemo.ownerUdf] ?? undefined,
    ownerWrites(serial: string) {
      const udf = `/v2/device/${dattoDeviceUid(e, siteUid, serial)}/udf`;
      return e.datto.admin
        .calls()
        .filter(
          (c) => c.method === "POST" && ok(c) && pathOf(c).endsWith(udf) && sentWith(c, dattoDemo.ownerUdf),
        ).length;
    },
  });
  const itglueView = (organizationId: number) => ({
    docsPeople: (email: string) =>
      e.itglue.admin
        .contacts(organizationId)
        .filter((c) =>
          (c.attributes["contact-emails"] as { value: string }[]).some(
            (m) => m.value.toLowerCase() === email.toLowerCase(),
          ),
        )
        .map((c) => ({
          retired: c.attributes["contact-type-id"] === itglueDemo.contactTypes.formerEmployee,
          note: String(c.attributes.notes ?? ""),
        })),
    docsCreates: () =>
      e.itglue.admin.calls().filter((c) => c.method === "POST" && ok(c) && /\/contacts$/.test(pathOf(c)))
        .length,
  });
  const huduView = (companyId: number) => ({
    docsPeople: (email: string) =>
      e.hudu.admin
        .assets()
        .filter(
          (a) =>
            a.company_id === companyId &&
            a.asset_layout_id === huduDemo.peopleLayout.id &&
            String(a.fields["Email Address"] ?? a.primary_mail).toLowerCase() === email.toLowerCase(),
        )
        .map((a) => ({ retired: a.archived, note: String(a.fields.Notes ?? "") })),
    docsCreates: () =>
      e.hudu.admin
        .calls()
        .filter((c) => c.method === "POST" && ok(c) && pathOf(c).endsWith(`/companies/${companyId}/assets`))
        .length,
  });

  return [
    {
      client: "acme",
      psa: "halopsa",
      rmm: "ninjaone",
      docs: "itglue",
      tenantId: acme.tenantId,
      domain: acme.domain,
      department: "Marketing",
      manager: "mike.chen@acmecorp.com",
      // Acme's Marketing seat comes with a group, and is freed when the leaver leaves it, before the
      // licence step runs; a licence assigned directly is asked as well, which that step releases.
      licences: { request: { extraLicenses: [acmeExtraSku] }, released: ["SPB", acmeExtraSku] },
      serial: serials.acme,
      config: {
        ...demo("acme"),
        systems: {
          ...microsoft(acme.tenantId, "acme/microsoft-app"),
          halo: { ...demoSystem("acme", "halopsa"), url: e.halo.url },
          ninja: {
            connector: "ninjaone",
            baseUrl: e.ninja.url,
            credential: "acme/ninjaone",
            organizationId: ninjaDemo.acme.organizationId,
          },
          itglue: {
            connector: "itglue",
            baseUrl: e.itglue.url,
            credential: "acme/itglue",
            organizationId: itglueDemo.acme.organizationId,
            contactTypeId: itglueDemo.contactTypes.employee,
            offboard: { contactTypeId: itglueDemo.contactTypes.formerEmployee },
          },
        },
      },
      credentials: [
        microsoftCredential("acme/microsoft-app", acme.clientId, acme.clientSecret),
        {
          ref: "msp/halopsa",
          kind: "halopsa-app",
          value: { clientId: haloDemo.clientId, clientSecret: haloDemo.clientSecret },
        },
        ninjaCredential("acme"),
        { ref: "acme/itglue", kind: "itglue-api-key", value: { apiKey: itglueDemo.apiKey } },
      ],
      view: {
        ...ninjaView(ninjaDemo.acme.organizationId),
        ...itglueView(itglueDemo.acme.organizationId),
        notes: (id) => e.halo.admin.notes(Number(id)).map((n) => String(n.note)),
        psaContacts: (email) =>
          e.halo.admin
            .contacts(haloDemo.acme.clientId)
            .filter((c) => String(c.emailaddress).toLowerCase() === email)
            .map((c) => ({ active: !c.inactive })),
        psaContactCreates: (email) =>
          e.halo.admin
            .calls()
            .filter(
              (c) => c.method === "POST" && ok(c) && /\/api\/users$/i.test(pathOf(c)) && sentWith(c, email),
            ).length,
      },
    },
    {
      client: "globex",
      psa: "connectwise",
      rmm: "datto-rmm",
      docs: "hudu",
      tenantId: globexTenant.tenantId,
      domain: globexTenant.domain,
      department: globexTenant.department,
      manager: globexTenant.manager.upn,
      licences: { request: { role: "staff" }, released: [globexTenant.sku.skuPartNumber] },
      serial: serials.globex,
      config: {
        ...seeded("globex"),
        systems: {
          ...microsoft(globexTenant.tenantId, "globex/microsoft-app"),
          connectwise: { ...demoSystem("globex", "connectwise"), site: e.connectwise.url },
          datto: {
            connector: "datto-rmm",
            baseUrl: e.datto.url,
            credential: "globex/datto-rmm",
            siteUid: dattoDemo.globex.siteUid,
            ownerUdf: dattoDemo.ownerUdf,
          },
          hudu: {
            connector: "hudu",
            baseUrl: e.hudu.url,
            credential: "globex/hudu",
            companyId: huduDemo.companies.globex.id,
            peopleLayoutId: huduDemo.peopleLayout.id,
          },
        },
      },
      credentials: [
        microsoftCredential("globex/microsoft-app", globexTenant.clientId, globexTenant.clientSecret),
        {
          ref: "msp/connectwise",
          kind: "connectwise-api-key",
          value: globexApiKey,
        },
        {
          ref: "globex/datto-rmm",
          kind: "datto-rmm-api-key",
          value: { apiKey: dattoDemo.apiKey, apiSecret: dattoDemo.apiSecret },
        },
        huduCredential("globex"),
      ],
      view: {
        ...dattoView(dattoDemo.globex.siteUid),
        ...huduView(huduDemo.companies.globex.id),
        notes: (id) => e.connectwise.admin.notes(globex.loginCompany, Number(id)).map((n) => n.text),
        psaContacts: (email) =>
          e.connectwise.admin
            .contacts(globex.loginCompany)
            .filter((c) =>
              JSON.stringify(c.communicationItems ?? [])
                .toLowerCase()
                .includes(email),
            )
            .map((c) => ({ active: !c.inactiveFlag })),
        psaContactCreates: (email) =>
          e.connectwise.admin
            .calls()
            .filter(
              (c) =>
                c.method === "POST" && ok(c) && /\/company\/contacts$/i.test(pathOf(c)) && sentWith(c, email),
            ).length,
      },
    },
    {
      client: "initech",
      psa: "autotask",
      rmm: "ninjaone",
      docs: "hudu",
      tenantId: initechTenant.tenantId,
      domain: initechTenant.domain,
      department: initechTenant.department,
      manager: initechTenant.manager.upn,
      licences: { request: { role: "staff" }, released: [initechTenant.sku.skuPartNumber] },
      serial: serials.initech,
      config: {
        ...seeded("initech"),
        systems: {
          ...microsoft(initechTenant.tenantId, "initech/microsoft-app"),
          autotask: {
            ...demoSystem("initech", "autotask"),
            zoneDiscoveryUrl: e.autotask.zoneDiscoveryUrl,
            // Autotask's one call a second is its own budget; these runs are not about it.
            limits: { concurrency: 4, ratePerSecond: 100 },
          },
          ninja: {
            connector: "ninjaone",
            baseUrl: e.ninja.url,
            credential: "initech/ninjaone",
            organizationId: ninjaDemo.initech.organizationId,
          },
          hudu: {
            connector: "hudu",
            baseUrl: e.hudu.url,
            credential: "initech/hudu",
            companyId: huduDemo.companies.initech.id,
            peopleLayoutId: huduDemo.peopleLayout.id,
          },
        },
      },
      credentials: [
        microsoftCredential("initech/microsoft-app", initechTenant.clientId, initechTenant.clientSecret),
        { ref: "msp/autotask", kind: "autotask-api-user", value: { ...initech.apiUser } },
        ninjaCredential("initech"),
        huduCredential("initech"),
      ],
      view: {
        ...ninjaView(ninjaDemo.initech.organizationId),
        ...huduView(huduDemo.companies.initech.id),
        notes: (id) => e.autotask.admin.notes(Number(id)).map((n) => n.description),
        psaContacts: (email) =>
          e.autotask.admin
            .contacts(initech.companyID)
            .filter((c) => String(c.emailAddress).toLowerCase() === email)
            .map((c) => ({ active: c.isActive === 1 })),
        psaContactCreates: (email) =>
          e.autotask.admin
            .calls()
            .filter(
              (c) => c.method === "POST" && ok(c) && /\/contacts$/i.test(pathOf(c)) && sentWith(c, email),
            ).length,
      },
    },
  ];
}

/** A Datto device's uid by the BIOS serial its audit reports (Datto's device record has none). */
function dattoDeviceUid(e: StackEmulators, siteUid: string, serial: string): string {
  const found = e.datto.admin.devices(siteUid).find((d) => {
    const audit = e.datto.admin.audit(String(d.uid)) as { bios?: { serialNumber?: string } };
    return audit.bios?.serialNumber === serial;
  });
  if (!found) throw new Error(`no Datto device with serial ${serial} at site ${siteUid}`);
  return String(found.uid);
}

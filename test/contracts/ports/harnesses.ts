import type { Connector, ConnectorRuntime } from "../../../src/connectors/module.ts";
import { connectors } from "../../../src/connectors/registry.ts";
import type { Ports } from "../../../src/ports/index.ts";
import { initech, startAutotaskEmulator } from "../../../emulators/autotask/index.ts";
import { haloDemo, startHaloPsaEmulator } from "../../../emulators/halopsa/index.ts";
import { itglueDemo, startItglueEmulator } from "../../../emulators/itglue/index.ts";
import { acme, startMicrosoft365Emulator } from "../../../emulators/microsoft365/index.ts";
import { globex, globexApiKey, startConnectWiseEmulator } from "../../../emulators/connectwise/index.ts";
import { dattoDemo, startDattoRmmEmulator } from "../../../emulators/datto-rmm/index.ts";
import { huduDemo, startHuduEmulator } from "../../../emulators/hudu/index.ts";
import { ninjaDemo, startNinjaOneEmulator } from "../../../emulators/ninjaone/index.ts";
import { memoryDirectoryConnector } from "../../support/connectors/memory-directory/module.ts";

/** What a port contract may rely on in the system behind a connector. */
export interface Fixtures {
  domain: string;
  /** A user that exists, with a mailbox where the system has mail. */
  existingUser: string;
  /** A group whose membership this connector can change. */
  group: string;
  /** A distribution list, where the system has them. */
  list?: string;
  /** A licence the tenant has free seats of, by part number. */
  sku?: string;
  /** A group that gives `sku` to its members (group-based licensing), where the system has them. */
  licenseGroup?: string;
  /** The mailbox mail is sent from. */
  sender?: string;
  /** PSA: a contact that exists at the client's company, by email. */
  psaContact?: string;
  /** PSA: the number of an open ticket of the client's. */
  psaTicket?: string;
  /** RMM: the serial of a device of the client's that nobody owns yet (the suite owns and frees it). */
  rmmSerial?: string;
  /** RMM: an account last signed in on a device of the client's, as the agent reports it ("ACME\\tom"). */
  rmmAccount?: { name: string; deviceId: string };
  /**
   * RMM: a device of another organisation (site) of the MSP, last signed in on by an account of the same
   * name as `rmmAccount`'s: the client's lookups must never return it.
   */
  rmmElsewhere?: { deviceId: string; serial: string };
  /** Docs: the work address of a person in the client's documentation. */
  docsPerson?: string;
}

/** A vault entry as the documentation holds it, its secret included: read in-process off the emulator. */
export interface StoredEntry {
  name: string;
  username: string;
  secret: string;
  notes: string;
  /** How many entries of this name the vault holds, for the one-entry-only checks. */
  sameName: number;
}

export interface Opened {
  ports: Partial<Ports>;
  fixtures: Fixtures;
  /** Docs: the vault entry with this id, as the emulator stores it. */
  vaultEntry?: (credentialId: string) => StoredEntry;
  close(): Promise<void>;
}

/** How to reach a connector's system in tests: its emulator, seeded, and the connector built by its descriptor. */
export interface Harness {
  connector: Connector;
  open(): Promise<Opened>;
}

function runtime(): ConnectorRuntime {
  const shared = new Map<string, unknown>();
  return {
    shared<T>(key: string, make: () => T): T {
      if (!shared.has(key)) shared.set(key, make());
      return shared.get(key) as T;
    },
  };
}

function built(connector: Connector, section: unknown, credential: unknown): Partial<Ports> {
  const result = connector.open(section, credential, runtime());
  if (!result.ok) throw new Error(`${connector.id}: ${JSON.stringify(result.errors)}`);
  return result.value;
}

const acmeFixtures: Fixtures = {
  domain: acme.domain,
  existingUser: "tom.williams@acmecorp.com",
  group: "Marketing",
  list: "marketing@acmecorp.com",
  sku: "SPB",
  licenseGroup: "M365-Business-Premium",
  sender: "helpdesk@acmecorp.com",
};

/** A Microsoft connector against the Microsoft 365 emulator, seeded with Acme and settled (no lag). */
const onMicrosoftEmulator = (connector: Connector, endpoint: "graph" | "exchange"): Harness => ({
  connector,
  async open() {
    const m365 = await startMicrosoft365Emulator({ profile: "fast", seed: "acme" });
    m365.admin.setReplicationLag(0);
    const ports = built(
      connector,
      { tenantId: acme.tenantId, endpoints: { authority: m365.url, [endpoint]: m365.url } },
      { clientId: acme.clientId, clientSecret: acme.clientSecret },
    );
    return { ports, fixtures: acmeFixtures, close: () => m365.close() };
  },
});

/** HaloPSA against its emulator, seeded with the demo MSP: Acme Corp is client 12, site 31. */
const onHaloPsaEmulator = (connector: Connector): Harness => ({
  connector,
  async open() {
    const halo = await startHaloPsaEmulator({ profile: "fast", seed: "demo" });
    const ports = built(
      connector,
      {
        url: halo.url,
        clientId: haloDemo.acme.clientId,
        siteId: haloDemo.acme.siteId,
        statuses: haloDemo.statuses,
      },
      { clientId: haloDemo.clientId, clientSecret: haloDemo.clientSecret },
    );
    return {
      ports,
      fixtures: {
        ...acmeFixtures,
        psaContact: "tom.williams@acmecorp.com",
        psaTicket: String(haloDemo.acme.ticket),
      },
      close: () => halo.close(),
    };
  },
});

const memory: Harness = {
  connector: memoryDirectoryConnector,
  async open() {
    const ports = built(
      memoryDirectoryConnector,
      { tenant: "contract", groups: ["Marketing"] },
      { token: "contract-token" },
    );
    await ports.directory?.createUser({
      upn: "tom.williams@example.test",
      displayName: "Tom Williams",
      givenName: "Tom",
      surname: "Williams",
      mailNickname: "tom.williams",
      usageLocation: "US",
      password: "unused",
    });
    return {
      ports,
      fixtures: {
        domain: "example.test",
        existingUser: "tom.williams@example.test",
        group: "Marketing",
        sender: "it@example.test",
      },
      close: async () => undefined,
    };
  },
};

/** One harness per connector: the product's (every registry entry must have one) and the test-only ones. */
export const harnesses: Record<string, Harness> = {
  msgraph: onMicrosoftEmulator(
    connectors.find((c) => c.id === "msgraph")!,
    "graph",
  ),
  "exchange-online": onMicrosoftEmulator(
    connectors.find((c) => c.id === "exchange-online")!,
    "exchange",
  ),
  halopsa: onHaloPsaEmulator(connectors.find((c) => c.id === "halopsa")!),
  itglue: {
    connector: connectors.find((c) => c.id === "itglue")!,
    async open() {
      const emu = await startItglueEmulator({ profile: "fast", seed: "demo" });
      const ports = built(
        connectors.find((c) => c.id === "itglue")!,
        {
          baseUrl: emu.url,
          organizationId: itglueDemo.acme.organizationId,
          contactTypeId: itglueDemo.contactTypes.employee,
          offboard: { contactTypeId: itglueDemo.contactTypes.formerEmployee },
        },
        { apiKey: itglueDemo.apiKey },
      );
      return {
        ports,
        fixtures: { ...acmeFixtures, docsPerson: "tom.williams@acmecorp.com" },
        vaultEntry(credentialId) {
          const id = Number(credentialId);
          const a = emu.admin.password(id).attributes as Record<string, unknown>;
          const name = String(a.name);
          return {
            name,
            username: String(a.username ?? ""),
            secret: emu.admin.secretOf(id),
            notes: String(a.notes ?? ""),
            sameName: emu.admin.passwords().filter((p) => p.attributes.name === name).length,
          };
        },
        close: () => emu.close(),
      };
    },
  },
  "memory-directory": memory,
  connectwise: {
    connector: connectors.find((c) => c.id === "connectwise")!,
    async open() {
      const cw = await startConnectWiseEmulator({ profile: "fast", seed: "globex" });
      const ports = built(
        connectors.find((c) => c.id === "connectwise")!,
        {
          site: cw.url,
          companyId: globex.company.id,
          boardId: globex.board.id,
          statuses: { "waiting-on-customer": "Waiting Customer", completed: "Completed" },
        },
        globexApiKey,
      );
      return {
        ports,
        fixtures: {
          domain: globex.domain,
          existingUser: globex.contacts[0],
          group: "",
          psaContact: globex.contacts[0],
          psaTicket: String(globex.openTicket),
        },
        close: () => cw.close(),
      };
    },
  },
  ninjaone: {
    connector: connectors.find((c) => c.id === "ninjaone")!,
    async open() {
      const emulator = await startNinjaOneEmulator({ profile: "fast", seed: "demo" });
      const ports = built(
        connectors.find((c) => c.id === "ninjaone")!,
        { baseUrl: emulator.url, organizationId: ninjaDemo.acme.organizationId },
        { clientId: ninjaDemo.clientId, clientSecret: ninjaDemo.clientSecret },
      );
      return {
        ports,
        fixtures: {
          ...acmeFixtures,
          rmmSerial: ninjaDemo.acme.spareSerial,
          rmmAccount: {
            name: "ACME\\tom.williams",
            deviceId: String(ninjaDemo.acme.devices.tomLaptop),
          },
          rmmElsewhere: { deviceId: String(ninjaDemo.initech.devices.tomDesktop), serial: "INI-DT-0007" },
        },
        close: () => emulator.close(),
      };
    },
  },
  autotask: {
    connector: connectors.find((c) => c.id === "autotask")!,
    async open() {
      const emulator = await startAutotaskEmulator({ profile: "fast", seed: "initech" });
      const connector = connectors.find((c) => c.id === "autotask")!;
      const ports = built(
        connector,
        {
          zoneDiscoveryUrl: emulator.zoneDiscoveryUrl,
          companyID: initech.companyID,
          queueID: initech.queues.onboarding,
          priority: initech.priorities.medium,
          statuses: { phases: { "waiting-on-customer": initech.statuses.waitingCustomer, completed: 5 } },
          notes: { publish: initech.publish.internalOnly },
        },
        { ...initech.apiUser },
      );
      return {
        ports,
        fixtures: {
          domain: initech.domains[0],
          existingUser: initech.contacts.peter,
          group: "",
          psaContact: initech.contacts.peter,
          psaTicket: initech.openTicketNumber,
        },
        close: () => emulator.close(),
      };
    },
  },
  "datto-rmm": {
    connector: connectors.find((c) => c.id === "datto-rmm")!,
    async open() {
      const emu = await startDattoRmmEmulator({ profile: "fast", seed: "demo" });
      const ports = built(
        connectors.find((c) => c.id === "datto-rmm")!,
        { baseUrl: emu.url, siteUid: dattoDemo.globex.siteUid, ownerUdf: dattoDemo.ownerUdf },
        { apiKey: dattoDemo.apiKey, apiSecret: dattoDemo.apiSecret },
      );
      const fixtures = {
        domain: dattoDemo.globex.domain,
        existingUser: dattoDemo.globex.tom.email,
        group: "",
        rmmSerial: dattoDemo.globex.serials.newDesktop,
        rmmAccount: {
          name: dattoDemo.globex.tom.account,
          deviceId: dattoDemo.globex.devices.tomLaptop,
        },
        rmmElsewhere: { deviceId: dattoDemo.initech.devices.tomLaptop, serial: "INI-LT-0001" },
      };
      return { ports, fixtures, close: () => emu.close() };
    },
  },
  hudu: {
    connector: connectors.find((c) => c.id === "hudu")!,
    async open() {
      const emulator = await startHuduEmulator({ profile: "fast", seed: "demo" });
      const ports = built(
        connectors.find((c) => c.id === "hudu")!,
        {
          baseUrl: emulator.url,
          companyId: huduDemo.companies.globex.id,
          peopleLayoutId: huduDemo.peopleLayout.id,
        },
        { apiKey: huduDemo.apiKey },
      );
      return {
        ports,
        fixtures: {
          domain: huduDemo.companies.globex.domain,
          existingUser: huduDemo.tom.email,
          group: "",
          docsPerson: huduDemo.tom.email,
        },
        vaultEntry(credentialId) {
          const all = emulator.admin.passwords();
          const entry = all.find((p) => String(p.id) === credentialId);
          if (!entry) throw new Error(`no Hudu password ${credentialId}`);
          return {
            name: entry.name,
            username: entry.username,
            secret: entry.password,
            notes: entry.description,
            sameName: all.filter((p) => p.name === entry.name).length,
          };
        },
        close: () => emulator.close(),
      };
    },
  },
};

export const providing = (port: keyof Ports): Harness[] =>
  Object.values(harnesses).filter((h) => h.connector.provides.includes(port));

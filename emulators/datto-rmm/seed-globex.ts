import type { DattoRmmAdmin } from "./admin.ts";

/**
 * The demo MSP's Datto RMM account: Globex GmbH (globex.de) is a site with four devices and a printer,
 * among them Tom Williams's laptop (he signed in last, and the owner UDF names him) and a new desktop,
 * serial GLX-DT-0107, that nobody owns yet. Tom is twilliams@globex.de, GLOBEX\twilliams: Globex's
 * username format ("{f}{last}") gives him that, as every Globex seed has him. Initech LLC is another site
 * with its own twilliams, so a lookup that forgot its site would show. The owner lives in udf3 (udf1
 * holds an asset tag, which the connector must leave alone). Keys and uids are fixed so the demo's config can name them.
 */
export const dattoDemo = {
  apiKey: "DEMO7K2Q9XH4LIFECYCLE0001",
  apiSecret: "demo-datto-api-secret-0001",
  account: { uid: "lcm5p0d3", name: "Lifecycle Demo MSP" },
  ownerUdf: "udf3",
  globex: {
    siteUid: "6c3a9f2e-1b4d-4c8a-9e2f-3a5b7c9d1e0f",
    domain: "globex.de",
    devices: {
      tomLaptop: "a1f4c2d8-0b3e-4f6a-9c21-5d7e8f9a0b11",
      newDesktop: "b2e5d3c9-1c4f-4a7b-8d32-6e8f9a0b1c22",
      annaLaptop: "c3f6e4da-2d5a-4b8c-9e43-7f9a0b1c2d33",
      reception: "d4a7f5eb-3e6b-4c9d-8f54-8a0b1c2d3e44",
      printer: "e5b8a6fc-4f7c-4dae-9a65-9b1c2d3e4f55",
    },
    serials: { tomLaptop: "GLX-LT-0014", newDesktop: "GLX-DT-0107", annaLaptop: "GLX-LT-0009" },
    tom: { email: "twilliams@globex.de", account: "GLOBEX\\twilliams" },
  },
  initech: {
    siteUid: "7d4b0a3f-2c5e-4d9b-8f30-4b6c8d0e2f1a",
    devices: { tomLaptop: "f6c9b7ad-5a8d-4ebf-8b76-0c2d3e4f5a66" },
    tom: { email: "twilliams@initech.com", account: "INITECH\\twilliams" },
  },
} as const;

export function seedDattoDemo(admin: DattoRmmAdmin): typeof dattoDemo {
  const d = dattoDemo;
  const g = d.globex;
  admin.setAccount(d.account);
  admin.addApiKey({ apiKey: d.apiKey, apiSecret: d.apiSecret, username: "lifecycle-api" });
  admin.createSite({ uid: g.siteUid, name: "Globex GmbH", description: "Hauptsitz Berlin" });
  admin.createDevice({
    uid: g.devices.tomLaptop,
    site: g.siteUid,
    hostname: "GLX-BER-LT14",
    category: "Laptop",
    domain: "GLOBEX",
    lastLoggedInUser: g.tom.account,
    udf: { udf1: "Asset 4471", udf3: g.tom.email },
    serialNumber: g.serials.tomLaptop,
    manufacturer: "Lenovo",
    model: "ThinkPad T14 Gen 4",
  });
  admin.createDevice({
    uid: g.devices.newDesktop,
    site: g.siteUid,
    hostname: "GLX-BER-WS07",
    domain: "GLOBEX",
    udf: { udf1: "Asset 4502" },
    serialNumber: g.serials.newDesktop,
  });
  admin.createDevice({
    uid: g.devices.annaLaptop,
    site: g.siteUid,
    hostname: "GLX-BER-LT09",
    category: "Laptop",
    domain: "GLOBEX",
    lastLoggedInUser: "GLOBEX\\anna.schmidt",
    udf: { udf3: "anna.schmidt@globex.de" },
    serialNumber: g.serials.annaLaptop,
    manufacturer: "Lenovo",
    model: "ThinkPad T14 Gen 4",
  });
  admin.createDevice({
    uid: g.devices.reception,
    site: g.siteUid,
    hostname: "GLX-BER-EMPFANG",
    domain: "GLOBEX",
    lastLoggedInUser: "GLOBEX\\empfang",
    serialNumber: "GLX-DT-0031",
    online: false,
  });
  admin.createDevice({
    uid: g.devices.printer,
    site: g.siteUid,
    hostname: "GLX-BER-PRN01",
    deviceClass: "printer",
    category: "Printer",
    operatingSystem: "",
  });
  admin.createSite({ uid: d.initech.siteUid, name: "Initech LLC", description: "Austin" });
  admin.createDevice({
    uid: d.initech.devices.tomLaptop,
    site: d.initech.siteUid,
    hostname: "INI-AUS-LT01",
    category: "Laptop",
    domain: "INITECH",
    lastLoggedInUser: d.initech.tom.account,
    udf: { udf3: d.initech.tom.email },
    serialNumber: "INI-LT-0001",
  });
  return d;
}

import type { NinjaOneAdmin } from "./admin.ts";

/**
 * The demo MSP's NinjaOne: Acme Corp and Initech are organisations with a few devices each. At Acme, Tom
 * Williams is an end user who owns his laptop (the offboarding example) and ACME-LT-0042 waits unassigned
 * for Sarah Johnson (the onboarding example); both carry the serials the Acme tenant's Intune and
 * Autopilot know them by, so one `--device-serial` names the same laptop in both. At Initech, Tom Williams
 * is tomw@initech.com (Initech's username format, "{first}{l}") and owns his laptop too; Initech's devices
 * also include one last signed in on by an INITECH\tom.williams, so a lookup of Acme's Tom that forgot its
 * organisation shows. Ids, uids and the API client app are fixed so the demo's config can name them.
 */
export const ninjaDemo = {
  clientId: "lifecycle-demo-ninjaone-app",
  clientSecret: "ninjaone-demo-client-secret",
  acme: {
    organizationId: 101,
    domain: "acmecorp.com",
    tom: { id: 5001, uid: "6c1f7a52-2d0e-4b8e-9a41-7f3d2b9c0e11", email: "tom.williams@acmecorp.com" },
    devices: { tomLaptop: 2001, spare: 2002, reception: 2003, server: 2004 },
    /** The unassigned laptop Sarah Johnson's onboarding names: Autopilot's device of that serial. */
    spareSerial: "ACME-PC-0042",
    /** Tom's laptop ACME-LT-0117, as Intune knows it. */
    tomSerial: "5CG1234XYZ",
  },
  initech: {
    organizationId: 102,
    domain: "initech.com",
    peter: { id: 5101, uid: "0b9d3e64-8f2a-4c71-b5d6-2e4a9c8f1d22", email: "peter.gibbons@initech.com" },
    tom: { id: 5102, uid: "4e7a1c93-5b2d-4f68-a0c1-9d3e6b8f2a44", email: "tomw@initech.com" },
    devices: { peterLaptop: 3001, tomDesktop: 3002, fileServer: 3003, tomLaptop: 3004 },
    tomSerial: "PF3K7Q21",
  },
} as const;

export function seedNinjaDemo(admin: NinjaOneAdmin): typeof ninjaDemo {
  const d = ninjaDemo;
  admin.addApp({ clientId: d.clientId, secret: d.clientSecret, name: "Lifecycle" });

  admin.createOrganization({ id: d.acme.organizationId, name: "Acme Corp", description: "Acme Corp HQ" });
  admin.createEndUser({
    id: d.acme.tom.id,
    uid: d.acme.tom.uid,
    organization: d.acme.organizationId,
    firstName: "Tom",
    lastName: "Williams",
    email: d.acme.tom.email,
    phone: "+1 555 0117",
  });
  admin.createDevice({
    id: d.acme.devices.tomLaptop,
    organization: d.acme.organizationId,
    displayName: "ACME-LT-0117",
    serialNumber: d.acme.tomSerial,
    owner: d.acme.tom.uid,
    lastLoggedInUser: "ACME\\tom.williams",
  });
  admin.createDevice({
    id: d.acme.devices.spare,
    organization: d.acme.organizationId,
    displayName: "ACME-LT-0042",
    serialNumber: d.acme.spareSerial,
    model: "Latitude 7440",
  });
  admin.createDevice({
    id: d.acme.devices.reception,
    organization: d.acme.organizationId,
    displayName: "ACME-DT-0003",
    serialNumber: "ACME-DT-0003",
    model: "OptiPlex 7010",
    lastLoggedInUser: "ACME\\mike.chen",
  });
  admin.createDevice({
    id: d.acme.devices.server,
    organization: d.acme.organizationId,
    displayName: "ACME-SRV-01",
    serialNumber: "ACME-SRV-01",
    nodeClass: "WINDOWS_SERVER",
    model: "PowerEdge R650",
    os: "Windows Server 2022 Standard",
    lastLoggedInUser: "ACME\\administrator",
  });

  admin.createOrganization({ id: d.initech.organizationId, name: "Initech", description: "Initech Austin" });
  admin.createEndUser({
    id: d.initech.peter.id,
    uid: d.initech.peter.uid,
    organization: d.initech.organizationId,
    firstName: "Peter",
    lastName: "Gibbons",
    email: d.initech.peter.email,
  });
  admin.createDevice({
    id: d.initech.devices.peterLaptop,
    organization: d.initech.organizationId,
    displayName: "INI-LT-0100",
    serialNumber: "INI-LT-0100",
    manufacturer: "Lenovo",
    model: "ThinkPad T14",
    owner: d.initech.peter.uid,
    lastLoggedInUser: "INITECH\\peter.gibbons",
  });
  admin.createDevice({
    id: d.initech.devices.tomDesktop,
    organization: d.initech.organizationId,
    displayName: "INI-DT-0007",
    serialNumber: "INI-DT-0007",
    manufacturer: "Lenovo",
    model: "ThinkCentre M70q",
    lastLoggedInUser: "INITECH\\tom.williams",
  });
  admin.createDevice({
    id: d.initech.devices.fileServer,
    organization: d.initech.organizationId,
    displayName: "INI-FS-01",
    serialNumber: "INI-FS-01",
    nodeClass: "WINDOWS_SERVER",
    os: "Windows Server 2019 Standard",
  });
  admin.createEndUser({
    id: d.initech.tom.id,
    uid: d.initech.tom.uid,
    organization: d.initech.organizationId,
    firstName: "Tom",
    lastName: "Williams",
    email: d.initech.tom.email,
  });
  admin.createDevice({
    id: d.initech.devices.tomLaptop,
    organization: d.initech.organizationId,
    displayName: "INI-LT-0114",
    serialNumber: d.initech.tomSerial,
    manufacturer: "Lenovo",
    model: "ThinkPad T14",
    owner: d.initech.tom.uid,
    lastLoggedInUser: "INITECH\\tomw",
  });
  return d;
}

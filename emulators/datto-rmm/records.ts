import type { DattoContext, DeviceRec, SiteRec } from "./state.ts";

/**
 * Records as Datto's answers carry them (the spec-derived `Device`, `Site`, `DeviceAudit`): the stored
 * fields plus what Datto derives (site name, device counts, links). Fields the emulator has no use for
 * are sent with plausible constants, so a client reading them finds the type it expects.
 */

const deviceUrl = (ctx: DattoContext, d: DeviceRec) =>
  `${ctx.settings.portalUrl}/csm/search?qs=uid%3A${d.uid}`;

export function deviceView(ctx: DattoContext, d: DeviceRec): Record<string, unknown> {
  const site = ctx.data.sites.get(d.siteUid);
  return {
    id: d.id,
    uid: d.uid,
    siteId: site?.id ?? 0,
    siteUid: d.siteUid,
    siteName: site?.name ?? "",
    deviceType: { category: d.category, type: d.deviceClass === "device" ? "Workstation" : d.category },
    hostname: d.hostname,
    intIpAddress: d.intIpAddress,
    operatingSystem: d.operatingSystem,
    lastLoggedInUser: d.lastLoggedInUser,
    domain: d.domain,
    cagVersion: "4.4.2226.2226",
    displayVersion: "4.4.2226",
    extIpAddress: d.extIpAddress,
    description: d.description,
    a64Bit: true,
    rebootRequired: false,
    online: d.online,
    suspended: false,
    deleted: false,
    lastSeen: d.lastSeen,
    lastReboot: d.lastSeen,
    lastAuditDate: d.lastSeen,
    creationDate: d.creationDate,
    udf: { ...d.udf },
    snmpEnabled: false,
    deviceClass: d.deviceClass,
    portalUrl: deviceUrl(ctx, d),
    warrantyDate: null,
    antivirus: { antivirusProduct: "Datto EDR", antivirusStatus: "RunningAndUpToDate" },
    patchManagement: {
      patchStatus: "FullyPatched",
      patchesApprovedPending: 0,
      patchesNotApproved: 0,
      patchesInstalled: 42,
    },
    softwareStatus: "Compliant",
    webRemoteUrl: `${ctx.settings.portalUrl}/csm/remote/rto/${d.uid}`,
  };
}

export function siteView(ctx: DattoContext, s: SiteRec): Record<string, unknown> {
  const devices = [...ctx.data.devices.values()].filter((d) => d.siteUid === s.uid);
  const online = devices.filter((d) => d.online).length;
  return {
    id: s.id,
    uid: s.uid,
    accountUid: ctx.data.account.uid,
    name: s.name,
    description: s.description,
    notes: s.notes,
    onDemand: s.onDemand,
    splashtopAutoInstall: false,
    proxySettings: null,
    devicesStatus: {
      numberOfDevices: devices.length,
      numberOfOnlineDevices: online,
      numberOfOfflineDevices: devices.length - online,
    },
    autotaskCompanyName: s.autotaskCompanyName,
    autotaskCompanyId: s.autotaskCompanyId,
    portalUrl: `${ctx.settings.portalUrl}/csm/profile/site/${s.uid}`,
  };
}

export function auditView(ctx: DattoContext, d: DeviceRec): Record<string, unknown> {
  return {
    portalUrl: deviceUrl(ctx, d),
    webRemoteUrl: `${ctx.settings.portalUrl}/csm/remote/rto/${d.uid}`,
    systemInfo: {
      manufacturer: d.audit.manufacturer,
      model: d.audit.model,
      totalPhysicalMemory: 17_179_869_184,
      username: d.lastLoggedInUser,
      dotNetVersion: "4.8.09032",
      totalCpuCores: 8,
    },
    nics: [
      {
        instance: "Ethernet",
        ipv4: d.intIpAddress,
        ipv6: null,
        macAddress: "00:15:5D:01:02:03",
        type: "Ethernet",
      },
    ],
    bios: {
      instance: `${d.audit.manufacturer} BIOS`,
      releaseDate: "2024-03-12T00:00:00Z",
      serialNumber: d.audit.serialNumber,
      smBiosVersion: "3.4",
    },
    baseBoard: { manufacturer: d.audit.manufacturer, product: d.audit.model },
    displays: [],
    logicalDisks: [
      {
        description: "Local Fixed Disk",
        diskIdentifier: "C:",
        freespace: 200_000_000_000,
        size: 512_000_000_000,
      },
    ],
    mobileInfo: [],
    processors: [{ name: "Intel(R) Core(TM) i7-1365U" }],
    videoBoards: [],
    attachedDevices: [],
    physicalMemory: [],
  };
}

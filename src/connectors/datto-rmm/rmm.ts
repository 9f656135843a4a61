import { LifecycleError } from "../../domain/errors.ts";
import type { Rmm, RmmDevice } from "../../ports/index.ts";
import { collect, VendorError } from "../http/index.ts";
import type { DattoApi } from "./api.ts";
import type { DattoRmmConfig } from "./config.ts";
import type { DattoDevice } from "./shapes.ts";
import { accountName } from "../../domain/sign-in-name.ts";

const same = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? "").trim().toLowerCase() === (b ?? "").trim().toLowerCase();

const refused = (what: string) =>
  new LifecycleError({
    kind: "invalid",
    code: "NOT_SUPPORTED",
    message: `Datto RMM has no end users to ${what}: it keeps devices, and a device's owner in a UDF`,
  });

/**
 * The RMM port over Datto RMM, for one client's site (config.siteUid). Datto keeps no end users, so a
 * device's owner is the address in the client's owner UDF; a person's devices are those owned by their
 * address or last signed in on by one of their accounts. Writes read the device first and are skipped
 * when it already says so: Datto's write budget is a sixth of its read budget.
 */
export function dattoRmm(api: DattoApi, config: DattoRmmConfig): Rmm {
  const ownerOf = (d: DattoDevice) => d.udf?.[config.ownerUdf]?.trim() || undefined;
  const inSite = (d: DattoDevice) => d.siteUid === config.siteUid && d.deleted !== true;
  const auditable = (d: DattoDevice) => d.deviceClass === undefined || d.deviceClass === "device";

  async function serialOf(d: DattoDevice): Promise<string | undefined> {
    if (config.serialSource !== "audit") return d.udf?.[config.serialSource]?.trim() || undefined;
    if (!auditable(d)) return undefined;
    return (await api.audit(d.uid))?.bios?.serialNumber?.trim() || undefined;
  }

  const deviceOf = (d: DattoDevice, serial: string | undefined): RmmDevice => {
    const owner = ownerOf(d);
    return {
      id: d.uid,
      name: d.hostname ?? d.description ?? d.uid,
      ...(serial !== undefined ? { serial } : {}),
      ...(owner !== undefined ? { owner } : {}),
      ...(d.lastLoggedInUser ? { lastLoggedInUser: d.lastLoggedInUser } : {}),
      ...(d.portalUrl ? { url: d.portalUrl } : {}),
    };
  };

  const siteDevices = async () => (await collect(api.siteDevices(config.siteUid))).filter(inSite);

  /** The site's device by its uid; one of another site (moved to another client) is not this client's. */
  async function ownDevice(deviceId: string): Promise<DattoDevice | undefined> {
    const d = await api.deviceIfAny(deviceId);
    return d && inSite(d) ? d : undefined;
  }

  return {
    vendor: "Datto RMM",
    endUsers: false,

    findEndUser: async () => undefined,
    createEndUser: () => Promise.reject(refused("create")),
    removeEndUser: () => Promise.reject(refused("remove")),

    async findDeviceBySerial(serial) {
      if (!serial.trim()) return undefined;
      const devices = await siteDevices();
      if (config.serialSource !== "audit") {
        const found = devices.find((d) => same(d.udf?.[config.serialSource], serial));
        return found && deviceOf(found, await serialOf(found));
      }
      // One audit a device: devices named after their serial (a common habit) are asked first, so the
      // usual lookup costs one audit rather than one for each device of the site.
      const named = (d: DattoDevice) =>
        [d.hostname, d.description].some((n) => n?.toLowerCase().includes(serial.trim().toLowerCase()));
      const candidates = devices.filter(auditable);
      for (const d of [...candidates.filter(named), ...candidates.filter((d) => !named(d))]) {
        const found = await serialOf(d);
        if (same(found, serial)) return deviceOf(d, found);
      }
      return undefined;
    },

    async devicesOf(person) {
      const accounts = new Set(person.accounts.map(accountName).filter(Boolean));
      const theirs = (await siteDevices()).filter(
        (d) =>
          same(ownerOf(d), person.email) ||
          (d.lastLoggedInUser !== undefined && accounts.has(accountName(d.lastLoggedInUser))),
      );
      const out: RmmDevice[] = [];
      for (const d of theirs) out.push(deviceOf(d, await serialOf(d)));
      return out;
    },

    async setDeviceOwner(deviceId, owner) {
      const d = await api.device(deviceId);
      if (!inSite(d))
        throw new LifecycleError({
          kind: "not-found",
          code: "OBJECT_NOT_FOUND",
          message: `device ${deviceId} is not in the client's Datto RMM site`,
        });
      if (same(ownerOf(d), owner.email)) return;
      await api.setUdfs(d.uid, { [config.ownerUdf]: owner.email.trim() });
    },

    async clearDeviceOwner(deviceId) {
      const d = await ownDevice(deviceId);
      if (!d || ownerOf(d) === undefined) return;
      try {
        await api.setUdfs(d.uid, { [config.ownerUdf]: "" });
      } catch (error) {
        // Deleted between the read and the write: it has no owner any more either.
        if (error instanceof VendorError && error.failure.kind === "not-found") return;
        throw error;
      }
    },
  };
}

import { LifecycleError } from "../../domain/errors.ts";
import type { NewRmmEndUser, Rmm, RmmDevice, RmmEndUser } from "../../ports/index.ts";
import { VendorError } from "../http/index.ts";
import type { NinjaApi } from "./api.ts";
import type { NinjaOneConfig } from "./config.ts";
import type { NinjaDetailedDevice, NinjaEndUser, NinjaUser } from "./shapes.ts";
import { accountName } from "../../domain/sign-in-name.ts";

/** NinjaOne's ids are int32; anything else names nothing there. */
function ninjaId(id: string, what: string): number {
  const trimmed = id.trim();
  if (!/^\d{1,10}$/.test(trimmed) || Number(trimmed) > 2_147_483_647)
    throw new LifecycleError({
      kind: "not-found",
      code: "OBJECT_NOT_FOUND",
      message: `"${id}" is not a NinjaOne ${what} id`,
    });
  return Number(trimmed);
}

const sameAddress = (a: string | undefined, b: string) =>
  (a ?? "").trim().toLowerCase() === b.trim().toLowerCase();

const isNotFound = (error: unknown) => error instanceof VendorError && error.failure.kind === "not-found";

function endUserOf(u: NinjaUser | NinjaEndUser, fallback?: { email: string }): RmmEndUser {
  return {
    id: String(u.id),
    ownerRef: u.uid,
    email: u.email ?? fallback?.email ?? "",
    ...(u.firstName ? { firstName: u.firstName } : {}),
    ...(u.lastName ? { lastName: u.lastName } : {}),
    enabled: u.enabled !== false,
  };
}

/**
 * The RMM port over NinjaOne, for one client (config.organizationId). End users are NinjaOne's portal end
 * users of the organisation (deleted to offboard: they have no disable); a device's owner is its
 * `assignedOwnerUid`, an end user's `uid`. Devices are read from devices-detailed with the filter
 * `org = {id}`; a device or end user of another organisation is never touched.
 */
export function ninjaRmm(api: NinjaApi, config: NinjaOneConfig): Rmm {
  const org = config.organizationId;
  const df = `org = ${org}`;

  const deviceOf = (d: NinjaDetailedDevice): RmmDevice => {
    const serial = d.system?.serialNumber || d.system?.biosSerialNumber;
    return {
      id: String(d.id),
      name: d.displayName || d.systemName || d.dnsName || String(d.id),
      ...(serial ? { serial } : {}),
      ...(d.assignedOwnerUid ? { owner: d.assignedOwnerUid } : {}),
      ...(d.lastLoggedInUser ? { lastLoggedInUser: d.lastLoggedInUser } : {}),
      ...(config.deviceUrl ? { url: config.deviceUrl.replace("{id}", String(d.id)) } : {}),
    };
  };

  async function findEndUser(email: string): Promise<RmmEndUser | undefined> {
    const users = await api.organizationEndUsers(org);
    const found = users.find(
      (u) =>
        u.userType !== "TECHNICIAN" &&
        (u.organizationId === undefined || u.organizationId === org) &&
        sameAddress(u.email, email),
    );
    return found && endUserOf(found);
  }

  /** The device, if it is this organisation's; else a not-found naming it. */
  async function ownDevice(deviceId: string) {
    const id = ninjaId(deviceId, "device");
    const device = await api.device(id);
    if (!device || device.organizationId !== org)
      throw new LifecycleError({
        kind: "not-found",
        code: "OBJECT_NOT_FOUND",
        message: `NinjaOne device ${id} is not in organization ${org}`,
      });
    return device;
  }

  return {
    vendor: "NinjaOne",
    endUsers: true,

    findEndUser,

    async createEndUser(user: NewRmmEndUser) {
      try {
        const created = await api.createEndUser(
          {
            firstName: user.firstName,
            lastName: user.lastName,
            email: user.email.trim(),
            ...(user.phone ? { phone: user.phone } : {}),
            organizationId: org,
            fullPortalAccess: config.fullPortalAccess,
          },
          config.sendInvitation,
        );
        return endUserOf(created, user);
      } catch (error) {
        // The address is taken: by this organisation's person (a create whose answer was lost), who is
        // then the one asked for, or by someone elsewhere, which stays a conflict.
        if (error instanceof VendorError && error.failure.code === "ALREADY_EXISTS") {
          const existing = await findEndUser(user.email);
          if (existing) return existing;
        }
        throw error;
      }
    },

    async removeEndUser(endUserId) {
      let id: number;
      try {
        id = ninjaId(endUserId, "end user");
      } catch {
        return;
      }
      const existing = await api.endUser(id);
      // Gone already, or another organisation's (not this client's to delete): nothing to do here.
      if (!existing || existing.organizationId !== org) return;
      try {
        await api.deleteEndUser(id);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },

    async findDeviceBySerial(serial) {
      const wanted = serial.trim().toLowerCase();
      if (!wanted) return undefined;
      // The device filter has no serial-number term: the organisation's devices are read until it turns up.
      for await (const d of api.devicesDetailed(df)) {
        if (d.organizationId !== undefined && d.organizationId !== org) continue;
        const serials = [d.system?.serialNumber, d.system?.biosSerialNumber];
        if (serials.some((s) => s !== undefined && s.trim().toLowerCase() === wanted)) return deviceOf(d);
      }
      return undefined;
    },

    async devicesOf(person) {
      const ownerRef = person.ownerRef ?? (await findEndUser(person.email))?.ownerRef;
      const accounts = new Set(person.accounts.map(accountName).filter(Boolean));
      const out: RmmDevice[] = [];
      for await (const d of api.devicesDetailed(df)) {
        if (d.organizationId !== undefined && d.organizationId !== org) continue;
        const owned = ownerRef !== undefined && d.assignedOwnerUid === ownerRef;
        const signedIn = d.lastLoggedInUser ? accounts.has(accountName(d.lastLoggedInUser)) : false;
        if (owned || signedIn) out.push(deviceOf(d));
      }
      return out;
    },

    async setDeviceOwner(deviceId, owner) {
      const device = await ownDevice(deviceId);
      const ownerRef = owner.ownerRef ?? (await findEndUser(owner.email))?.ownerRef;
      if (!ownerRef)
        throw new LifecycleError({
          kind: "not-found",
          code: "OBJECT_NOT_FOUND",
          message: `no NinjaOne end user ${owner.email} in organization ${org} to own device ${device.id}`,
        });
      if (device.assignedOwnerUid === ownerRef) return;
      await api.setDeviceOwner(device.id, ownerRef);
    },

    async clearDeviceOwner(deviceId) {
      const device = await ownDevice(deviceId);
      if (!device.assignedOwnerUid) return;
      await api.removeDeviceOwner(device.id);
    },
  };
}

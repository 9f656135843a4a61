/**
 * The RMM (remote monitoring and management) an MSP runs the client's devices in: NinjaOne and Datto RMM
 * serve it. A connector instance is bound to one client's organisation (NinjaOne) or site (Datto RMM) by
 * its config, so nothing here names one.
 *
 * Not every RMM keeps end users: NinjaOne has them, Datto RMM has only devices (and its technicians'
 * accounts). `endUsers` says which; an action asks before it calls the end-user methods, which an RMM
 * without them refuses (kind "invalid", code NOT_SUPPORTED), and skips with that reason.
 */

/** A person of the client's organisation as the RMM knows them (NinjaOne's end user). */
export interface RmmEndUser {
  /** The RMM's own id, as text whatever its type there. */
  id: string;
  /**
   * What a device's owner is set to: NinjaOne's `uid` (not its numeric id). Absent where the RMM owns
   * devices by id.
   */
  ownerRef?: string;
  email: string;
  firstName?: string;
  lastName?: string;
  enabled: boolean;
}

export interface NewRmmEndUser {
  firstName: string;
  lastName: string;
  email: string;
  phone?: string;
}

/** A device of the client in the RMM. */
export interface RmmDevice {
  id: string;
  /** What people call it: the host name or the RMM's display name. */
  name: string;
  serial?: string;
  /**
   * Whom the RMM records as its owner: an end user's `ownerRef` (NinjaOne), or the address written in
   * the client's owner field (Datto RMM's user-defined field).
   */
  owner?: string;
  /** The account last signed in on it, as the agent reports it ("ACME\\sarah.johnson"). */
  lastLoggedInUser?: string;
  /** Where a person opens it in the RMM's own web UI, when the connector knows. */
  url?: string;
}

/** Whom a device is assigned to: the end user where the RMM keeps them, else the person's address. */
export interface RmmOwner {
  email: string;
  /** The end user's `ownerRef`, where the RMM keeps end users. */
  ownerRef?: string;
}

export interface Rmm {
  /** What people call the product ("NinjaOne", "Datto RMM"): what the run's words name it by. */
  readonly vendor: string;
  /** Whether the RMM keeps end users (NinjaOne) or only devices (Datto RMM). */
  readonly endUsers: boolean;
  /** The end user with this address in the client's organisation, enabled or not. */
  findEndUser(email: string): Promise<RmmEndUser | undefined>;
  /** In the client's organisation; refused where `endUsers` is false. */
  createEndUser(user: NewRmmEndUser): Promise<RmmEndUser>;
  /**
   * Removes the end user (NinjaOne has no disable: its end users are deleted); a missing one is not an
   * error. Refused where `endUsers` is false.
   */
  removeEndUser(endUserId: string): Promise<void>;
  /** The client's device with this serial number, or undefined. */
  findDeviceBySerial(serial: string): Promise<RmmDevice | undefined>;
  /**
   * The client's devices this person has: owned by them (end user or owner field), or last signed in
   * on by one of `accounts` (sign-in names as the agent reports them, compared without case or domain).
   */
  devicesOf(person: { email: string; ownerRef?: string; accounts: string[] }): Promise<RmmDevice[]>;
  /** Records `owner` as the device's owner, replacing whoever was. */
  setDeviceOwner(deviceId: string, owner: RmmOwner): Promise<void>;
  /** Clears the device's owner; a device with none is left as it is. */
  clearDeviceOwner(deviceId: string): Promise<void>;
}

import { randomUUID } from "node:crypto";
import { isoSeconds } from "../clock.ts";
import { GraphError, graphErrors } from "../errors.ts";
import { isObject, type Json } from "../json.ts";
import type { Tenant, UserRecord } from "../model.ts";
import { findUser, upnOf } from "../state.ts";
import {
  assignedLicensesView,
  assignedPlansView,
  licenseAssignmentStatesView,
  provisionedPlansView,
  reconcileGroupLicenses,
  type LicenseEffects,
} from "./licensing.ts";
import { requiredOnCreate, selectable, userProperties, type PropSpec } from "./properties.ts";

/** Creating, changing and deleting users with the directory's validation rules (reference §1, §8, §10). */

export interface DirectoryTiming extends LicenseEffects {
  replicationLagMs: number;
}

const passwordRejected = (): GraphError =>
  graphErrors.badRequest(
    "The specified password does not comply with password complexity requirements. Please provide a different password.",
  );

/** Entra's default policy: 8–256 characters and three of the four character classes. */
function passwordAcceptable(password: string): boolean {
  if (password.length < 8 || password.length > 256) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return classes >= 3;
}

export function createUser(tenant: Tenant, body: unknown, now: number, timing: DirectoryTiming): UserRecord {
  if (!isObject(body)) throw graphErrors.unreadableJson();
  const values = readProperties(body, "create");
  for (const name of requiredOnCreate) {
    if (values[name] === undefined || values[name] === null) throw graphErrors.invalidValue(name, "User");
  }
  const upn = String(values.userPrincipalName);
  checkUpn(tenant, upn, undefined);
  const id = randomUUID();
  const user: UserRecord = {
    id,
    visibleAt: now + timing.replicationLagMs,
    props: {
      businessPhones: [],
      mail: null,
      proxyAddresses: [],
      imAddresses: [],
      otherMails: [],
      userType: "Member",
      creationType: null,
      onPremisesSyncEnabled: null,
      createdDateTime: isoSeconds(now),
      signInSessionsValidFromDateTime: isoSeconds(now),
      lastPasswordChangeDateTime: isoSeconds(now),
      deletedDateTime: null,
      id,
    },
    password: undefined,
    managerId: undefined,
    directLicenses: [],
    groupLicenses: [],
    usageLocationEffectiveAt: now + timing.replicationLagMs,
    authMethods: [],
  };
  applyValues(user, values, now, timing);
  tenant.users.set(id, user);
  return user;
}

export function updateUser(
  tenant: Tenant,
  user: UserRecord,
  body: unknown,
  now: number,
  timing: DirectoryTiming,
): void {
  if (!isObject(body)) throw graphErrors.unreadableJson();
  const values = readProperties(body, "update");
  if (user.props.onPremisesSyncEnabled === true && Object.keys(values).some((k) => k !== "usageLocation")) {
    throw graphErrors.badRequest(
      "Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.",
    );
  }
  if (typeof values.userPrincipalName === "string") checkUpn(tenant, values.userPrincipalName, user.id);
  keepReplica(user, now, timing.replicationLagMs);
  applyValues(user, values, now, timing);
}

/** As for group members: the properties before the first update of a burst, until the lag has passed. */
function keepReplica(user: UserRecord, now: number, lagMs: number): void {
  if (lagMs <= 0) return;
  const stale = user.replica && user.replica.until > now ? user.replica.props : structuredClone(user.props);
  user.replica = { props: stale, until: now + lagMs };
}

export function deleteUser(tenant: Tenant, user: UserRecord, now: number, timing: DirectoryTiming): void {
  tenant.users.delete(user.id);
  tenant.mailboxes.delete(user.id);
  for (const device of tenant.mobileDevices.values())
    if (device.userId === user.id) tenant.mobileDevices.delete(device.guid);
  for (const group of tenant.groups.values()) group.members.delete(user.id);
  for (const other of tenant.users.values()) {
    if (other.managerId === user.id) other.managerId = undefined;
    reconcileGroupLicenses(tenant, other, now, timing);
  }
}

function checkUpn(tenant: Tenant, upn: string, selfId: string | undefined): void {
  const at = upn.lastIndexOf("@");
  if (at < 1 || /[\s"(),:;<>[\\\]]/.test(upn))
    throw graphErrors.badRequest("Property userPrincipalName is invalid.");
  const domain = upn.slice(at + 1).toLowerCase();
  if (!tenant.domains.includes(domain)) {
    throw new GraphError(
      400,
      "Request_BadRequest",
      "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.",
      { details: [{ code: "InvalidValue", target: "userPrincipalName" }] },
    );
  }
  const existing = findUser(tenant, upn);
  if (existing && existing.id !== selfId) throw graphErrors.duplicate("userPrincipalName");
}

/** Validates names, write rules and types; returns the values under their canonical names. */
function readProperties(body: Record<string, unknown>, mode: "create" | "update"): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [rawName, value] of Object.entries(body)) {
    if (rawName.startsWith("@odata.")) continue;
    const name = selectable(userProperties, rawName);
    if (!name) throw graphErrors.unknownProperty(rawName);
    const spec = userProperties[name] as PropSpec;
    if (spec.write === "never" || (spec.write === "create" && mode === "update"))
      throw graphErrors.readOnlyProperty(name);
    if (!valueFits(spec, value)) throw graphErrors.invalidValue(name, "User");
    out[name] = value as Json;
  }
  if (
    out.usageLocation !== undefined &&
    out.usageLocation !== null &&
    !/^[A-Z]{2}$/.test(String(out.usageLocation))
  ) {
    throw graphErrors.invalidValue("usageLocation", "User");
  }
  return out;
}

function valueFits(spec: PropSpec, value: unknown): boolean {
  if (value === null) return spec.nullable === true;
  switch (spec.type) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "stringArray":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "dateTime":
      return typeof value === "string" && !Number.isNaN(Date.parse(value));
    case "object":
      return isObject(value);
    case "objectArray":
      return Array.isArray(value) && value.every(isObject);
  }
}

function applyValues(
  user: UserRecord,
  values: Record<string, Json>,
  now: number,
  timing: DirectoryTiming,
): void {
  for (const [name, value] of Object.entries(values)) {
    if (name === "passwordProfile") {
      applyPassword(user, value, now);
      continue;
    }
    user.props[name] = value;
    if (name === "usageLocation") user.usageLocationEffectiveAt = now + timing.replicationLagMs;
  }
}

function applyPassword(user: UserRecord, value: Json, now: number): void {
  if (!isObject(value)) throw graphErrors.invalidValue("passwordProfile", "User");
  const password = value.password;
  if (password !== undefined && password !== null) {
    if (typeof password !== "string" || !passwordAcceptable(password)) throw passwordRejected();
    user.password = password;
    user.props.lastPasswordChangeDateTime = isoSeconds(now);
  } else if (user.password === undefined) {
    throw graphErrors.invalidValue("passwordProfile", "User");
  }
  user.props.passwordProfile = {
    password: null,
    forceChangePasswordNextSignIn: value.forceChangePasswordNextSignIn === true,
    forceChangePasswordNextSignInWithMfa: value.forceChangePasswordNextSignInWithMfa === true,
  };
}

/** Every property Graph could return for the user, computed ones included. */
export function userView(tenant: Tenant, user: UserRecord, now: number): Record<string, Json> {
  const props = user.replica && user.replica.until > now ? user.replica.props : user.props;
  return {
    ...props,
    userPrincipalName: String(props.userPrincipalName ?? upnOf(user)),
    assignedLicenses: assignedLicensesView(user),
    assignedPlans: assignedPlansView(tenant, user),
    provisionedPlans: provisionedPlansView(tenant, user, now),
    licenseAssignmentStates: licenseAssignmentStatesView(user),
  };
}

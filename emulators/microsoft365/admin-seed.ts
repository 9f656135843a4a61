import { AdminError } from "../kit/admin.ts";
import { randomBytes, randomUUID } from "node:crypto";
import type { z } from "zod";
import { defaultExchangeRoles, defaultGraphRoles } from "./auth.ts";
import { isoSeconds } from "./clock.ts";
import type { EmulatorContext } from "./context.ts";
import { createGroupRecord } from "./directory/groups.ts";
import { freeSeats, reconcileGroupLicenses } from "./directory/licensing.ts";
import { createMailbox, settleMailboxes } from "./directory/mailboxes.ts";
import { addMember } from "./directory/members.ts";
import { skuCatalog } from "./directory/sku-catalog.ts";
import { passwordMethodId } from "./graph/auth-methods.ts";
import type {
  AppRegistration,
  AuthMethod,
  DeviceRecord,
  GroupRecord,
  MailboxType,
  SkuRecord,
  Tenant,
  UserRecord,
} from "./model.ts";
import type {
  appSeed,
  authMethodSeed,
  autopilotDeviceSeed,
  groupSeed,
  mailboxSeed,
  managedDeviceSeed,
  mobileDeviceSeed,
  skuSeed,
  userSeed,
} from "./seed-schemas.ts";
import { findUser, upnOf } from "./state.ts";

/**
 * Building state from admin seeds. Seeded objects exist "since forever": no replication lag and
 * ready mailboxes, so a test starts from a settled tenant and adds lag only where it means to.
 */

export { AdminError };

export function buildAppRegistration(input: z.output<typeof appSeed>): AppRegistration {
  const secrets = [...(input.clientSecrets ?? []), ...(input.clientSecret ? [input.clientSecret] : [])];
  if (!secrets.length && !input.certificateThumbprints?.length)
    secrets.push(randomBytes(30).toString("base64url"));
  return {
    clientId: (input.clientId ?? randomUUID()).toLowerCase(),
    displayName: input.displayName ?? "Lifecycle",
    secrets,
    certificateThumbprints: input.certificateThumbprints ?? [],
    consented: input.consented,
    graphRoles: input.roles ?? [...defaultGraphRoles],
    directoryRoles: [...(input.directoryRoles ?? [])],
    exchangeRoles: input.exchangeRoles ?? [...defaultExchangeRoles],
  };
}

export function resolveSku(tenant: Tenant, ref: string): SkuRecord {
  const key = ref.toLowerCase();
  const sku = [...tenant.skus.values()].find((s) => s.skuId === key || s.skuPartNumber.toLowerCase() === key);
  if (!sku) throw new AdminError(404, `tenant ${tenant.id} has no SKU '${ref}'`);
  return sku;
}

export function resolveUser(tenant: Tenant, ref: string): UserRecord {
  const user = findUser(tenant, ref);
  if (!user) throw new AdminError(404, `tenant ${tenant.id} has no user '${ref}'`);
  return user;
}

export function resolveGroup(tenant: Tenant, ref: string): GroupRecord {
  const key = ref.toLowerCase();
  const group =
    tenant.groups.get(key) ??
    [...tenant.groups.values()].find(
      (g) =>
        String(g.props.displayName).toLowerCase() === key || String(g.props.mail ?? "").toLowerCase() === key,
    );
  if (!group) throw new AdminError(404, `tenant ${tenant.id} has no group '${ref}'`);
  return group;
}

export function seedSku(tenant: Tenant, input: z.output<typeof skuSeed>): SkuRecord {
  const known = skuCatalog[input.skuPartNumber];
  const skuId = (input.skuId ?? known?.skuId ?? randomUUID()).toLowerCase();
  const plans = input.servicePlans ?? known?.servicePlans ?? [];
  const sku: SkuRecord = {
    skuId,
    skuPartNumber: input.skuPartNumber,
    capabilityStatus: input.capabilityStatus,
    prepaidUnits: { enabled: input.seats, suspended: 0, warning: 0, lockedOut: 0 },
    servicePlans: plans.map((p) => ({
      ...p,
      servicePlanId: p.servicePlanId.toLowerCase(),
      appliesTo: "User",
      provisioningStatus: "Success",
    })),
    subscriptionIds: [randomUUID()],
  };
  tenant.skus.set(skuId, sku);
  return sku;
}

function authMethod(input: z.output<typeof authMethodSeed>, now: number): AuthMethod {
  const base = { createdAt: now };
  switch (input.type) {
    case "phone": {
      const ids = {
        mobile: "3179e48a-750b-4051-897c-87b9720928f7",
        alternateMobile: "b6332ec1-7057-4abe-9331-3d72feddfe41",
        office: "e37fc753-ff3b-4958-9484-eaa9425c82bc",
      };
      return {
        ...base,
        id: ids[input.phoneType],
        type: "phoneAuthenticationMethod",
        props: { phoneNumber: input.phoneNumber, phoneType: input.phoneType, smsSignInState: "notSupported" },
      };
    }
    case "microsoftAuthenticator":
      return {
        ...base,
        id: randomUUID(),
        type: "microsoftAuthenticatorAuthenticationMethod",
        props: {
          displayName: input.displayName,
          deviceTag: input.deviceTag,
          phoneAppVersion: input.phoneAppVersion,
        },
      };
    case "fido2":
      return {
        ...base,
        id: randomBytes(24).toString("base64url"),
        type: "fido2AuthenticationMethod",
        props: {
          displayName: input.displayName,
          model: input.model,
          aaGuid: input.aaGuid,
          attestationLevel: "attested",
          attestationCertificates: [],
        },
      };
    case "email":
      return {
        ...base,
        id: "3ddfcfc8-9383-446f-83cc-3ab9be4be18f",
        type: "emailAuthenticationMethod",
        props: { emailAddress: input.emailAddress },
      };
    case "softwareOath":
      return {
        ...base,
        id: randomUUID(),
        type: "softwareOathAuthenticationMethod",
        props: { secretKey: null },
      };
    case "windowsHelloForBusiness":
      return {
        ...base,
        id: randomBytes(24).toString("base64url"),
        type: "windowsHelloForBusinessAuthenticationMethod",
        props: { displayName: input.displayName, keyStrength: "normal" },
      };
  }
}

const mailboxTypes: Record<"user" | "shared" | "room" | "equipment", MailboxType> = {
  user: "UserMailbox",
  shared: "SharedMailbox",
  room: "RoomMailbox",
  equipment: "EquipmentMailbox",
};

export function seedMailbox(ctx: EmulatorContext, tenant: Tenant, input: z.output<typeof mailboxSeed>): void {
  const user = resolveUser(tenant, input.user);
  if (tenant.mailboxes.has(user.id)) throw new AdminError(400, `${upnOf(user)} already has a mailbox`);
  const now = ctx.clock.now();
  createMailbox(tenant, user, {
    type: mailboxTypes[input.type],
    now,
    readyAt: input.ready ? now : now + ctx.settings.mailboxProvisioningDelayMs,
  });
  settleMailboxes(tenant, now);
}

export function seedUser(ctx: EmulatorContext, tenant: Tenant, input: z.output<typeof userSeed>): UserRecord {
  const now = ctx.clock.now();
  const upn = input.userPrincipalName.toLowerCase();
  const domain = upn.split("@")[1] ?? "";
  if (!tenant.domains.includes(domain))
    throw new AdminError(400, `${domain} is not a domain of tenant ${tenant.id}`);
  if (findUser(tenant, upn)) throw new AdminError(400, `a user ${upn} already exists`);
  const id = (input.id ?? randomUUID()).toLowerCase();
  const optional = [
    "givenName",
    "surname",
    "department",
    "jobTitle",
    "companyName",
    "officeLocation",
    "employeeId",
    "mobilePhone",
    "city",
    "country",
    "usageLocation",
  ] as const;
  const user: UserRecord = {
    id,
    visibleAt: now,
    props: {
      id,
      userPrincipalName: input.userPrincipalName,
      displayName: input.displayName,
      mailNickname: input.mailNickname ?? upn.split("@")[0] ?? upn,
      accountEnabled: input.accountEnabled,
      businessPhones: [],
      mail: null,
      proxyAddresses: [],
      imAddresses: [],
      otherMails: [],
      userType: "Member",
      creationType: null,
      preferredLanguage: null,
      onPremisesSyncEnabled: input.onPremisesSyncEnabled ?? null,
      createdDateTime: isoSeconds(now),
      signInSessionsValidFromDateTime: isoSeconds(now),
      lastPasswordChangeDateTime: isoSeconds(now),
      deletedDateTime: null,
      passwordProfile: {
        password: null,
        forceChangePasswordNextSignIn: false,
        forceChangePasswordNextSignInWithMfa: false,
      },
    },
    password: input.password,
    managerId: input.manager ? resolveUser(tenant, input.manager).id : undefined,
    directLicenses: [],
    groupLicenses: [],
    usageLocationEffectiveAt: now,
    authMethods: input.authMethods.map((m) => authMethod(m, now)).filter((m) => m.id !== passwordMethodId),
  };
  for (const name of optional) user.props[name] = input[name] ?? null;
  for (const ref of input.licenses) {
    const sku = resolveSku(tenant, ref);
    if (freeSeats(tenant, sku) < 1)
      throw new AdminError(400, `SKU ${sku.skuPartNumber} has no free seat for ${upn}`);
    user.directLicenses.push({ skuId: sku.skuId, disabledPlans: [], assignedAt: now });
  }
  tenant.users.set(id, user);
  if (input.mailbox === true || input.mailbox === "user" || input.mailbox === "shared") {
    createMailbox(tenant, user, {
      type: input.mailbox === "shared" ? "SharedMailbox" : "UserMailbox",
      now,
      readyAt: now,
    });
  }
  const effects = { mailboxProvisioningDelayMs: 0 };
  for (const ref of input.groups) addMember(tenant, resolveGroup(tenant, ref), id, now, effects);
  reconcileGroupLicenses(tenant, user, now, effects);
  if (input.mailbox === false) tenant.mailboxes.delete(id);
  settleMailboxes(tenant, now);
  return user;
}

export function seedGroup(
  ctx: EmulatorContext,
  tenant: Tenant,
  input: z.output<typeof groupSeed>,
): GroupRecord {
  const now = ctx.clock.now();
  if (input.kind === "dynamic" && !input.membershipRule)
    throw new AdminError(400, "a dynamic group needs a membershipRule");
  const group = createGroupRecord(tenant, {
    ...(input.id ? { id: input.id } : {}),
    displayName: input.displayName,
    kind: input.kind,
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.mail !== undefined ? { mail: input.mail } : {}),
    ...(input.mailNickname !== undefined ? { mailNickname: input.mailNickname } : {}),
    ...(input.membershipRule !== undefined ? { membershipRule: input.membershipRule } : {}),
    ...(input.onPremisesSyncEnabled !== undefined
      ? { onPremisesSyncEnabled: input.onPremisesSyncEnabled }
      : {}),
    assignedLicenses: input.licenses.map((ref) => ({
      skuId: resolveSku(tenant, ref).skuId,
      disabledPlans: [],
    })),
    visibleAt: now,
    now,
  });
  const effects = { mailboxProvisioningDelayMs: 0 };
  for (const ref of input.members) {
    const member = findUser(tenant, ref)?.id ?? resolveGroup(tenant, ref).id;
    addMember(tenant, group, member, now, effects);
  }
  settleMailboxes(tenant, now);
  return group;
}

export function seedManagedDevice(
  ctx: EmulatorContext,
  tenant: Tenant,
  input: z.output<typeof managedDeviceSeed>,
): DeviceRecord {
  const user = resolveUser(tenant, input.user);
  const id = (input.id ?? randomUUID()).toLowerCase();
  const now = new Date(ctx.clock.now()).toISOString();
  const device: DeviceRecord = {
    id,
    props: {
      id,
      userId: user.id,
      deviceName: input.deviceName,
      managedDeviceOwnerType: "company",
      enrolledDateTime: now,
      lastSyncDateTime: now,
      operatingSystem: input.operatingSystem,
      complianceState: input.complianceState,
      managementAgent: "mdm",
      osVersion: input.osVersion,
      azureADRegistered: true,
      deviceEnrollmentType: "windowsAzureADJoin",
      emailAddress: String(user.props.mail ?? upnOf(user)),
      azureADDeviceId: randomUUID(),
      deviceRegistrationState: "registered",
      isEncrypted: true,
      userPrincipalName: upnOf(user),
      model: input.model,
      manufacturer: input.manufacturer,
      serialNumber: input.serialNumber ?? randomBytes(4).toString("hex").toUpperCase(),
      userDisplayName: String(user.props.displayName ?? ""),
      managementState: "managed",
      exchangeAccessState: "none",
      deviceActionResults: [],
    },
  };
  tenant.managedDevices.set(id, device);
  return device;
}

export function seedAutopilotDevice(
  tenant: Tenant,
  input: z.output<typeof autopilotDeviceSeed>,
): DeviceRecord {
  const user = input.user ? resolveUser(tenant, input.user) : undefined;
  const id = (input.id ?? randomUUID()).toLowerCase();
  const device: DeviceRecord = {
    id,
    props: {
      id,
      groupTag: input.groupTag,
      purchaseOrderIdentifier: "",
      serialNumber: input.serialNumber,
      productKey: "",
      manufacturer: input.manufacturer,
      model: input.model,
      enrollmentState: "notContacted",
      lastContactedDateTime: "0001-01-01T00:00:00Z",
      addressableUserName: user ? String(user.props.displayName ?? "") : "",
      userPrincipalName: user ? upnOf(user) : "",
      resourceName: "",
      skuNumber: "",
      systemFamily: "",
      azureActiveDirectoryDeviceId: randomUUID(),
      managedDeviceId: "00000000-0000-0000-0000-000000000000",
      displayName: "",
    },
  };
  tenant.autopilotDevices.set(id, device);
  return device;
}

export function seedMobileDevice(
  ctx: EmulatorContext,
  tenant: Tenant,
  input: z.output<typeof mobileDeviceSeed>,
): string {
  const user = resolveUser(tenant, input.mailbox);
  if (!tenant.mailboxes.has(user.id)) throw new AdminError(400, `${upnOf(user)} has no mailbox`);
  const guid = randomUUID();
  const deviceId = input.deviceId ?? randomBytes(16).toString("hex").toUpperCase();
  tenant.mobileDevices.set(guid, {
    guid,
    userId: user.id,
    deviceId,
    deviceModel: input.deviceModel,
    deviceOS: input.deviceOS,
    deviceType: input.deviceType,
    friendlyName:
      input.friendlyName ?? `${String(user.props.givenName ?? user.props.displayName)}'s ${input.deviceType}`,
    firstSyncTime: ctx.clock.now(),
  });
  return guid;
}

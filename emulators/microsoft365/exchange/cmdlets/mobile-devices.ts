import { exoErrors } from "../../errors.ts";
import type { JsonObject } from "../../json.ts";
import type { MobileDeviceRecord, Tenant } from "../../model.ts";
import { ok, type Cmdlet } from "../cmdlet.ts";
import { requireMailbox } from "../recipients.ts";

/** ActiveSync partnerships (Get-MobileDevice, Remove-MobileDevice), keyed by their Identity path. */

function identityOf(tenant: Tenant, device: MobileDeviceRecord): string {
  const alias = tenant.mailboxes.get(device.userId)?.alias ?? device.userId;
  return `${alias}\\ExchangeActiveSyncDevices\\${device.deviceType}§${device.deviceId}`;
}

function deviceView(tenant: Tenant, device: MobileDeviceRecord): JsonObject {
  return {
    Identity: identityOf(tenant, device),
    Guid: device.guid,
    DeviceId: device.deviceId,
    DeviceModel: device.deviceModel,
    DeviceOS: device.deviceOS,
    DeviceType: device.deviceType,
    FriendlyName: device.friendlyName,
    FirstSyncTime: new Date(device.firstSyncTime).toISOString(),
    DeviceAccessState: "Allowed",
    ClientType: "EAS",
    UserDisplayName: String(tenant.users.get(device.userId)?.props.displayName ?? ""),
  };
}

export const getMobileDevice: Cmdlet = {
  name: "Get-MobileDevice",
  latency: "exoRead",
  parameters: ["Mailbox", "Identity", "ResultSize"],
  run({ tenant, params, now }) {
    const mailboxKey = params.string("Mailbox");
    const owner = mailboxKey ? requireMailbox(tenant, mailboxKey, now).user.id : undefined;
    const identity = params.string("Identity")?.toLowerCase();
    const devices = [...tenant.mobileDevices.values()].filter(
      (d) =>
        (owner === undefined || d.userId === owner) &&
        (identity === undefined || identityOf(tenant, d).toLowerCase() === identity || d.guid === identity),
    );
    if (identity !== undefined && devices.length === 0)
      throw exoErrors.objectNotFound(params.string("Identity") ?? "", tenant.exchangeServer);
    return ok(devices.map((d) => deviceView(tenant, d)));
  },
};

export const removeMobileDevice: Cmdlet = {
  name: "Remove-MobileDevice",
  latency: "exoWrite",
  parameters: ["Identity"],
  run({ tenant, params }) {
    const identity = params.required("Identity");
    const key = identity.toLowerCase();
    const device = [...tenant.mobileDevices.values()].find(
      (d) => identityOf(tenant, d).toLowerCase() === key || d.guid === key,
    );
    if (!device) throw exoErrors.objectNotFound(identity, tenant.exchangeServer);
    tenant.mobileDevices.delete(device.guid);
    return ok();
  },
};

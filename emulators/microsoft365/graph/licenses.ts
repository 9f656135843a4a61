import { activeSkuIds, assignLicense, reprocessGroupLicenses, skuView } from "../directory/licensing.ts";
import { readyMailbox } from "../directory/mailboxes.ts";
import { isExchangePlan } from "../directory/sku-catalog.ts";
import { userView } from "../directory/users.ts";
import { graphErrors } from "../errors.ts";
import { getCaseless, isObject, type JsonObject } from "../json.ts";
import { isGuid } from "../state.ts";
import { entityResult } from "./list.ts";
import { contextUrl, perm, type GraphCall, type GraphRoute } from "./route.ts";
import { pathUser, timing, userCollection } from "./users.ts";

/** subscribedSkus, assignLicense, reprocessLicenseAssignment and licenseDetails (reference §7). */

/** Both arrays are required (CSDL Nullable="false"); Graph names the missing one. */
export function readLicenseBody(body: unknown): {
  add: { skuId: string; disabledPlans: string[] }[];
  remove: string[];
} {
  if (!isObject(body)) throw graphErrors.unreadableJson();
  const add = getCaseless(body, "addLicenses");
  const remove = getCaseless(body, "removeLicenses");
  if (!Array.isArray(add)) throw graphErrors.invalidValue("addLicenses", "User");
  if (!Array.isArray(remove)) throw graphErrors.invalidValue("removeLicenses", "User");
  const adds = add.map((item) => {
    const skuId = isObject(item) ? getCaseless(item, "skuId") : undefined;
    const disabled = isObject(item) ? (getCaseless(item, "disabledPlans") ?? []) : [];
    if (typeof skuId !== "string" || !isGuid(skuId)) throw graphErrors.invalidValue("addLicenses", "User");
    if (!Array.isArray(disabled) || !disabled.every((p) => typeof p === "string")) {
      throw graphErrors.invalidValue("disabledPlans", "User");
    }
    return { skuId: skuId.toLowerCase(), disabledPlans: disabled as string[] };
  });
  const removes = remove.map((skuId) => {
    if (typeof skuId !== "string" || !isGuid(skuId)) throw graphErrors.invalidValue("removeLicenses", "User");
    return skuId.toLowerCase();
  });
  return { add: adds, remove: removes };
}

function licenseDetails(call: GraphCall): JsonObject[] {
  const user = pathUser(call);
  const mailboxReady = readyMailbox(call.tenant, user.id, call.now) !== undefined;
  return [...activeSkuIds(user)].flatMap((skuId) => {
    const sku = call.tenant.skus.get(skuId);
    if (!sku) return [];
    const disabled = user.directLicenses.find((l) => l.skuId === skuId)?.disabledPlans ?? [];
    return [
      {
        id: Buffer.from(`${user.id}|${skuId}`).toString("base64url"),
        skuId,
        skuPartNumber: sku.skuPartNumber,
        servicePlans: sku.servicePlans.map((p) => ({
          servicePlanId: p.servicePlanId,
          servicePlanName: p.servicePlanName,
          provisioningStatus: disabled.includes(p.servicePlanId)
            ? "Disabled"
            : isExchangePlan(p.servicePlanName) && !mailboxReady
              ? "PendingProvisioning"
              : "Success",
          appliesTo: p.appliesTo,
        })),
      },
    ];
  });
}

export const licenseRoutes: GraphRoute[] = [
  {
    method: "GET",
    path: "/subscribedSkus",
    entityType: "microsoft.graph.subscribedSku",
    reads: [
      "accountId",
      "accountName",
      "appliesTo",
      "capabilityStatus",
      "consumedUnits",
      "prepaidUnits",
      "servicePlans",
      "skuId",
      "skuPartNumber",
      "subscriptionIds",
    ],
    writes: [],
    latency: "licenseRead",
    bucket: "identity",
    cost: 3,
    permissions: perm.skuRead,
    handle(call) {
      const value = [...call.tenant.skus.values()].map((sku) => skuView(call.tenant, sku));
      return { status: 200, body: { "@odata.context": contextUrl(call, "subscribedSkus"), value } };
    },
  },
  {
    method: "POST",
    path: "/users/{id}/assignLicense",
    entityType: "microsoft.graph.user",
    reads: Object.keys(userCollection.props),
    writes: [],
    action: {
      name: "assignLicense",
      bindingType: "microsoft.graph.user",
      parameters: ["addLicenses", "removeLicenses"],
    },
    latency: "licenseAssign",
    bucket: "identity",
    cost: 1,
    permissions: perm.licenseWrite,
    handle(call) {
      const user = pathUser(call);
      const { add, remove } = readLicenseBody(call.body);
      assignLicense(call.tenant, user, add, remove, call.now, timing(call));
      return entityResult(call, userCollection, userView(call.tenant, user, call.now), "users");
    },
  },
  {
    method: "POST",
    path: "/users/{id}/reprocessLicenseAssignment",
    entityType: "microsoft.graph.user",
    reads: Object.keys(userCollection.props),
    writes: [],
    // No body; answers 200 with the user (user-reprocesslicenseassignment, CSDL ReturnType graph.user).
    action: { name: "reprocessLicenseAssignment", bindingType: "microsoft.graph.user", parameters: [] },
    latency: "licenseAssign",
    bucket: "identity",
    cost: 1,
    permissions: perm.userWrite,
    handle(call) {
      const user = pathUser(call);
      reprocessGroupLicenses(call.tenant, user, call.now, timing(call));
      return entityResult(call, userCollection, userView(call.tenant, user, call.now), "users");
    },
  },
  {
    method: "GET",
    path: "/users/{id}/licenseDetails",
    entityType: "microsoft.graph.licenseDetails",
    reads: ["servicePlans", "skuId", "skuPartNumber"],
    writes: [],
    via: [{ type: "microsoft.graph.user", property: "licenseDetails" }],
    latency: "licenseRead",
    bucket: "identity",
    cost: 2,
    permissions: perm.userRead,
    handle(call) {
      const value = licenseDetails(call);
      const context = contextUrl(call, `users('${encodeURIComponent(call.params.id ?? "")}')/licenseDetails`);
      return { status: 200, body: { "@odata.context": context, value } };
    },
  },
];

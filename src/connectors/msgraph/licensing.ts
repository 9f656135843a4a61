import type { LicenseAssignmentState, Licensing } from "../../ports/index.ts";
import { key } from "./odata.ts";
import type { GraphTransport } from "./transport.ts";

interface SubscribedSku {
  skuId: string;
  skuPartNumber: string;
  consumedUnits: number;
  prepaidUnits: { enabled: number };
}

interface GraphAssignmentState {
  skuId: string;
  assignedByGroup: string | null;
  state: string;
  error: string | null;
}

function toAssignmentState(s: GraphAssignmentState): LicenseAssignmentState {
  return {
    skuId: s.skuId,
    ...(s.assignedByGroup ? { assignedByGroup: s.assignedByGroup } : {}),
    state: s.state,
    // Documented as null when the licence is assigned; tenants answer "None".
    ...(s.error && s.error !== "None" ? { error: s.error } : {}),
  };
}

export function graphLicensing(graph: GraphTransport): Licensing {
  return {
    async remove(userId, skuIds) {
      await graph.request("POST", `/users/${key(userId)}/assignLicense`, {
        body: { addLicenses: [], removeLicenses: skuIds },
      });
    },
    async skus() {
      const res = await graph.request<{ value: SubscribedSku[] }>("GET", "/subscribedSkus");
      return res.body.value.map((s) => ({
        skuId: s.skuId,
        skuPartNumber: s.skuPartNumber,
        enabled: s.prepaidUnits.enabled,
        consumed: s.consumedUnits,
      }));
    },
    async assignedSkuIds(userId) {
      const res = await graph.request<{ assignedLicenses: { skuId: string }[] }>(
        "GET",
        `/users/${key(userId)}?$select=assignedLicenses`,
      );
      return res.body.assignedLicenses.map((l) => l.skuId);
    },
    async assign(userId, skuId) {
      await graph.request("POST", `/users/${key(userId)}/assignLicense`, {
        body: { addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] },
        notFoundGraceMs: 30_000,
      });
    },
    async assignmentStates(userId) {
      const res = await graph.request<{ licenseAssignmentStates?: GraphAssignmentState[] | null }>(
        "GET",
        `/users/${key(userId)}?$select=licenseAssignmentStates`,
        { notFoundGraceMs: 30_000 },
      );
      return (res.body.licenseAssignmentStates ?? []).map(toAssignmentState);
    },
    async reprocessGroupLicenses(userId) {
      await graph.request("POST", `/users/${key(userId)}/reprocessLicenseAssignment`);
    },
  };
}

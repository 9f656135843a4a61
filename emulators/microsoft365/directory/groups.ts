import { randomUUID } from "node:crypto";
import { isoSeconds } from "../clock.ts";
import type { Json } from "../json.ts";
import type { GroupKind, GroupRecord, Tenant } from "../model.ts";

/** Group records for each kind Lifecycle meets, with the flags Graph and Exchange use to tell them apart. */

export interface NewGroup {
  id?: string;
  displayName: string;
  kind: GroupKind;
  description?: string | null;
  mail?: string | null;
  mailNickname?: string;
  membershipRule?: string | null;
  onPremisesSyncEnabled?: boolean | null;
  assignedLicenses?: { skuId: string; disabledPlans: string[] }[];
  visibleAt: number;
  now: number;
}

const flags: Record<GroupKind, { groupTypes: string[]; mailEnabled: boolean; securityEnabled: boolean }> = {
  security: { groupTypes: [], mailEnabled: false, securityEnabled: true },
  microsoft365: { groupTypes: ["Unified"], mailEnabled: true, securityEnabled: false },
  mailEnabledSecurity: { groupTypes: [], mailEnabled: true, securityEnabled: true },
  distribution: { groupTypes: [], mailEnabled: true, securityEnabled: false },
  dynamic: { groupTypes: ["DynamicMembership"], mailEnabled: false, securityEnabled: true },
};

export function createGroupRecord(tenant: Tenant, input: NewGroup): GroupRecord {
  const id = (input.id ?? randomUUID()).toLowerCase();
  const f = flags[input.kind];
  const nickname = input.mailNickname ?? input.displayName.replace(/[^A-Za-z0-9._-]/g, "");
  const mail = f.mailEnabled
    ? (input.mail ?? `${nickname}@${tenant.domains[0] ?? tenant.initialDomain}`).toLowerCase()
    : null;
  const props: Record<string, Json> = {
    id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: isoSeconds(input.now),
    description: input.description ?? null,
    displayName: input.displayName,
    expirationDateTime: null,
    groupTypes: f.groupTypes,
    mail,
    mailEnabled: f.mailEnabled,
    mailNickname: nickname,
    membershipRule: input.kind === "dynamic" ? (input.membershipRule ?? "") : null,
    membershipRuleProcessingState: input.kind === "dynamic" ? "On" : null,
    onPremisesSyncEnabled: input.onPremisesSyncEnabled ?? null,
    proxyAddresses: mail ? [`SMTP:${mail}`] : [],
    renewedDateTime: isoSeconds(input.now),
    securityEnabled: f.securityEnabled,
    visibility: input.kind === "microsoft365" ? "Private" : null,
    assignedLicenses: input.assignedLicenses ?? [],
  };
  const group: GroupRecord = { id, visibleAt: input.visibleAt, props, members: new Set() };
  tenant.groups.set(id, group);
  return group;
}

export function groupView(_tenant: Tenant, group: GroupRecord): Record<string, Json> {
  return { ...group.props };
}

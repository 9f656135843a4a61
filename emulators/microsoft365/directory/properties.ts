/**
 * The user and group properties the emulator knows, under their CSDL names, with how each may be
 * written and filtered. One table drives body validation, $select, $filter and surface.ts.
 */

export type PropType = "string" | "boolean" | "stringArray" | "dateTime" | "object" | "objectArray";

export interface PropSpec {
  type: PropType;
  /** "create": POST only; "always": POST and PATCH; "never": computed or service-owned. */
  write: "always" | "create" | "never";
  /** "basic" works on any request; "advanced" needs ConsistencyLevel: eventual and $count=true. */
  filter: "basic" | "advanced" | "none";
  /** Returned without $select. */
  byDefault?: boolean;
  nullable?: boolean;
}

const s = (write: PropSpec["write"], filter: PropSpec["filter"], byDefault = false): PropSpec => ({
  type: "string",
  write,
  filter,
  byDefault,
  nullable: true,
});

export const userProperties: Record<string, PropSpec> = {
  id: { type: "string", write: "never", filter: "basic", byDefault: true },
  accountEnabled: { type: "boolean", write: "always", filter: "basic" },
  displayName: s("always", "basic", true),
  givenName: s("always", "basic", true),
  surname: s("always", "basic", true),
  userPrincipalName: s("always", "basic", true),
  mail: s("always", "basic", true),
  mailNickname: s("always", "basic"),
  jobTitle: s("always", "basic", true),
  department: s("always", "basic"),
  companyName: s("always", "advanced"),
  officeLocation: s("always", "basic", true),
  city: s("always", "basic"),
  state: s("always", "basic"),
  country: s("always", "basic"),
  streetAddress: s("always", "advanced"),
  postalCode: s("always", "advanced"),
  usageLocation: s("always", "basic"),
  mobilePhone: s("always", "basic", true),
  businessPhones: { type: "stringArray", write: "always", filter: "basic", byDefault: true },
  preferredLanguage: s("always", "basic", true),
  employeeId: s("always", "basic"),
  employeeType: s("always", "advanced"),
  employeeHireDate: { type: "dateTime", write: "always", filter: "advanced", nullable: true },
  employeeLeaveDateTime: { type: "dateTime", write: "always", filter: "advanced", nullable: true },
  otherMails: { type: "stringArray", write: "always", filter: "basic" },
  passwordPolicies: s("always", "none"),
  passwordProfile: { type: "object", write: "always", filter: "none", nullable: true },
  onPremisesImmutableId: s("always", "basic"),
  userType: s("always", "basic"),
  showInAddressList: { type: "boolean", write: "always", filter: "none", nullable: true },
  createdDateTime: { type: "dateTime", write: "never", filter: "advanced" },
  creationType: s("never", "none"),
  deletedDateTime: { type: "dateTime", write: "never", filter: "none", nullable: true },
  lastPasswordChangeDateTime: { type: "dateTime", write: "never", filter: "none", nullable: true },
  signInSessionsValidFromDateTime: { type: "dateTime", write: "never", filter: "none", nullable: true },
  onPremisesSyncEnabled: { type: "boolean", write: "never", filter: "basic", nullable: true },
  proxyAddresses: { type: "stringArray", write: "never", filter: "basic" },
  imAddresses: { type: "stringArray", write: "never", filter: "none" },
  assignedLicenses: { type: "objectArray", write: "never", filter: "basic" },
  assignedPlans: { type: "objectArray", write: "never", filter: "none" },
  provisionedPlans: { type: "objectArray", write: "never", filter: "none" },
  licenseAssignmentStates: { type: "objectArray", write: "never", filter: "none" },
};

/** POST /users fails without these (reference §1). */
export const requiredOnCreate = [
  "accountEnabled",
  "displayName",
  "mailNickname",
  "passwordProfile",
  "userPrincipalName",
];

export const groupProperties: Record<string, PropSpec> = {
  id: { type: "string", write: "never", filter: "basic", byDefault: true },
  deletedDateTime: { type: "dateTime", write: "never", filter: "none", byDefault: true, nullable: true },
  classification: s("always", "none", true),
  createdDateTime: { type: "dateTime", write: "never", filter: "advanced", byDefault: true },
  description: s("always", "basic", true),
  displayName: s("always", "basic", true),
  expirationDateTime: { type: "dateTime", write: "never", filter: "none", byDefault: true, nullable: true },
  groupTypes: { type: "stringArray", write: "create", filter: "basic", byDefault: true },
  mail: s("never", "basic", true),
  mailEnabled: { type: "boolean", write: "create", filter: "basic", byDefault: true },
  mailNickname: s("always", "basic", true),
  membershipRule: s("always", "none", true),
  membershipRuleProcessingState: s("always", "none", true),
  onPremisesSyncEnabled: {
    type: "boolean",
    write: "never",
    filter: "basic",
    byDefault: true,
    nullable: true,
  },
  proxyAddresses: { type: "stringArray", write: "never", filter: "basic", byDefault: true },
  renewedDateTime: { type: "dateTime", write: "never", filter: "none", byDefault: true },
  securityEnabled: { type: "boolean", write: "create", filter: "basic", byDefault: true },
  visibility: s("always", "none", true),
  assignedLicenses: { type: "objectArray", write: "never", filter: "basic" },
};

export function selectable(spec: Record<string, PropSpec>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(spec).find((k) => k.toLowerCase() === lower);
}

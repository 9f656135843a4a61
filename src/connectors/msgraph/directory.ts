import type {
  DirectoryGroup,
  DirectoryPerson,
  DirectoryUser,
  IdentityDirectory,
  NewUser,
  UserTemplate,
} from "../../ports/index.ts";
import { VendorError } from "../http/index.ts";
import { key, literal } from "./odata.ts";
import type { GraphTransport } from "./transport.ts";

const userFields =
  "id,userPrincipalName,displayName,accountEnabled,onPremisesSyncEnabled,usageLocation,department,jobTitle,signInSessionsValidFromDateTime";
const groupFields =
  "id,displayName,mail,mailEnabled,securityEnabled,groupTypes,onPremisesSyncEnabled,assignedLicenses";
const templateFields = [
  "department",
  "jobTitle",
  "companyName",
  "officeLocation",
  "city",
  "state",
  "country",
  "streetAddress",
  "postalCode",
  "usageLocation",
] as const;

const personFields = "id,displayName,userPrincipalName,mail,department,jobTitle";
// The properties Graph's basic $filter takes startswith on for users, without advanced query headers.
const personSearchFields = ["displayName", "givenName", "surname", "userPrincipalName", "mail"] as const;

// Writes that name an object created moments ago may meet a replica that does not know it yet.
const replicationGraceMs = 30_000;

interface GraphUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  accountEnabled: boolean | null;
  onPremisesSyncEnabled: boolean | null;
  usageLocation?: string | null;
  department?: string | null;
  jobTitle?: string | null;
  signInSessionsValidFromDateTime?: string | null;
}

interface GraphGroup {
  "@odata.type"?: string;
  id: string;
  displayName: string;
  mail?: string | null;
  mailEnabled?: boolean;
  securityEnabled?: boolean;
  groupTypes?: string[];
  onPremisesSyncEnabled?: boolean | null;
  assignedLicenses?: { skuId: string }[];
}

type GraphTemplateUser = { [K in (typeof templateFields)[number]]?: string | null } & {
  userPrincipalName: string;
  licenseAssignmentStates?: { skuId: string; assignedByGroup: string | null }[];
};

interface GraphPerson {
  id: string;
  displayName: string | null;
  userPrincipalName: string;
  mail?: string | null;
  department?: string | null;
  jobTitle?: string | null;
}

function toPerson(p: GraphPerson): DirectoryPerson {
  return {
    id: p.id,
    displayName: p.displayName ?? p.userPrincipalName,
    userPrincipalName: p.userPrincipalName,
    ...(p.mail ? { mail: p.mail } : {}),
    ...(p.department ? { department: p.department } : {}),
    ...(p.jobTitle ? { jobTitle: p.jobTitle } : {}),
  };
}

const notFound = (err: unknown) => err instanceof VendorError && err.failure.kind === "not-found";

function toUser(u: GraphUser): DirectoryUser {
  return {
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    accountEnabled: u.accountEnabled !== false,
    onPremisesSyncEnabled: u.onPremisesSyncEnabled === true,
    ...(u.usageLocation ? { usageLocation: u.usageLocation } : {}),
    ...(u.department ? { department: u.department } : {}),
    ...(u.jobTitle ? { jobTitle: u.jobTitle } : {}),
    ...(u.signInSessionsValidFromDateTime
      ? { signInSessionsValidFromDateTime: u.signInSessionsValidFromDateTime }
      : {}),
  };
}

export function toGroup(g: GraphGroup): DirectoryGroup {
  const types = g.groupTypes ?? [];
  const unified = types.includes("Unified");
  const readOnlyReason = types.includes("DynamicMembership")
    ? "membership is dynamic (set by a rule)"
    : g.onPremisesSyncEnabled
      ? "synced from on-premises AD: change it there"
      : undefined;
  return {
    id: g.id,
    displayName: g.displayName,
    ...(g.mail ? { mail: g.mail } : {}),
    // Graph refuses member changes on mail-enabled security groups and distribution lists.
    managedBy: g.mailEnabled && !unified ? "exchange" : "directory",
    ...(readOnlyReason ? { readOnlyReason } : {}),
    ...(g.assignedLicenses?.length
      ? { assignsLicenses: true, licenseSkuIds: g.assignedLicenses.map((l) => l.skuId) }
      : {}),
  };
}

export function graphDirectory(graph: GraphTransport): IdentityDirectory {
  const ref = (id: string) => ({ "@odata.id": graph.url(`/directoryObjects/${key(id)}`) });
  return {
    async findUser(upn) {
      try {
        return toUser(
          (await graph.request<GraphUser>("GET", `/users/${key(upn)}?$select=${userFields}`)).body,
        );
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    async createUser(u: NewUser) {
      const body = {
        accountEnabled: true,
        displayName: u.displayName,
        givenName: u.givenName,
        surname: u.surname,
        mailNickname: u.mailNickname,
        userPrincipalName: u.upn,
        usageLocation: u.usageLocation,
        ...(u.department ? { department: u.department } : {}),
        ...(u.jobTitle ? { jobTitle: u.jobTitle } : {}),
        ...(u.companyName ? { companyName: u.companyName } : {}),
        ...(u.officeLocation ? { officeLocation: u.officeLocation } : {}),
        ...(u.city ? { city: u.city } : {}),
        ...(u.state ? { state: u.state } : {}),
        ...(u.country ? { country: u.country } : {}),
        ...(u.streetAddress ? { streetAddress: u.streetAddress } : {}),
        ...(u.postalCode ? { postalCode: u.postalCode } : {}),
        ...(u.employeeId ? { employeeId: u.employeeId } : {}),
        ...(u.employeeHireDate ? { employeeHireDate: u.employeeHireDate } : {}),
        passwordProfile: { password: u.password, forceChangePasswordNextSignIn: true },
      };
      return toUser((await graph.request<GraphUser>("POST", "/users", { body })).body);
    },
    async getManager(userId) {
      try {
        const res = await graph.request<{ id: string; userPrincipalName: string }>(
          "GET",
          `/users/${key(userId)}/manager?$select=id,userPrincipalName`,
        );
        return { id: res.body.id, userPrincipalName: res.body.userPrincipalName };
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    async setManager(userId, managerId) {
      await graph.request("PUT", `/users/${key(userId)}/manager/$ref`, {
        body: ref(managerId),
        notFoundGraceMs: replicationGraceMs,
      });
    },
    async findGroup(nameOrMail) {
      const filter = `displayName eq ${literal(nameOrMail)} or mail eq ${literal(nameOrMail)}`;
      const res = await graph.request<{ value: GraphGroup[] }>(
        "GET",
        `/groups?$filter=${encodeURIComponent(filter)}&$select=${groupFields}`,
      );
      const first = res.body.value[0];
      return first ? toGroup(first) : undefined;
    },
    async groupsOf(userId) {
      const all = await graph.all<GraphGroup>(`/users/${key(userId)}/memberOf?$select=${groupFields}`, {
        notFoundGraceMs: replicationGraceMs,
      });
      return all
        .filter((g) => !g["@odata.type"] || g["@odata.type"] === "#microsoft.graph.group")
        .map(toGroup);
    },
    async addMember(groupId, userId) {
      await graph.request("POST", `/groups/${key(groupId)}/members/$ref`, {
        body: ref(userId),
        notFoundGraceMs: replicationGraceMs,
      });
    },
    async removeMember(groupId, userId) {
      await graph.request("DELETE", `/groups/${key(groupId)}/members/${key(userId)}/$ref`);
    },
    async revokeSessions(userId) {
      await graph.request("POST", `/users/${key(userId)}/revokeSignInSessions`);
    },
    async setAccountEnabled(userId, enabled) {
      await graph.request("PATCH", `/users/${key(userId)}`, { body: { accountEnabled: enabled } });
    },
    async readTemplate(upn) {
      let tpl: GraphTemplateUser;
      try {
        const select = [...templateFields, "userPrincipalName", "licenseAssignmentStates"].join(",");
        tpl = (await graph.request<GraphTemplateUser>("GET", `/users/${key(upn)}?$select=${select}`)).body;
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
      const groups = await graph.all<GraphGroup>(
        `/users/${key(upn)}/memberOf/microsoft.graph.group?$select=${groupFields}`,
      );
      const attributes: UserTemplate["attributes"] = {};
      for (const f of templateFields) {
        const v = tpl[f];
        if (v) attributes[f] = v;
      }
      return {
        upn: tpl.userPrincipalName,
        attributes,
        groups: groups.map(toGroup),
        // Group-assigned licenses follow the group memberships; only direct ones are copied.
        directSkuIds: (tpl.licenseAssignmentStates ?? [])
          .filter((l) => l.assignedByGroup === null || l.assignedByGroup === undefined)
          .map((l) => l.skuId),
      };
    },
    async deleteUser(userId) {
      await graph.request("DELETE", `/users/${key(userId)}`);
    },
    async searchPeople(prefix, limit) {
      const filter = personSearchFields.map((f) => `startswith(${f},${literal(prefix)})`).join(" or ");
      // $orderby with $filter needs Graph's advanced queries (ConsistencyLevel: eventual and $count), so
      // the page is sorted here: it is one page of at most `limit` people.
      const res = await graph.request<{ value: GraphPerson[] }>(
        "GET",
        `/users?$filter=${encodeURIComponent(filter)}&$select=${personFields}&$top=${limit}`,
      );
      return res.body.value
        .slice(0, limit)
        .map(toPerson)
        .sort((a, b) => a.displayName.localeCompare(b.displayName));
    },
    async setPassword(userId, password, forceChange) {
      await graph.request("PATCH", `/users/${key(userId)}`, {
        body: { passwordProfile: { password, forceChangePasswordNextSignIn: forceChange } },
      });
    },
  };
}

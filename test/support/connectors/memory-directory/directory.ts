import { randomUUID } from "node:crypto";
import { LifecycleError } from "../../../../src/domain/errors.ts";
import type {
  DirectoryGroup,
  DirectoryUser,
  IdentityDirectory,
  MailSender,
} from "../../../../src/ports/index.ts";

/** One fake tenant's state: what a real directory would hold, so a created user is what a find returns. */
export interface MemoryTenant {
  users: Map<string, DirectoryUser & { managerId?: string; password?: string }>;
  groups: Map<string, DirectoryGroup & { members: Set<string> }>;
  sent: { from: string; to: string[]; subject: string; key: string; at: string; id: string }[];
}

export const memoryTenant = (groups: string[] = []): MemoryTenant => ({
  users: new Map(),
  groups: new Map(
    groups.map((displayName) => {
      const id = randomUUID();
      return [id, { id, displayName, managedBy: "directory" as const, members: new Set<string>() }];
    }),
  ),
  sent: [],
});

const notFound = (what: string) =>
  new LifecycleError({ kind: "not-found", code: "OBJECT_NOT_FOUND", message: `${what} does not exist` });

export function memoryDirectory(t: MemoryTenant): IdentityDirectory {
  const user = (id: string) => {
    const u = t.users.get(id);
    if (!u) throw notFound(`user ${id}`);
    return u;
  };
  const group = (id: string) => {
    const g = t.groups.get(id);
    if (!g) throw notFound(`group ${id}`);
    return g;
  };
  const plain = ({ members: _m, ...g }: DirectoryGroup & { members: Set<string> }): DirectoryGroup => g;
  return {
    async searchPeople(prefix, limit) {
      const p = prefix.toLowerCase();
      return [...t.users.values()]
        .filter((u) =>
          [u.displayName, ...u.displayName.split(/\s+/), u.userPrincipalName].some((v) =>
            v.toLowerCase().startsWith(p),
          ),
        )
        .sort((a, b) => a.displayName.localeCompare(b.displayName))
        .slice(0, limit)
        .map((u) => ({
          id: u.id,
          displayName: u.displayName,
          userPrincipalName: u.userPrincipalName,
          ...(u.department ? { department: u.department } : {}),
          ...(u.jobTitle ? { jobTitle: u.jobTitle } : {}),
        }));
    },
    async findUser(upn) {
      const u = [...t.users.values()].find((x) => x.userPrincipalName.toLowerCase() === upn.toLowerCase());
      return u && { ...u };
    },
    async createUser(n) {
      if ([...t.users.values()].some((x) => x.userPrincipalName === n.upn))
        throw new LifecycleError({ kind: "conflict", code: "UPN_TAKEN", message: `${n.upn} exists` });
      const u = {
        id: randomUUID(),
        userPrincipalName: n.upn,
        displayName: n.displayName,
        accountEnabled: true,
        onPremisesSyncEnabled: false,
        department: n.department,
        jobTitle: n.jobTitle,
        usageLocation: n.usageLocation,
      };
      t.users.set(u.id, u);
      return { ...u };
    },
    async getManager(userId) {
      const m = user(userId).managerId;
      return m ? { id: m, userPrincipalName: user(m).userPrincipalName } : undefined;
    },
    async setManager(userId, managerId) {
      user(managerId);
      user(userId).managerId = managerId;
    },
    async findGroup(name) {
      const g = [...t.groups.values()].find((x) => x.displayName === name || x.mail === name);
      return g && plain(g);
    },
    async groupsOf(userId) {
      return [...t.groups.values()].filter((g) => g.members.has(userId)).map(plain);
    },
    async addMember(groupId, userId) {
      user(userId);
      const g = group(groupId);
      if (g.members.has(userId))
        throw new LifecycleError({ kind: "conflict", code: "ALREADY_MEMBER", message: "already a member" });
      g.members.add(userId);
    },
    async removeMember(groupId, userId) {
      if (!group(groupId).members.delete(userId))
        throw new LifecycleError({ kind: "not-found", code: "NOT_A_MEMBER", message: "not a member" });
    },
    async revokeSessions(userId) {
      user(userId).signInSessionsValidFromDateTime = new Date().toISOString();
    },
    async setAccountEnabled(userId, enabled) {
      user(userId).accountEnabled = enabled;
    },
    async setPassword(userId, password) {
      user(userId).password = password;
    },
    async readTemplate() {
      return undefined;
    },
    async deleteUser(userId) {
      user(userId);
      t.users.delete(userId);
      for (const g of t.groups.values()) g.members.delete(userId);
    },
  };
}

export function memoryMailer(t: MemoryTenant): MailSender {
  return {
    async send(from, mail) {
      t.sent.push({
        from,
        to: mail.to,
        subject: mail.subject,
        key: mail.idempotencyKey,
        at: new Date().toISOString(),
        id: randomUUID(),
      });
    },
    async findSent(from, key) {
      const m = t.sent.find((s) => s.from === from && s.key === key);
      return m && { messageId: m.id, sentAt: m.at };
    },
  };
}

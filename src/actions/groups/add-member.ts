import { LifecycleError } from "../../domain/errors.ts";
import type { Capabilities } from "../capabilities.ts";
import { defineAction } from "../define.ts";
import { resolveUser } from "../identity/resolve-user.ts";
import { need } from "../need.ts";

export const addGroupMember = defineAction<{ upn: string; group: string }, Capabilities>(
  "groups.add-member",
  {
    async plan(p, ctx) {
      const dir = need(ctx.caps, "directory");
      const group = await dir.findGroup(p.group);
      if (!group)
        throw new LifecycleError({
          kind: "invalid",
          code: "GroupNotFound",
          message: `no group "${p.group}" in the directory`,
        });
      if (group.readOnlyReason)
        return { kind: "skip", reason: `${group.displayName}: ${group.readOnlyReason}` };
      if (group.managedBy === "exchange") {
        return {
          kind: "skip",
          reason: `${group.displayName} is mail-enabled: its members are changed in Exchange, which this client's connectors do not reach yet`,
        };
      }
      const user = await resolveUser(dir, p.upn);
      if ((await dir.groupsOf(user.id)).some((g) => g.id === group.id))
        return { kind: "already-done", detail: `already in ${group.displayName}` };
      return { kind: "will-change", summary: `add ${p.upn} to ${group.displayName}` };
    },
    async apply(p, ctx) {
      const dir = need(ctx.caps, "directory");
      const [group, user] = await Promise.all([dir.findGroup(p.group), resolveUser(dir, p.upn)]);
      if (!group)
        throw new LifecycleError({
          kind: "invalid",
          code: "GroupNotFound",
          message: `no group "${p.group}"`,
        });
      try {
        await dir.addMember(group.id, user.id);
      } catch (err) {
        // Added by an earlier, interrupted attempt or by someone else: the state we want is there.
        if (!(err instanceof LifecycleError && err.failure.code === "AlreadyMember")) throw err;
      }
      return { kind: "done", detail: `added to ${group.displayName}`, data: { groupId: group.id } };
    },
    async verify(p, ctx) {
      const dir = need(ctx.caps, "directory");
      const user = await resolveUser(dir, p.upn);
      const groups = await dir.groupsOf(user.id);
      return groups.some((g) => g.displayName === p.group || g.mail === p.group)
        ? { kind: "verified" }
        : {
            kind: "not-verified",
            observed: `member of ${groups.map((g) => g.displayName).join(", ") || "nothing"}`,
          };
    },
  },
);

import { LifecycleError } from "../../domain/errors.ts";
import type { Capabilities, DirectoryGroup } from "../capabilities.ts";
import { defineAction } from "../define.ts";
import { resolveUser } from "../identity/resolve-user.ts";
import { need } from "../need.ts";

const removable = (g: DirectoryGroup) => !g.readOnlyReason && g.managedBy === "directory";
const names = (gs: DirectoryGroup[]) => gs.map((g) => g.displayName).join(", ");

/**
 * Takes the leaver out of every group the directory lets us change. The list of what was removed is
 * the step's data (evidence, and what a rollback would re-add); what had to stay is said by name.
 */
export const removeAllMemberships = defineAction<{ upn: string }, Capabilities>(
  "groups.remove-all-memberships",
  {
    async plan(p, ctx) {
      const dir = need(ctx.caps, "directory");
      const groups = await dir.groupsOf((await resolveUser(dir, p.upn)).id);
      const go = groups.filter(removable);
      const stay = groups.filter((g) => !removable(g));
      const kept = stay.length
        ? `; kept: ${stay.map((g) => `${g.displayName} (${g.readOnlyReason ?? "mail-enabled: Exchange"})`).join(", ")}`
        : "";
      if (!go.length) return { kind: "already-done", detail: `in no group that can be left here${kept}` };
      return { kind: "will-change", summary: `remove from ${names(go)}${kept}` };
    },
    async apply(p, ctx) {
      const dir = need(ctx.caps, "directory");
      const user = await resolveUser(dir, p.upn);
      const go = (await dir.groupsOf(user.id)).filter(removable);
      for (const g of go) {
        try {
          await dir.removeMember(g.id, user.id);
        } catch (err) {
          // Gone already (an earlier, interrupted attempt): the state we want is there.
          if (!(err instanceof LifecycleError && err.failure.kind === "not-found")) throw err;
        }
      }
      return {
        kind: "done",
        detail: `removed from ${go.length} group(s): ${names(go)}`,
        data: { removedGroups: go.map((g) => ({ id: g.id, displayName: g.displayName })) },
      };
    },
    async verify(p, ctx) {
      const dir = need(ctx.caps, "directory");
      const left = (await dir.groupsOf((await resolveUser(dir, p.upn)).id)).filter(removable);
      return left.length
        ? { kind: "not-verified", observed: `still in ${names(left)}` }
        : { kind: "verified" };
    },
  },
);

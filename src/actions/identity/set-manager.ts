import { LifecycleError } from "../../domain/errors.ts";
import type { Capabilities } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { need } from "../need.ts";
import { resolveUser } from "./resolve-user.ts";

export const setManager = defineAction<{ upn: string; manager: string }, Capabilities>(
  "identity.set-manager",
  {
    async plan(p, ctx) {
      const dir = need(ctx.caps, "directory");
      const user = await resolveUser(dir, p.upn);
      const manager = await dir.findUser(p.manager);
      if (!manager)
        throw new LifecycleError({
          kind: "invalid",
          code: "ManagerNotFound",
          message: `manager ${p.manager} is not in the directory`,
        });
      const current = await dir.getManager(user.id);
      if (current?.id === manager.id) return { kind: "already-done", detail: `manager is ${p.manager}` };
      return {
        kind: "will-change",
        summary: `manager ${current?.userPrincipalName ?? "(none)"} -> ${p.manager}`,
        from: current?.userPrincipalName,
        to: p.manager,
      };
    },
    async apply(p, ctx) {
      const dir = need(ctx.caps, "directory");
      const [user, manager] = await Promise.all([resolveUser(dir, p.upn), resolveUser(dir, p.manager)]);
      await dir.setManager(user.id, manager.id);
      return { kind: "done", detail: `manager set to ${p.manager}` };
    },
    async verify(p, ctx) {
      const dir = need(ctx.caps, "directory");
      const user = await resolveUser(dir, p.upn);
      const current = await dir.getManager(user.id);
      return current?.userPrincipalName.toLowerCase() === p.manager.toLowerCase()
        ? { kind: "verified" }
        : { kind: "not-verified", observed: `manager is ${current?.userPrincipalName ?? "(none)"}` };
    },
  },
);

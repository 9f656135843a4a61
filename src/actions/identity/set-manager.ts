import { z } from "zod";
import { defineAction } from "../define.ts";
import { actionError } from "../support/fail.ts";
import { upn } from "../support/params.ts";
import { resolveUser } from "../support/resolve-user.ts";

export const setManager = defineAction({
  type: "identity.set-manager",
  params: z.strictObject({ upn, manager: upn }),
  ports: ["directory"],
  async plan(p, ctx) {
    const dir = ctx.ports.directory;
    const user = await resolveUser(dir, p.upn);
    const manager = await dir.findUser(p.manager);
    if (!manager)
      throw actionError("MANAGER_NOT_FOUND", `manager ${p.manager} is not in the directory`, "invalid");
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
    const dir = ctx.ports.directory;
    const [user, manager] = await Promise.all([resolveUser(dir, p.upn), resolveUser(dir, p.manager)]);
    await dir.setManager(user.id, manager.id);
    return { kind: "done", detail: `manager set to ${p.manager}` };
  },
  async verify(p, ctx) {
    const dir = ctx.ports.directory;
    const user = await resolveUser(dir, p.upn);
    const current = await dir.getManager(user.id);
    return current?.userPrincipalName.toLowerCase() === p.manager.toLowerCase()
      ? { kind: "verified" }
      : { kind: "not-verified", observed: `manager is ${current?.userPrincipalName ?? "(none)"}` };
  },
});

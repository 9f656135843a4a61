import { z } from "zod";
import { LifecycleError } from "../../domain/errors.ts";
import { defineAction } from "../define.ts";
import { upn } from "../support/params.ts";
import { onPremReason } from "./disable-sign-in.ts";

/** Deletes the account; Entra keeps it restorable among deleted users for 30 days. */
export const deleteUser = defineAction({
  type: "identity.delete-user",
  params: z.strictObject({ upn }),
  ports: ["directory"],
  async plan(p, ctx) {
    const user = await ctx.ports.directory.findUser(p.upn);
    if (!user) return { kind: "already-done", detail: `${p.upn} is not in the directory (already deleted)` };
    // A cloud delete of a synced user is undone by the next sync: it has to go in AD.
    if (user.onPremisesSyncEnabled) return { kind: "skip", reason: onPremReason };
    return { kind: "will-change", summary: `delete ${p.upn} (restorable for 30 days)` };
  },
  async apply(p, ctx) {
    const dir = ctx.ports.directory;
    const user = await dir.findUser(p.upn);
    try {
      // Gone already means an earlier, interrupted attempt deleted it.
      if (user) await dir.deleteUser(user.id);
    } catch (err) {
      if (!(err instanceof LifecycleError && err.failure.kind === "not-found")) throw err;
    }
    return { kind: "done", detail: `${p.upn} deleted`, ...(user ? { data: { userId: user.id } } : {}) };
  },
  async verify(p, ctx) {
    return (await ctx.ports.directory.findUser(p.upn))
      ? { kind: "not-verified", observed: `${p.upn} still in the directory` }
      : { kind: "verified" };
  },
});

import { z } from "zod";
import { defineAction } from "../define.ts";
import { upn } from "../support/params.ts";
import { resolveUser } from "../support/resolve-user.ts";
import { freedSeats } from "../support/seats.ts";

/** Frees every seat the leaver holds; the SKUs removed are kept in the step's data for billing. */
export const removeAllLicenses = defineAction({
  type: "licensing.remove-all-licenses",
  params: z.strictObject({ upn }),
  ports: ["directory", "licensing"],
  async plan(p, ctx) {
    const user = await resolveUser(ctx.ports.directory, p.upn);
    const held = await ctx.ports.licensing.assignedSkuIds(user.id);
    return held.length
      ? { kind: "will-change", summary: `remove ${held.length} license(s)` }
      : { kind: "already-done", detail: "holds no license" };
  },
  async apply(p, ctx) {
    const licensing = ctx.ports.licensing;
    const user = await resolveUser(ctx.ports.directory, p.upn);
    const held = await licensing.assignedSkuIds(user.id);
    const removed = await freedSeats(licensing, held);
    if (held.length) await licensing.remove(user.id, held);
    return {
      kind: "done",
      detail: `removed ${removed.map((r) => r.skuPartNumber).join(", ") || "nothing"}`,
      data: { removedSkus: removed },
    };
  },
  async verify(p, ctx) {
    const user = await resolveUser(ctx.ports.directory, p.upn);
    const held = await ctx.ports.licensing.assignedSkuIds(user.id);
    return held.length
      ? { kind: "not-verified", observed: `still holds ${held.join(", ")}` }
      : { kind: "verified" };
  },
  residualAccess: {
    what: "licenses",
    async check(p, ctx) {
      const user = await resolveUser(ctx.ports.directory, p.upn);
      return (await ctx.ports.licensing.assignedSkuIds(user.id)).length
        ? [{ found: "still holds licenses" }]
        : [];
    },
  },
});

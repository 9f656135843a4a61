import type { Capabilities } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { resolveUser } from "../identity/resolve-user.ts";
import { need } from "../need.ts";

/** Frees every seat the leaver holds; the SKUs removed are kept in the step's data for billing. */
export const removeAllLicenses = defineAction<{ upn: string }, Capabilities>(
  "licensing.remove-all-licenses",
  {
    async plan(p, ctx) {
      const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
      const held = await need(ctx.caps, "licensing").assignedSkuIds(user.id);
      return held.length
        ? { kind: "will-change", summary: `remove ${held.length} license(s)` }
        : { kind: "already-done", detail: "holds no license" };
    },
    async apply(p, ctx) {
      const licensing = need(ctx.caps, "licensing");
      const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
      const held = await licensing.assignedSkuIds(user.id);
      const catalog = new Map((await licensing.skus()).map((s) => [s.skuId, s.skuPartNumber]));
      if (held.length) await licensing.remove(user.id, held);
      const removed = held.map((skuId) => ({ skuId, skuPartNumber: catalog.get(skuId) ?? "unknown" }));
      return {
        kind: "done",
        detail: `removed ${removed.map((r) => r.skuPartNumber).join(", ") || "nothing"}`,
        data: { removedSkus: removed },
      };
    },
    async verify(p, ctx) {
      const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
      const held = await need(ctx.caps, "licensing").assignedSkuIds(user.id);
      return held.length
        ? { kind: "not-verified", observed: `still holds ${held.join(", ")}` }
        : { kind: "verified" };
    },
  },
);

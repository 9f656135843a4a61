import { z } from "zod";
import type { Licensing, Sku } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { actionError } from "../support/fail.ts";
import { text, upn } from "../support/params.ts";
import { resolveUser } from "../support/resolve-user.ts";
import { noFreeSeat, noSeatPolicy } from "../support/seats.ts";

async function skuNamed(licensing: Licensing, partNumber: string): Promise<Sku> {
  const sku = (await licensing.skus()).find((s) => s.skuPartNumber === partNumber);
  if (!sku) throw actionError("SKU_NOT_FOUND", `the tenant has no subscription ${partNumber}`);
  return sku;
}

export const assignLicense = defineAction({
  type: "licensing.assign-license",
  params: z.strictObject({ upn, sku: text, whenNoSeat: noSeatPolicy.optional() }),
  ports: ["directory", "licensing"],
  async plan(p, ctx) {
    const licensing = ctx.ports.licensing;
    const user = await resolveUser(ctx.ports.directory, p.upn);
    const sku = await skuNamed(licensing, p.sku);
    if ((await licensing.assignedSkuIds(user.id)).includes(sku.skuId))
      return { kind: "already-done", detail: `${p.sku} already assigned` };
    const noSeat = noFreeSeat(sku, p.whenNoSeat);
    if (noSeat) return noSeat;
    return { kind: "will-change", summary: `assign ${p.sku} (${sku.enabled - sku.consumed} free)` };
  },
  async apply(p, ctx) {
    const licensing = ctx.ports.licensing;
    const user = await resolveUser(ctx.ports.directory, p.upn);
    const sku = await skuNamed(licensing, p.sku);
    await licensing.assign(user.id, sku.skuId);
    return { kind: "done", detail: `assigned ${p.sku}`, data: { skuId: sku.skuId } };
  },
  async verify(p, ctx) {
    const licensing = ctx.ports.licensing;
    const user = await resolveUser(ctx.ports.directory, p.upn);
    const sku = (await licensing.skus()).find((s) => s.skuPartNumber === p.sku);
    return sku && (await licensing.assignedSkuIds(user.id)).includes(sku.skuId)
      ? { kind: "verified" }
      : { kind: "not-verified", observed: `${p.sku} not assigned` };
  },
});

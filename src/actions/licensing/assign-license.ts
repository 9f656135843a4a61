import { LifecycleError } from "../../domain/errors.ts";
import type { Capabilities, Licensing, Sku } from "../../ports/index.ts";
import { defineAction } from "../define.ts";
import { resolveUser } from "../identity/resolve-user.ts";
import { need } from "../need.ts";
import { noFreeSeat, type NoSeatPolicy } from "./seats.ts";

export interface AssignLicenseParams {
  upn: string;
  sku: string;
  whenNoSeat?: NoSeatPolicy;
}

async function skuNamed(licensing: Licensing, partNumber: string): Promise<Sku> {
  const sku = (await licensing.skus()).find((s) => s.skuPartNumber === partNumber);
  if (!sku)
    throw new LifecycleError({
      kind: "invalid",
      code: "SkuNotFound",
      message: `the tenant has no subscription ${partNumber}`,
    });
  return sku;
}

export const assignLicense = defineAction<AssignLicenseParams, Capabilities>("licensing.assign-license", {
  async plan(p, ctx) {
    const licensing = need(ctx.caps, "licensing");
    const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
    const sku = await skuNamed(licensing, p.sku);
    if ((await licensing.assignedSkuIds(user.id)).includes(sku.skuId))
      return { kind: "already-done", detail: `${p.sku} already assigned` };
    const noSeat = noFreeSeat(sku, p.whenNoSeat);
    if (noSeat) return noSeat;
    return { kind: "will-change", summary: `assign ${p.sku} (${sku.enabled - sku.consumed} free)` };
  },
  async apply(p, ctx) {
    const licensing = need(ctx.caps, "licensing");
    const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
    const sku = await skuNamed(licensing, p.sku);
    await licensing.assign(user.id, sku.skuId);
    return { kind: "done", detail: `assigned ${p.sku}`, data: { skuId: sku.skuId } };
  },
  async verify(p, ctx) {
    const licensing = need(ctx.caps, "licensing");
    const user = await resolveUser(need(ctx.caps, "directory"), p.upn);
    const sku = (await licensing.skus()).find((s) => s.skuPartNumber === p.sku);
    return sku && (await licensing.assignedSkuIds(user.id)).includes(sku.skuId)
      ? { kind: "verified" }
      : { kind: "not-verified", observed: `${p.sku} not assigned` };
  },
});

import { z } from "zod";
import type { Ports, Sku } from "../../ports/index.ts";
import { defineAction, type StepContext } from "../define.ts";
import { actionError } from "../support/fail.ts";
import { upn } from "../support/params.ts";
import { readTemplate } from "../support/read-template.ts";
import { resolveUser } from "../support/resolve-user.ts";
import { noFreeSeat, noSeatPolicy } from "../support/seats.ts";

const params = z.strictObject({
  upn,
  /** The template user whose direct licenses are copied; group-based ones follow the group copy. */
  from: upn,
  whenNoSeat: noSeatPolicy.optional(),
});
export type CopyLicensesParams = z.output<typeof params>;

interface Missing {
  userId: string;
  /** The template's direct SKUs. */
  wanted: Sku[];
  /** Those the new user does not hold yet. */
  missing: Sku[];
}

const parts = (skus: Sku[]) => skus.map((s) => s.skuPartNumber).join(", ");

async function missingSkus(
  p: CopyLicensesParams,
  ctx: StepContext<Pick<Ports, "directory" | "licensing">>,
): Promise<Missing> {
  const dir = ctx.ports.directory;
  const licensing = ctx.ports.licensing;
  const template = await readTemplate(dir, p.from);
  const user = await resolveUser(dir, p.upn);
  const [skus, held] = await Promise.all([licensing.skus(), licensing.assignedSkuIds(user.id)]);
  const wanted = template.directSkuIds.map((skuId) => {
    const sku = skus.find((s) => s.skuId === skuId);
    if (!sku)
      throw actionError("SKU_NOT_FOUND", `${p.from} holds ${skuId}, which is no subscription of this tenant`);
    return sku;
  });
  return { userId: user.id, wanted, missing: wanted.filter((s) => !held.includes(s.skuId)) };
}

/** "Copy from": the template's directly assigned licenses, each only once a seat is known to be free. */
export const copyLicenses = defineAction({
  type: "licensing.copy-licenses",
  params,
  ports: ["directory", "licensing"],
  async plan(p, ctx) {
    const { wanted, missing } = await missingSkus(p, ctx);
    if (!wanted.length) return { kind: "skip", reason: `${p.from} holds no directly assigned license` };
    if (!missing.length) return { kind: "already-done", detail: `${parts(wanted)} already assigned` };
    for (const sku of missing) {
      const noSeat = noFreeSeat(sku, p.whenNoSeat);
      if (noSeat) return noSeat;
    }
    return { kind: "will-change", summary: `assign ${parts(missing)}` };
  },
  async apply(p, ctx) {
    const licensing = ctx.ports.licensing;
    // Re-read: a resumed attempt assigns only what the interrupted one did not (assigning is idempotent too).
    const { userId, missing } = await missingSkus(p, ctx);
    for (const sku of missing) await licensing.assign(userId, sku.skuId);
    return {
      kind: "done",
      detail: `assigned ${parts(missing) || "nothing"}`,
      data: { assigned: missing.map((s) => ({ skuId: s.skuId, skuPartNumber: s.skuPartNumber })) },
    };
  },
  async verify(p, ctx) {
    const { missing } = await missingSkus(p, ctx);
    return missing.length
      ? { kind: "not-verified", observed: `${parts(missing)} not assigned` }
      : { kind: "verified" };
  },
});

import { z } from "zod";
import type { PlanResult } from "../../domain/outcome.ts";
import type { Licensing, Sku } from "../../ports/index.ts";
import { actionError } from "./fail.ts";

/** The client's `microsoft.whenNoSeat`: refuse at once, or wait for someone to buy or free a seat. */
export const noSeatPolicy = z.enum(["fail", "wait"]);
export type NoSeatPolicy = z.output<typeof noSeatPolicy>;

const seatRetryMs = 15 * 60_000;
const seatDeadlineMs = 24 * 60 * 60_000;

/** How a subscription's seats stand, as findings and failures word it: "25 of 25 in use". */
export const seatUsage = (sku: Sku) => `${sku.consumed} of ${sku.enabled} in use`;

/**
 * Undefined while a seat is free. Otherwise the policy's answer: a wait the plan returns, or a
 * NO_FREE_SEATS conflict naming the subscription. Checked in `plan`, so nothing has changed yet.
 */
export function noFreeSeat(
  sku: Sku,
  policy: NoSeatPolicy = "fail",
  /** The group the licence was to come through, named in both answers. */
  group?: string,
): Extract<PlanResult, { kind: "wait" }> | undefined {
  if (sku.consumed < sku.enabled) return undefined;
  const usage = seatUsage(sku);
  if (policy === "wait")
    return {
      kind: "wait",
      for: `a free ${sku.skuPartNumber} seat (${usage})${group ? `, licence through ${group}` : ""}`,
      retryInMs: seatRetryMs,
      deadlineMs: seatDeadlineMs,
      // Only someone buying or freeing a seat ends this wait: the ticket says so.
      needs: "person",
    };
  throw actionError(
    "NO_FREE_SEATS",
    `no free ${sku.skuPartNumber} seats (${usage})${group ? ` for the licence through ${group}` : ""}; buy one or free one, then retry`,
    "conflict",
  );
}

/** Seats freed, by id, as the billing record names them: with the part number the tenant gives each. */
export async function freedSeats(
  licensing: Licensing,
  skuIds: string[],
): Promise<{ skuId: string; skuPartNumber: string }[]> {
  if (!skuIds.length) return [];
  const part = new Map((await licensing.skus()).map((s) => [s.skuId, s.skuPartNumber]));
  return skuIds.map((skuId) => ({ skuId, skuPartNumber: part.get(skuId) ?? "unknown" }));
}

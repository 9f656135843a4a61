import { LifecycleError } from "../../domain/errors.ts";
import type { PlanResult } from "../../domain/outcome.ts";
import type { Sku } from "../../ports/index.ts";

/** The client's `microsoft.whenNoSeat`: refuse at once, or wait for someone to buy or free a seat. */
export type NoSeatPolicy = "fail" | "wait";

const seatRetryMs = 15 * 60_000;
const seatDeadlineMs = 24 * 60 * 60_000;

/**
 * Undefined while a seat is free. Otherwise the policy's answer: a wait the plan returns, or a
 * NoFreeSeats conflict naming the subscription. Checked in `plan`, so nothing has changed yet.
 */
export function noFreeSeat(
  sku: Sku,
  policy: NoSeatPolicy = "fail",
): Extract<PlanResult, { kind: "wait" }> | undefined {
  if (sku.consumed < sku.enabled) return undefined;
  const usage = `${sku.consumed} of ${sku.enabled} in use`;
  if (policy === "wait")
    return {
      kind: "wait",
      for: `a free ${sku.skuPartNumber} seat (${usage})`,
      retryInMs: seatRetryMs,
      deadlineMs: seatDeadlineMs,
    };
  throw new LifecycleError({
    kind: "conflict",
    code: "NoFreeSeats",
    message: `no free ${sku.skuPartNumber} seats (${usage}); buy one or free one, then retry`,
  });
}

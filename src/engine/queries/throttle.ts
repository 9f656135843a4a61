import type { Store } from "../../store/sql.ts";
import { defaultLimit } from "../types.ts";

/**
 * A 429 seen by one worker holds back every worker for that tenant and API until Retry-After has passed
 * (all but urgent steps, which wait out only their own: see claim.ts).
 * The API is the one that answered, which need not be the one the step was planned under, so its limits
 * row may not exist yet: it is made with the default limits.
 */
export async function throttleTenant(
  store: Store,
  tenant: string,
  api: string,
  retryAfterMs: number,
): Promise<void> {
  await store.query(
    `insert into tenant_limits as l (tenant, api, concurrency, rate_per_second, tokens, priority_slots, throttled_until)
     values ($1, $2, $4, $5, $5, $6, now() + $3 * interval '1 millisecond')
     on conflict (tenant, api) do update
        set throttled_until = greatest(coalesce(l.throttled_until, now()), excluded.throttled_until)`,
    [
      tenant,
      api,
      retryAfterMs,
      defaultLimit.concurrency,
      defaultLimit.ratePerSecond,
      defaultLimit.prioritySlots,
    ],
  );
}

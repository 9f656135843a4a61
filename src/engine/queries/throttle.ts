import type { Store } from "../../store/sql.ts";

/** A 429 seen by one worker holds back every worker for that tenant and API until Retry-After has passed. */
export async function throttleTenant(
  store: Store,
  tenant: string,
  api: string,
  retryAfterMs: number,
): Promise<void> {
  await store.query(
    `update tenant_limits
        set throttled_until = greatest(coalesce(throttled_until, now()), now() + $3 * interval '1 millisecond')
      where tenant = $1 and api = $2`,
    [tenant, api, retryAfterMs],
  );
}

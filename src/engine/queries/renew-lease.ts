import type { Store } from "../../store/sql.ts";

/** Extends the lease if this worker still holds it; false means another worker has taken the step over. */
export async function renewLease(store: Store, actionId: number, fence: number, leaseMs: number): Promise<boolean> {
  const rows = await store.query(
    `update actions set lease_until = now() + $3 * interval '1 millisecond'
      where id = $1 and fence = $2 and state = 'running' returning id`,
    [actionId, fence, leaseMs],
  );
  return rows.length > 0;
}

import type { Store } from "../../store/sql.ts";

/**
 * Extends the lease if this worker still holds it. A lease that already ran out is not revived: from
 * that moment its slot counted as free, and another worker may have been given it.
 */
export async function renewLease(
  store: Store,
  actionId: number,
  fence: number,
  leaseMs: number,
): Promise<boolean> {
  const rows = await store.query(
    `update actions set lease_until = now() + $3 * interval '1 millisecond'
      where id = $1 and fence = $2 and state = 'running' and lease_until > now() returning id`,
    [actionId, fence, leaseMs],
  );
  return rows.length > 0;
}

import { submitRequest, type SubmitOptions } from "../../src/composition/index.ts";
import type { Store } from "../../src/store/sql.ts";

type Live = Pick<SubmitOptions, "live">;

async function submitted(
  store: Store,
  kind: "onboard" | "offboard",
  body: Record<string, unknown>,
  live: Live,
): Promise<string> {
  const res = await submitRequest(
    store,
    kind,
    { client: "acme", requester: "hr@acmecorp.com", ...body },
    { actor: "bench", ...live },
  );
  if (!res.ok) throw new Error(JSON.stringify(res.errors));
  return res.value.runId!;
}

/**
 * An onboarding by Acme's HR, due at once. `sequential` runs it one step at a time: the product page's
 * run one step after another, or a probe whose time windows hold one step's calls each.
 */
export async function submitAcmeOnboarding(
  store: Store,
  body: Record<string, unknown>,
  live: Live,
  sequential = false,
): Promise<string> {
  const runId = await submitted(
    store,
    "onboard",
    { ...body, start: sequential ? "2030-01-01T09:00" : "now" },
    live,
  );
  if (sequential)
    await store.query(`update runs set max_parallel = 1, start_at = now() where id = $1`, [runId]);
  await store.query(`update actions set run_at = now() where run_id = $1`, [runId]);
  return runId;
}

/** An offboarding by Acme's HR, the last day today: it waits for the manager's approval. */
export function submitAcmeOffboarding(
  store: Store,
  upn: string,
  live: Live,
  actions?: Record<string, unknown>,
): Promise<string> {
  return submitted(store, "offboard", { user: upn, lastDay: "now", ...(actions ? { actions } : {}) }, live);
}

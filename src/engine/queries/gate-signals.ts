import type { Store } from "../../store/sql.ts";
import type { GateSignals, SignalRow } from "../step-queue.ts";
import type { ClaimedAction } from "../types.ts";

/** The signals addressed to this gate step, oldest first, and the store's clock to judge expiry by. */
export async function gateSignals(store: Store, a: ClaimedAction): Promise<GateSignals> {
  const signals = await store.query<SignalRow>(
    `select kind, actor, plan_hash as "planHash", note, at from signals
      where run_id = $1 and action_key = $2 order by id`,
    [a.runId, a.key],
  );
  const [clock] = await store.query<{ now: Date }>("select now() as now");
  return { signals, now: clock?.now ?? new Date() };
}

import { productionCatalog } from "../actions/catalog.ts";
import { sqlStepQueue } from "../engine/sql-step-queue.ts";
import { defaultTuning, type EngineTuning } from "../engine/types.ts";
import { createWorker, type Worker } from "../engine/worker.ts";
import type { Capabilities } from "../ports/index.ts";
import { getClient } from "../store/clients-repo.ts";
import type { Store } from "../store/sql.ts";
import type { PortsResolver } from "./client-ports.ts";
import { ticketTrail } from "./ticket-trail.ts";

/**
 * A worker beside the database with the whole product catalogue: each claimed step gets its client's
 * ports, every one served by the system the plan bound it to. Beside it, the ticket trail tells each run's
 * PSA ticket when a person is needed.
 */
export function productWorker(
  store: Store,
  opts: { id?: string; slots?: number; ports: PortsResolver; tuning?: Partial<EngineTuning> },
): Worker {
  const trail = ticketTrail(store, opts.ports, {
    intervalMs: Math.max(opts.tuning?.pollMs ?? 2_000, 50),
    // A PSA that failed is tried again as a failed step would be at the end of its back-off.
    retryMs: opts.tuning?.backoffCapMs ?? defaultTuning.backoffCapMs,
  });
  const engine = createWorker<Capabilities>({
    queue: sqlStepQueue(store),
    catalog: productionCatalog(),
    // The whole catalogue: a step it lacks (a connector not built yet) fails visibly instead of waiting.
    unknownActions: "fail",
    capabilities: async (step) => opts.ports(await getClient(store, step.clientId), step.bind ?? undefined),
    id: opts.id,
    slots: opts.slots,
    tuning: opts.tuning,
  });
  return {
    id: engine.id,
    busy: () => engine.busy(),
    async start() {
      await engine.start();
      trail.start();
    },
    async stop() {
      await trail.stop();
      await engine.stop();
    },
  };
}

import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { ActionCatalog } from "../actions/define.ts";
import { defaultQueue, gateType } from "../domain/plan.ts";
import { executeStep } from "./execute-step.ts";
import { type Claim, type ClaimFilter, LeaseLost, type StepQueue } from "./step-queue.ts";
import { type ClaimedAction, type EngineTuning, defaultTuning } from "./types.ts";

export interface WorkerOptions<Caps> {
  /** Where steps come from and where their ends are written: the store's rows, or a remote queue. */
  queue: StepQueue;
  /** The actions it runs, and so the only types it claims: other steps wait for a worker that has them. */
  catalog: ActionCatalog<Caps>;
  /** The queues it serves: a site agent its site's, the workers beside the database the default one. */
  queues?: readonly string[];
  /**
   * A step whose action is not in the catalogue: "wait" (the default) leaves it for a worker that has it;
   * "fail" takes it and fails it as UNKNOWN_ACTION. Only a worker holding the whole product's catalogue
   * should fail them: for it, no other worker could run the step, and a run must not wait for nobody.
   */
  unknownActions?: "wait" | "fail";
  /**
   * Capabilities for a claimed step: its client's connectors, each port served by the system the plan
   * bound it to (or the client's default).
   */
  capabilities: (step: Pick<ClaimedAction, "clientId" | "bind">) => Caps | Promise<Caps>;
  /** Steps this worker runs at once. */
  slots?: number;
  /**
   * Slots beside those that only urgent steps take (an offboarding's approval gate and lock-out): when a
   * bulk of long onboarding steps fills every other slot, a lock-out does not wait for one to finish.
   */
  prioritySlots?: number;
  tuning?: Partial<EngineTuning>;
  id?: string;
  onError?: (err: unknown) => void;
}

export interface Worker {
  readonly id: string;
  start(): Promise<void>;
  /** Stops claiming, waits for steps in flight to checkpoint. */
  stop(): Promise<void>;
  /** Number of steps running now. */
  busy(): number;
}

export function createWorker<Caps>(opts: WorkerOptions<Caps>): Worker {
  const id = opts.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const tuning: EngineTuning = { ...defaultTuning, ...opts.tuning };
  const slots = opts.slots ?? 8;
  const laneSlots = opts.prioritySlots ?? 3;
  const { queue } = opts;
  // Gates need no catalogue entry (they only read signals), so every worker can decide those in its queues.
  const filter: ClaimFilter = {
    queues: opts.queues ?? [defaultQueue],
    types: opts.unknownActions === "fail" ? "any" : [...opts.catalog.keys(), gateType],
  };
  const urgentFilter: ClaimFilter = { ...filter, urgentOnly: true };
  const inFlight = new Set<Promise<void>>();
  // Of those in flight, the ones claimed into the priority slots.
  let inLane = 0;
  const free = () => slots - (inFlight.size - inLane);
  const laneFree = () => laneSlots - inLane;
  const report = opts.onError ?? ((err: unknown) => console.error(`[worker ${id}]`, err));
  let running = false;
  let wake: (() => void) | undefined;
  // A poke that arrives while the loop is busy (claiming, or asking when work is due) must not be lost:
  // it is remembered and the next sleep is skipped.
  let poked = false;
  let unlisten: (() => Promise<void>) | undefined;
  let loopDone: Promise<void> | undefined;

  const poke = () => {
    poked = true;
    wake?.();
  };

  async function runOne(a: ClaimedAction): Promise<void> {
    const abort = new AbortController();
    // Renew well before expiry; losing the lease aborts the step so it stops touching the vendor.
    const heartbeat = setInterval(
      () => {
        queue
          .renewLease({ actionId: a.id, fence: a.fence }, tuning.leaseMs)
          .then((held) => {
            if (!held) abort.abort(new LeaseLost(a.key));
          })
          .catch(report);
      },
      Math.max(50, Math.floor(tuning.leaseMs / 3)),
    );
    try {
      const caps = await opts.capabilities(a);
      const t = await executeStep(a, {
        queue,
        catalog: opts.catalog,
        caps,
        tuning,
        signal: abort.signal,
      });
      if (t.kind === "retry" && t.outcome.error.kind === "throttled") {
        // The system that answered 429 (composition names it on the failure), which may not be the one the
        // planner labelled the step with; a connector used directly names only its vendor API.
        const api = t.outcome.error.system ?? t.outcome.error.vendor?.api ?? a.api;
        await queue.throttle({ tenant: a.tenant, api }, t.retryAfterMs ?? tuning.backoffBaseMs);
      }
      await queue.checkpoint(a, t, tuning);
    } catch (err) {
      // A lost lease is expected after a stall: the new owner re-reads and finishes the step.
      if (!(err instanceof LeaseLost)) report(err);
    } finally {
      clearInterval(heartbeat);
    }
  }

  function start(a: ClaimedAction, lane: boolean): void {
    if (lane) inLane++;
    const p = runOne(a).finally(() => {
      inFlight.delete(p);
      if (lane) inLane--;
      poke();
    });
    inFlight.add(p);
  }

  async function loop(): Promise<void> {
    while (running) {
      poked = false;
      const ordinary = free();
      const lane = laneFree();
      let claimed: ClaimedAction[] = [];
      let urgent: ClaimedAction[] = [];
      let limited: Claim["limited"];
      try {
        if (ordinary > 0)
          ({ steps: claimed, limited } = await queue.claim(id, tuning.leaseMs, ordinary, filter));
        // Only when the ordinary slots are (now) all taken: a short claim means no urgent step was
        // claimable either, since urgent steps are claimed first.
        if (lane > 0 && claimed.length >= ordinary)
          ({ steps: urgent, limited } = await queue.claim(id, tuning.leaseMs, lane, urgentFilter));
      } catch (err) {
        report(err);
      }
      for (const a of claimed) start(a, false);
      for (const a of urgent) start(a, true);
      // A full batch may mean more is waiting; a short one means the queue is drained until something pokes.
      const more =
        (ordinary > 0 && claimed.length === ordinary && free() > 0) ||
        (lane > 0 && urgent.length === lane && laneFree() > 0);
      if (more) continue;
      await sleepUntilWoken(free() > 0 ? filter : laneFree() > 0 ? urgentFilter : undefined, limited);
    }
  }

  /**
   * `idle`: the filter of the slots still free, whose next due step should end the sleep; `limited`: what
   * the last claim said of the limits that turned due steps away.
   */
  async function sleepUntilWoken(idle: ClaimFilter | undefined, limited: Claim["limited"]): Promise<void> {
    let ms = tuning.idleMs;
    if (idle) {
      const ask = (opts?: { laterOnly: boolean }) =>
        queue.nextDueAt(idle, opts).catch((err: unknown) => {
          report(err);
          return null;
        });
      const due = await ask();
      // Due but not claimable: a limit holds it. A step's end frees a slot and wakes every worker, so only
      // an emptied rate bucket is worth a timer; asking again every few ms while a bulk fills a tenant would
      // keep the process busy with claims that cannot succeed (and a lock-out waiting on that process).
      if (due && due.getTime() <= Date.now() && limited) {
        ms = Math.min(ms, Math.max(limited.retryInMs ?? ms, 10));
        const later = await ask({ laterOnly: true });
        if (later) ms = Math.min(ms, Math.max(later.getTime() - Date.now() + 5, 10));
      } else if (due && due.getTime() <= Date.now()) ms = Math.min(ms, 100);
      else if (due) ms = Math.min(ms, due.getTime() - Date.now() + 5);
    }
    if (poked) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  return {
    id,
    busy: () => inFlight.size,
    async start() {
      if (running) return;
      running = true;
      unlisten = await queue.listen(poke);
      loopDone = loop();
    },
    async stop() {
      running = false;
      poke();
      await loopDone;
      await Promise.allSettled([...inFlight]);
      await unlisten?.();
    },
  };
}

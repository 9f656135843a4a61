import { z } from "zod";
import { catalog, defineActionOver } from "../../src/actions/define.ts";
import { LifecycleError } from "../../src/domain/errors.ts";
import type { Plan, PlannedAction } from "../../src/domain/plan.ts";
import { createRun } from "../../src/engine/runs.ts";
import { sqlStepQueue } from "../../src/engine/sql-step-queue.ts";
import { createWorker } from "../../src/engine/worker.ts";
import type { Store } from "../../src/store/sql.ts";
import { seedClient } from "./engine-helpers.ts";
import { pgliteUnderTest } from "./stores.ts";

/** Test-only capabilities: a client for the counting service. */
export interface TestCaps {
  serviceUrl: string;
}

// Loose: the effect also stands in for real actions, whose params it is handed as the planner made them.
const effectParams = z.looseObject({
  tenant: z.string().optional(),
  /** Make `plan` report a wait this many times before proceeding (a condition that needs time). */
  waitPolls: z.int().optional(),
  /** Make `verify` see nothing this many times after the apply (eventual consistency). */
  verifyPolls: z.int().optional(),
});

const defineTestAction = defineActionOver<TestCaps>();

const pollsSeen = new Map<string, number>();

async function exists(url: string, key: string): Promise<boolean> {
  const res = await fetch(`${url}/effects?key=${encodeURIComponent(key)}`);
  return ((await res.json()) as { exists: boolean }).exists;
}

/** One side effect on the counting service, written as a real action is: read, change, re-read. */
const effectAction = (type: string) =>
  defineTestAction({
    type,
    params: effectParams,
    ports: ["serviceUrl"],
    async plan(p, ctx) {
      if (await exists(ctx.ports.serviceUrl, ctx.idempotencyKey)) return { kind: "already-done" };
      if (p.waitPolls) {
        const seen = (pollsSeen.get(ctx.idempotencyKey) ?? 0) + 1;
        pollsSeen.set(ctx.idempotencyKey, seen);
        if (seen <= p.waitPolls)
          return { kind: "wait", for: "test condition", retryInMs: 30, deadlineMs: 10_000 };
      }
      return { kind: "will-change", summary: `apply ${ctx.idempotencyKey}` };
    },
    async apply(p, ctx) {
      const res = await fetch(`${ctx.ports.serviceUrl}/effects`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ key: ctx.idempotencyKey, tenant: p.tenant ?? "default" }),
        signal: ctx.signal,
      });
      if (res.status === 429) {
        const retryAfterMs = Number(res.headers.get("retry-after")) * 1000;
        throw new LifecycleError({ kind: "throttled", message: "429 from test service", retryAfterMs });
      }
      if (res.status >= 500)
        throw new LifecycleError({ kind: "transient", message: `${res.status} from test service` });
      if (res.status >= 400)
        throw new LifecycleError({
          kind: "invalid",
          message: `${res.status} from test service`,
          code: "VENDOR_INVALID",
        });
      return { kind: "done", detail: "applied", data: { appliedAs: ctx.idempotencyKey } };
    },
    async verify(p, ctx) {
      if (p.verifyPolls) {
        const seen = (pollsSeen.get(`verify:${ctx.idempotencyKey}`) ?? 0) + 1;
        pollsSeen.set(`verify:${ctx.idempotencyKey}`, seen);
        // What a re-read saw is data too: the engine keeps it with the outcome, passed or not.
        if (seen <= p.verifyPolls)
          return { kind: "not-verified", observed: "not replicated yet", data: { verifyPoll: seen } };
        return (await exists(ctx.ports.serviceUrl, ctx.idempotencyKey))
          ? { kind: "verified", data: { verifyPoll: seen } }
          : { kind: "not-verified", observed: "effect missing" };
      }
      return (await exists(ctx.ports.serviceUrl, ctx.idempotencyKey))
        ? { kind: "verified" }
        : { kind: "not-verified", observed: "effect missing" };
    },
  });

export const effect = effectAction("test.effect");

export const testCatalog = catalog<TestCaps>(effect);

/** Stands in for every action type a plan names, so planner output runs end to end in engine-level tests. */
export function effectCatalog(types: Iterable<string>) {
  return catalog<TestCaps>(...[...types].map(effectAction));
}

/** A random DAG of `n` effect steps: each step depends on up to two earlier ones. */
export function randomPlan(n: number, tenant: string, rand: () => number = Math.random): Plan {
  const actions: PlannedAction[] = [];
  for (let i = 0; i < n; i++) {
    const deps = actions
      .filter(() => rand() < 0.3)
      .slice(-2)
      .map((a) => a.key);
    actions.push({
      key: `s${i}`,
      type: "test.effect",
      title: `step ${i}`,
      params: { tenant },
      deps,
      required: true,
      tenant,
      api: "test",
    });
  }
  return { actions };
}

export function linearPlan(keys: string[], tenant: string, extra: Partial<PlannedAction> = {}): Plan {
  return {
    actions: keys.map((key, i) => ({
      key,
      type: "test.effect",
      title: key,
      params: { tenant },
      deps: i ? [keys[i - 1] as string] : [],
      required: true,
      tenant,
      api: "test",
      ...extra,
    })),
  };
}

/** Steps that speak to no system: their workers are handed no ports. */
export type NoPorts = Record<never, never>;
export const defineNoPortsAction = defineActionOver<NoPorts>();

/** A step whose effect is a key in this process's memory, written as a real action: read, change, re-read. */
export function memoryWork(type: string): {
  action: ReturnType<typeof defineNoPortsAction>;
  applied: Set<string>;
} {
  const applied = new Set<string>();
  const action = defineNoPortsAction({
    type,
    params: z.looseObject({}),
    ports: [],
    plan: async (_p, ctx) =>
      applied.has(ctx.idempotencyKey) ? { kind: "already-done" } : { kind: "will-change", summary: "work" },
    apply: async (_p, ctx) => {
      applied.add(ctx.idempotencyKey);
      return { kind: "done" };
    },
    verify: async (_p, ctx) =>
      applied.has(ctx.idempotencyKey) ? { kind: "verified" } : { kind: "not-verified", observed: "missing" },
  });
  return { action, applied };
}

/**
 * An embedded store with a worker running the given port-less actions, and a way to start runs of plain
 * steps on it: what the engine's own feature tests need, once.
 */
export async function noPortsEngine(
  id: string,
  ...actions: Parameters<typeof catalog<NoPorts>>
): Promise<{
  store: Store;
  run(actions: PlannedAction[]): Promise<{ runId: string }>;
  close(): Promise<void>;
}> {
  const { store, cleanup } = await pgliteUnderTest.open();
  await seedClient(store);
  const worker = createWorker<NoPorts>({
    queue: sqlStepQueue(store),
    catalog: catalog<NoPorts>(...actions),
    capabilities: () => ({}),
    id,
    tuning: { leaseMs: 2_000, backoffBaseMs: 20, backoffCapMs: 200, pollMs: 30, idleMs: 50 },
  });
  await worker.start();
  return {
    store,
    run: (plan) =>
      createRun(store, {
        clientId: "acme",
        kind: "onboard",
        subject: id,
        requester: "tech@msp.example",
        request: {},
        startAt: new Date(),
        plan: { actions: plan },
      }),
    async close() {
      await worker.stop();
      await cleanup();
    },
  };
}

import { z } from "zod";
import { catalog, defineActionOver } from "../../src/actions/define.ts";
import type { Plan } from "../../src/domain/plan.ts";

/** A step that talks to nothing: what remains of its time is the engine's own overhead. */
export const noop = defineActionOver<Record<string, never>>()({
  type: "bench.noop",
  params: z.strictObject({}),
  ports: [],
  plan: async () => ({ kind: "will-change", summary: "nothing" }),
  apply: async () => ({ kind: "done" }),
  verify: async () => ({ kind: "verified" }),
});

export const noopCatalog = catalog<Record<string, never>>(noop);

/** n no-op steps, each after the one before (chained) or all at once. */
export function noopPlan(n: number, tenant: string, chained: boolean): Plan {
  return {
    actions: Array.from({ length: n }, (_, i) => ({
      key: `s${i}`,
      type: "bench.noop",
      title: `s${i}`,
      params: {},
      deps: chained && i ? [`s${i - 1}`] : [],
      required: true,
      tenant,
      api: "bench",
    })),
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

import { performance } from "node:perf_hooks";
import { appendAudit } from "../src/store/audit.ts";
import { verifyAudit } from "../src/store/audit/verify.ts";
import type { Store } from "../src/store/sql.ts";
import { percentile } from "./support/noop.ts";

/**
 * One audited change's cost to the log (an append in its own transaction), and what a full verification
 * costs per thousand rows: the server runs one at start, and GET /api/audit one per page.
 */
export async function auditBench(
  store: Store,
  rows = 2000,
): Promise<{ appendP50: number; appendP95: number; verifyPer1000: number }> {
  const times: number[] = [];
  for (let i = 0; i < rows; i++) {
    const t0 = performance.now();
    await store.tx((sql) =>
      appendAudit(sql, {
        actor: "bench@msp.example",
        action: "onboard.submit",
        subject: `acme/u${i}`,
        detail: { runId: `run-${i}`, planHash: "p".repeat(64) },
      }),
    );
    times.push(performance.now() - t0);
  }
  const t0 = performance.now();
  const report = await verifyAudit(store);
  const ms = performance.now() - t0;
  if (!report.ok || report.entries !== rows)
    throw new Error(`audit bench: ${JSON.stringify(report.problems)}`);
  return {
    appendP50: percentile(times, 50),
    appendP95: percentile(times, 95),
    verifyPer1000: (ms / rows) * 1000,
  };
}

import type { Capabilities } from "../src/ports/index.ts";
import { productionCatalog } from "../src/actions/catalog.ts";
import { graphCapabilities, TokenSource } from "../src/connectors/msgraph/index.ts";
import { liveStateOf } from "../src/composition/live-state.ts";
import { submitRequest } from "../src/composition/submit.ts";
import { signalRun } from "../src/engine/runs.ts";
import { sqlStepQueue } from "../src/engine/sql-step-queue.ts";
import { createWorker } from "../src/engine/worker.ts";
import { upsertClient } from "../src/store/clients-repo.ts";
import { openStore } from "../src/store/open.ts";
import type { Store } from "../src/store/sql.ts";
import { acme, startMicrosoft365Emulator } from "../emulators/microsoft365/index.ts";
import { acmeConfig, approvals, links, lockOutOnly, mike } from "./microsoft.ts";
import { percentile } from "./support/noop.ts";

const lockedKeys = ["revoke-sessions", "disable-sign-in"];

interface StepRow {
  key: string;
  state: string;
  outcome: { kind: string; appliedAt?: string } | null;
  startedAt: Date | null;
}

const stepsOf = (store: Store, runId: string) =>
  store.query<StepRow>(
    `select key, state, outcome, started_at as "startedAt" from actions where run_id = $1`,
    [runId],
  );

/** Runs `fn` over `items`, at most `width` at once. */
async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * Time to lock-out while the same tenant runs a bulk onboarding: `onboardings` new hires submitted at
 * once (as API submissions), then, while their steps fill Acme's Graph and Exchange limits, `offboardings`
 * leavers, each approved by the manager once the one before is locked out. Realistic latency, the
 * emulator's own throttle budget and the connectors' own limits (not the fast ones the other Microsoft
 * figures use): the case where a lock-out could wait behind a hundred onboarding steps. Timed, as
 * lockout.p95Ms is, from the approval to the moment Graph accepted the last of revoke-sessions and
 * disable-sign-in; the run's other steps (its verification, the approval mail) are not waited for.
 */
export async function lockoutUnderBulk(
  offboardings = 20,
  onboardings = 100,
): Promise<Record<string, number>> {
  const m365 = await startMicrosoft365Emulator({ profile: "realistic", seed: "acme" });
  const tokens = new TokenSource({ authorityHost: m365.url });
  const caps: Capabilities = {
    ...graphCapabilities(tokens, {
      tenantId: acme.tenantId,
      credential: { clientId: acme.clientId, clientSecret: acme.clientSecret },
      graphUrl: m365.url,
      exchangeUrl: m365.url,
    }),
    oneTimeLinks: links,
    approvalLinks: approvals,
  };
  const store = await openStore({});
  await upsertClient(store, acmeConfig(undefined, true));
  const worker = createWorker({
    queue: sqlStepQueue(store),
    catalog: productionCatalog(),
    capabilities: () => caps,
    // The product's own idle sleep (a worker is woken by every step's end and every signal); polls of a
    // condition (a mailbox provisioned) every second keep the bulk's steps coming.
    tuning: { pollMs: 1000 },
  });
  await worker.start();
  const live = { live: () => liveStateOf(caps) };
  const out: Record<string, number> = {};
  try {
    const hires = Array.from({ length: onboardings }, (_, i) => i);
    await pool(hires, 8, async (i) => {
      const res = await submitRequest(
        store,
        "onboard",
        {
          client: "acme",
          firstName: `Bulk${i}`,
          lastName: "Hire",
          department: "Marketing",
          manager: "mike.chen@acmecorp.com",
          start: "now",
          requester: "hr@acmecorp.com",
        },
        { actor: "bench", ...live },
      );
      if (!res.ok) throw new Error(JSON.stringify(res.errors));
      await store.query(`update actions set run_at = now() where run_id = $1 and state = 'ready'`, [
        res.value.runId,
      ]);
    });

    const manager = m365.admin.user(acme.tenantId, "mike.chen@acmecorp.com").id;
    for (let i = 0; i < offboardings; i++)
      m365.admin.createUser(acme.tenantId, {
        userPrincipalName: `bulk.leaver${i}@acmecorp.com`,
        displayName: `Bulk Leaver ${i}`,
        usageLocation: "US",
        manager,
      });

    const lockouts: number[] = [];
    const started: number[] = [];
    for (let i = 0; i < offboardings; i++) {
      const r = await submitRequest(
        store,
        "offboard",
        {
          client: "acme",
          user: `bulk.leaver${i}@acmecorp.com`,
          lastDay: "now",
          requester: "hr@acmecorp.com",
          actions: lockOutOnly,
        },
        { actor: "bench", ...live },
      );
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      const runId = r.value.runId!;
      // Approved the moment it may be: under the bulk the approval mail may still be queued, and is not
      // what this figure measures.
      for (;;) {
        const [run] = await store.query<{ status: string; planHash: string }>(
          `select status, plan_hash as "planHash" from runs where id = $1`,
          [runId],
        );
        if (run?.status === "awaiting-approval") {
          const approvedAt = Date.now();
          await signalRun(store, runId, {
            kind: "approve",
            by: { kind: "staff", principal: mike },
            planHash: run.planHash,
          });
          const locked = await lockedOut(store, runId);
          lockouts.push(locked.appliedAt - approvedAt);
          started.push(locked.startedAt - approvedAt);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const [open] = await store.query<{ n: number }>(
      `select count(*)::int as n from actions a join runs r on r.id = a.run_id
        where r.kind = 'onboard' and a.state not in ('succeeded', 'already-done', 'skipped', 'failed', 'cancelled', 'blocked')`,
    );
    // Proof that the bulk was still running when the last leaver was locked out.
    out["lockout.underBulkOpenOnboardingSteps"] = open?.n ?? 0;
    out["lockout.underBulkP50Ms"] = percentile(lockouts, 50);
    out["lockout.underBulkP95Ms"] = percentile(lockouts, 95);
    // The engine's share: from the approval until the last of the two steps was claimed (the rest is Graph).
    out["lockout.underBulkToStartP95Ms"] = percentile(started, 95);
  } finally {
    await worker.stop();
    await store.close();
    await m365.close();
  }
  return out;
}

/** When Graph accepted the last of the run's lock-out writes (once both have), and when it was claimed. */
async function lockedOut(store: Store, runId: string): Promise<{ appliedAt: number; startedAt: number }> {
  for (;;) {
    const steps = (await stepsOf(store, runId)).filter((s) => lockedKeys.includes(s.key));
    const failed = steps.find((s) => ["failed", "blocked", "cancelled"].includes(s.state));
    if (failed) throw new Error(`bench lock-out ${runId}: ${failed.key} ended ${failed.state}`);
    const applied = steps.map((s) =>
      s.outcome?.kind === "succeeded" && s.outcome.appliedAt ? Date.parse(s.outcome.appliedAt) : NaN,
    );
    if (steps.length === lockedKeys.length && applied.every((t) => !Number.isNaN(t)))
      return {
        appliedAt: Math.max(...applied),
        startedAt: Math.max(...steps.map((s) => s.startedAt!.getTime())),
      };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

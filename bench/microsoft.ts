import type { Capabilities } from "../src/actions/capabilities.ts";
import { productionCatalog } from "../src/actions/catalog.ts";
import { graphCapabilities, TokenSource } from "../src/connectors/msgraph/index.ts";
import { parseClientConfig } from "../src/domain/client.ts";
import { terminalRunStatuses } from "../src/domain/run-status.ts";
import { getRun, type RunDetail } from "../src/engine/read.ts";
import { createWorker } from "../src/engine/worker.ts";
import { submitRequest } from "../src/requests/submit.ts";
import { upsertClient } from "../src/store/clients-repo.ts";
import { openStore } from "../src/store/open.ts";
import type { Store } from "../src/store/sql.ts";
import { acme, startMicrosoft365Emulator } from "../emulators/microsoft365/index.ts";
import { percentile } from "./support/noop.ts";

const acmeConfig = (maxParallelHint: string) => {
  const parsed = parseClientConfig({
    id: "acme",
    displayName: `Acme Corp (${maxParallelHint})`,
    domains: ["acmecorp.com"],
    timeZone: "America/New_York",
    usageLocation: "US",
    groupsByDepartment: { Marketing: ["Marketing", "All-Staff", "M365-Business-Premium"] },
    systems: { identity: "entra", mail: "exchange-online" },
    limits: {
      graph: { concurrency: 8, ratePerSecond: 100 },
      exchange: { concurrency: 8, ratePerSecond: 100 },
    },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
};

async function finished(store: Store, runId: string): Promise<RunDetail> {
  for (;;) {
    const run = await getRun(store, runId);
    if (terminalRunStatuses.has(run.status)) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The longest chain of dependent steps, each taking what it took in this run. */
function criticalPathMs(run: RunDetail): number {
  const byKey = new Map(run.actions.map((a) => [a.key, a]));
  const memo = new Map<string, number>();
  const longest = (key: string): number => {
    const known = memo.get(key);
    if (known !== undefined) return known;
    const a = byKey.get(key)!;
    const own = a.startedAt && a.finishedAt ? a.finishedAt.getTime() - a.startedAt.getTime() : 0;
    const value = own + Math.max(0, ...a.deps.map(longest));
    memo.set(key, value);
    return value;
  };
  return Math.max(...run.actions.map((a) => longest(a.key)));
}

const wallMs = (run: RunDetail) =>
  Math.max(...run.actions.map((a) => a.finishedAt?.getTime() ?? 0)) - run.startAt.getTime();

/**
 * The Acme onboarding on the realistic profile: Lifecycle's parallel plan, the same steps one after
 * another, and the critical-path bound; Graph calls per onboarding and offboarding; time to lock-out.
 */
export async function microsoftBench(offboardings = 50): Promise<Record<string, number>> {
  const m365 = await startMicrosoft365Emulator({ profile: "realistic", seed: "acme" });
  const tokens = new TokenSource({ authorityHost: m365.url });
  const caps: Capabilities = graphCapabilities(tokens, {
    tenantId: acme.tenantId,
    credential: { clientId: acme.clientId, clientSecret: acme.clientSecret },
    graphUrl: m365.url,
  });
  const store = await openStore({});
  await upsertClient(store, acmeConfig("bench"));
  const worker = createWorker({
    store,
    catalog: productionCatalog(),
    capabilities: () => caps,
    tuning: { pollMs: 1000, idleMs: 50 },
  });
  await worker.start();
  const out: Record<string, number> = {};
  try {
    const onboard = async (first: string, last: string) => {
      const res = await submitRequest(
        store,
        "onboard",
        {
          client: "acme",
          firstName: first,
          lastName: last,
          department: "Marketing",
          manager: "mike.chen@acmecorp.com",
          start: "now",
          requester: "bench",
        },
        { actor: "bench" },
      );
      if (!res.ok) throw new Error(JSON.stringify(res.errors));
      return finished(store, res.value.runId!);
    };
    m365.admin.clearCalls();
    const parallel = await onboard("Sarah", "Johnson");
    out["onboarding.graphCalls"] = m365.admin.calls({}).filter((c) => c.api === "graph").length;
    out["onboarding.wallMs"] = wallMs(parallel);
    out["onboarding.criticalPathMs"] = criticalPathMs(parallel);
    out["onboarding.ratioToCriticalPath"] = out["onboarding.wallMs"] / out["onboarding.criticalPathMs"];
    // Strictly one after another: the same plan with one step at a time.
    const res = await submitRequest(
      store,
      "onboard",
      {
        client: "acme",
        firstName: "Sam",
        lastName: "Sequential",
        department: "Marketing",
        manager: "mike.chen@acmecorp.com",
        start: "now",
        requester: "bench",
      },
      { actor: "bench" },
    );
    if (!res.ok) throw new Error(JSON.stringify(res.errors));
    await store.query(`update runs set max_parallel = 1 where id = $1`, [res.value.runId]);
    out["onboarding.sequentialMs"] = wallMs(await finished(store, res.value.runId!));

    for (let i = 0; i < offboardings; i++) {
      m365.admin.createUser(acme.tenantId, {
        userPrincipalName: `leaver${i}@acmecorp.com`,
        displayName: `Leaver ${i}`,
        usageLocation: "US",
      });
    }
    m365.admin.clearCalls();
    const lockouts: number[] = [];
    for (let i = 0; i < offboardings; i++) {
      const r = await submitRequest(
        store,
        "offboard",
        {
          client: "acme",
          user: `leaver${i}@acmecorp.com`,
          lastDay: "now",
          requester: "bench",
          requiresApproval: false,
        },
        { actor: "bench" },
      );
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      const run = await finished(store, r.value.runId!);
      const locked = run.actions.filter((a) => ["revoke-sessions", "disable-sign-in"].includes(a.key));
      lockouts.push(Math.max(...locked.map((a) => a.finishedAt!.getTime())) - run.startAt.getTime());
      if (i === 0)
        out["offboarding.graphCalls"] = m365.admin.calls({}).filter((c) => c.api === "graph").length;
    }
    out["lockout.p50Ms"] = percentile(lockouts, 50);
    out["lockout.p95Ms"] = percentile(lockouts, 95);
  } finally {
    await worker.stop();
    await store.close();
    await m365.close();
  }
  return out;
}

import type { ApprovalLinks, Capabilities, OneTimeLinks } from "../src/ports/index.ts";
import { productionCatalog } from "../src/actions/catalog.ts";
import { graphCapabilities, TokenSource } from "../src/connectors/msgraph/index.ts";
import { parseClient } from "../src/composition/index.ts";
import { terminalRunStatuses } from "../src/domain/run-status.ts";
import { getRun, type RunDetail } from "../src/engine/read.ts";
import { signalRun } from "../src/engine/runs.ts";
import { sqlStepQueue } from "../src/engine/sql-step-queue.ts";
import { createWorker } from "../src/engine/worker.ts";
import { upsertClient } from "../src/store/clients-repo.ts";
import { openStore } from "../src/store/open.ts";
import type { Store } from "../src/store/sql.ts";
import { demoClients } from "../emulators/demo/clients.ts";
import {
  acme,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../emulators/microsoft365/index.ts";
import { offboardingActionKeys } from "../src/domain/offboarding-actions.ts";
import { liveStateOf } from "../src/composition/live-state.ts";
import { runRecordOf } from "../src/composition/run-record.ts";
import { ticketTrail } from "../src/composition/ticket-trail.ts";
import type { SystemConfig } from "../src/domain/client.ts";
import type { Principal } from "../src/domain/staff-roles.ts";
import { startBenchPsa, type PsaCalls } from "./psa.ts";
import { submitAcmeOffboarding, submitAcmeOnboarding } from "./support/acme-request.ts";
import { percentile } from "./support/noop.ts";

// The demo's Acme, Microsoft side only, with API limits that let its parallel plan run (the defaults are
// conservative) unless `connectorLimits` keeps the connectors' own; with `psa`, its HaloPSA system too,
// pointed at the bench's emulator with the connector's own limits, as the demo has it.
export const acmeConfig = (psa?: SystemConfig, connectorLimits = false) => {
  const demo = demoClients.find((c) => c.id === "acme");
  const fast = { concurrency: 8, ratePerSecond: 100 };
  const systems = Object.fromEntries([
    ...Object.entries(demo?.systems ?? {})
      .filter(([, s]) => s.connector === "msgraph" || s.connector === "exchange-online")
      .map(([name, s]) => [name, connectorLimits ? s : { ...s, limits: fast }]),
    ...(psa ? [["halo", psa]] : []),
  ]);
  const parsed = parseClient({ ...demo, systems });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
};

/** One-time links kept in memory: the bench measures calls and time, not the link store. */
export const links: OneTimeLinks = {
  share: async (owner, _secret, { expiresAt }) => ({
    linkId: `${owner.runId}:${owner.actionKey}#1`,
    state: "created",
    expiresAt,
  }),
  address: async (linkId) => ({
    kind: "ready",
    url: `https://lifecycle.bench/credentials/${encodeURIComponent(linkId)}`,
    expiresAt: new Date(Date.now() + 3_600_000),
  }),
};

/** An offboarding that only locks the leaver out: every other option off. */
export const lockOutOnly = Object.fromEntries(
  offboardingActionKeys.map((k) => [k, k === "disableAccount" ? true : k === "wipeDevices" ? "none" : false]),
);

/** Approval links kept in memory: every approval waits, each approver's address is made from the ids. */
export const approvals: ApprovalLinks = {
  pending: async () => ({ expiresAt: new Date(Date.now() + 3_600_000) }),
  linkFor: async (runId, approver) => ({
    kind: "ready",
    linkId: `${runId}:${approver}`,
    url: `https://lifecycle.bench/approvals/${encodeURIComponent(`${runId}:${approver}`)}`,
    expiresAt: new Date(Date.now() + 3_600_000),
  }),
};

/** Acme's manager, signed in: the client's policy leaves its offboardings to him. */
export const mike: Principal = {
  accountId: "bench-mike",
  email: "mike.chen@acmecorp.com",
  role: "approver",
  clients: ["acme"],
  via: "session",
};

async function finished(store: Store, runId: string): Promise<RunDetail> {
  for (;;) {
    const run = await getRun(store, runId);
    if (terminalRunStatuses.has(run.status)) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The longest chain of dependent steps, each taking what it took in this run: the wall time against it
 * is the engine's scheduling overhead only. The critical-path bound proper, independent of the run, is
 * full-run.ts's.
 */
function ownStepsPathMs(run: RunDetail): number {
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

export const firstStart = (run: RunDetail) =>
  Math.min(...run.actions.map((a) => a.startedAt?.getTime() ?? Infinity));

/**
 * From the first step's start to the last step's end: the actions' own wall time, comparable with the
 * critical path. Submission (validation, planning and its directory reads) is reported on its own.
 */
export const lastEnd = (run: RunDetail) => Math.max(...run.actions.map((a) => a.finishedAt?.getTime() ?? 0));
const wallMs = (run: RunDetail) => lastEnd(run) - firstStart(run);

/** HTTP requests to Graph and to Exchange since the last clear ($batch items are not requests). */
function callCounts(m365: Microsoft365Emulator): { graph: number; exchange: number } {
  const calls = m365.admin.calls({ tenantId: acme.tenantId }).filter((c) => !c.insideBatch);
  return {
    graph: calls.filter((c) => c.api === "graph").length,
    exchange: calls.filter((c) => c.api === "exchange").length,
  };
}

/** A leaver like Tom: licensed, in groups, with a mailbox, MFA methods and a phone. */
function seedLeaver(m365: Microsoft365Emulator, name: string): string {
  const t = acme.tenantId;
  const groups = m365.admin
    .groups(t)
    .filter((g) => ["Marketing", "All-Staff", "Marketing Team"].includes(g.displayName));
  const upn = `${name.toLowerCase()}@acmecorp.com`;
  const user = m365.admin.createUser(t, {
    userPrincipalName: upn,
    displayName: name,
    usageLocation: "US",
    licenses: ["SPB"],
    mailbox: "user",
    manager: m365.admin.user(t, "mike.chen@acmecorp.com").id,
    groups: groups.map((g) => g.id),
    authMethods: [{ type: "microsoftAuthenticator", displayName: "Phone" }],
  });
  m365.admin.createMobileDevice(t, { mailbox: user.id, deviceModel: "Pixel 8", deviceType: "Android" });
  return upn;
}

/**
 * The Acme onboarding on the realistic profile: Lifecycle's parallel plan, the same steps one after
 * another, and the longest chain of its own steps' durations (scheduling overhead); Graph and Exchange calls per onboarding and offboarding, with and
 * without $batch; time to lock-out, from the manager's approval to the moment Graph accepted the change
 * (verification follows it and is reported separately). Last, the same onboarding and an offboarding with
 * Acme's HaloPSA (realistic profile too) beside the Microsoft steps: the wall time against the critical
 * path of its own steps, and the PSA's calls (its REST API; its token requests apart). An offboarding's wall time runs from
 * the approval to its last step's end (its ticket and plan note come before the approval is asked), with
 * the PSA and without: Tom's, and the new hire's with her ticket, contact and log.
 */
export async function microsoftBench(offboardings = 50): Promise<Record<string, number>> {
  const m365 = await startMicrosoft365Emulator({ profile: "realistic", seed: "acme" });
  const tokens = new TokenSource({ authorityHost: m365.url });
  const capsWith = (batchWindowMs?: number): Capabilities => ({
    ...graphCapabilities(tokens, {
      tenantId: acme.tenantId,
      credential: { clientId: acme.clientId, clientSecret: acme.clientSecret },
      graphUrl: m365.url,
      exchangeUrl: m365.url,
      batchWindowMs,
    }),
    oneTimeLinks: links,
    approvalLinks: approvals,
  });
  const batched = capsWith();
  const unbatched = capsWith(0);
  let caps = batched;
  const store = await openStore({});
  await upsertClient(store, acmeConfig());
  const worker = createWorker({
    queue: sqlStepQueue(store),
    catalog: productionCatalog(),
    capabilities: () => caps,
    tuning: { pollMs: 1000, idleMs: 50 },
  });
  await worker.start();
  const live = { live: () => liveStateOf(caps) };
  const out: Record<string, number> = {};
  try {
    const onboard = async (first: string, last: string, sequential = false) => {
      const body = {
        firstName: first,
        lastName: last,
        department: "Marketing",
        manager: "mike.chen@acmecorp.com",
      };
      return finished(store, await submitAcmeOnboarding(store, body, live, sequential));
    };
    // Acme's offboardings need the manager's approval; the lock-out is timed from the moment it is given.
    const offboard = async (upn: string, actions?: Record<string, unknown>) => {
      const runId = await submitAcmeOffboarding(store, upn, live, actions);
      let run = await getRun(store, runId);
      // Mike approves once he has been asked: after the request's mail went, not while it is sending.
      const asked = (r: RunDetail) =>
        r.actions.every((a) => a.key !== "approval-request" || a.finishedAt !== null);
      while (run.status !== "awaiting-approval" || !asked(run)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        run = await getRun(store, runId);
      }
      const approvedAt = Date.now();
      await signalRun(store, runId, {
        kind: "approve",
        by: { kind: "staff", principal: mike },
        planHash: run.planHash,
      });
      return { run: await finished(store, runId), approvedAt };
    };
    const expectCompleted = (run: RunDetail) => {
      if (run.status !== "completed")
        throw new Error(
          `bench run ${run.subject} ended ${run.status}: ${JSON.stringify(run.actions.map((a) => [a.key, a.state]))}`,
        );
      return run;
    };

    m365.admin.clearCalls();
    const parallel = expectCompleted(await onboard("Sarah", "Johnson"));
    const withBatch = callCounts(m365);
    out["onboarding.wallMs"] = wallMs(parallel);
    out["onboarding.requestToFirstStepMs"] = firstStart(parallel) - parallel.startAt.getTime();
    out["onboarding.ownStepsPathMs"] = ownStepsPathMs(parallel);
    out["onboarding.ratioToOwnStepsPath"] = out["onboarding.wallMs"] / out["onboarding.ownStepsPathMs"];
    out["onboarding.graphCalls"] = withBatch.graph;
    out["onboarding.exchangeCalls"] = withBatch.exchange;

    caps = unbatched;
    m365.admin.clearCalls();
    const plain = expectCompleted(await onboard("Paul", "Plain"));
    const withoutBatch = callCounts(m365);
    out["onboarding.graphCallsWithoutBatch"] = withoutBatch.graph;
    out["onboarding.exchangeCallsWithoutBatch"] = withoutBatch.exchange;
    out["onboarding.wallMsWithoutBatch"] = wallMs(plain);
    caps = batched;

    // Strictly one after another: the same plan with one step at a time.
    out["onboarding.sequentialMs"] = wallMs(expectCompleted(await onboard("Sam", "Sequential", true)));

    // Every offboarding option the demo client has on by default, plus forwarding and manager access.
    const handOver = { forwardTo: { address: "manager", keepCopy: true }, grantAccessTo: "manager" };
    m365.admin.clearCalls();
    const tom = await offboard("tom.williams@acmecorp.com", handOver);
    out["offboarding.wallMs"] = lastEnd(expectCompleted(tom.run)) - tom.approvedAt;
    const offWith = callCounts(m365);
    out["offboarding.graphCalls"] = offWith.graph;
    out["offboarding.exchangeCalls"] = offWith.exchange;
    const tina = seedLeaver(m365, "Tina.Leaver");
    caps = unbatched;
    m365.admin.clearCalls();
    expectCompleted((await offboard(tina, handOver)).run);
    const offWithout = callCounts(m365);
    out["offboarding.graphCallsWithoutBatch"] = offWithout.graph;
    out["offboarding.exchangeCallsWithoutBatch"] = offWithout.exchange;
    caps = batched;

    for (let i = 0; i < offboardings; i++) {
      m365.admin.createUser(acme.tenantId, {
        userPrincipalName: `leaver${i}@acmecorp.com`,
        displayName: `Leaver ${i}`,
        usageLocation: "US",
        // Acme's policy leaves offboardings to the manager: a leaver without one could not be approved.
        manager: m365.admin.user(acme.tenantId, "mike.chen@acmecorp.com").id,
      });
    }
    const lockouts: number[] = [];
    const verified: number[] = [];
    for (let i = 0; i < offboardings; i++) {
      const { run: done, approvedAt } = await offboard(`leaver${i}@acmecorp.com`, lockOutOnly);
      const run = expectCompleted(done);
      const locked = run.actions.filter((a) => ["revoke-sessions", "disable-sign-in"].includes(a.key));
      const appliedAt = (a: (typeof locked)[number]) =>
        a.outcome?.kind === "succeeded" && a.outcome.appliedAt ? Date.parse(a.outcome.appliedAt) : NaN;
      lockouts.push(Math.max(...locked.map(appliedAt)) - approvedAt);
      verified.push(Math.max(...locked.map((a) => a.finishedAt!.getTime())) - approvedAt);
    }
    out["lockout.p50Ms"] = percentile(lockouts, 50);
    out["lockout.p95Ms"] = percentile(lockouts, 95);
    out["lockout.verifiedP95Ms"] = percentile(verified, 95);

    // Acme with its PSA: the ticket trail's steps beside the Microsoft ones, and the ticket trail itself
    // (notes when a person is needed) as the product worker runs it, at the worker's poll interval.
    const halo = await startBenchPsa("halopsa", "realistic");
    try {
      await upsertClient(store, acmeConfig(halo.system));
      caps = {
        ...batched,
        psa: halo.port(),
        runRecord: runRecordOf(store, () => "https://lifecycle.bench"),
      };
      const trail = ticketTrail(store, async () => caps, { intervalMs: 1000 });
      // Calls since the last clear, once the trail has told the ticket everything about the run.
      const psaCalls = async (): Promise<PsaCalls> => {
        await trail.stop();
        while ((await trail.tick()) > 0);
        const calls = halo.calls();
        halo.clearCalls();
        trail.start();
        return calls;
      };
      trail.start();
      try {
        halo.clearCalls();
        const withPsa = expectCompleted(await onboard("Wendy", "Withpsa"));
        out["onboarding.withPsa.wallMs"] = wallMs(withPsa);
        out["onboarding.withPsa.ownStepsPathMs"] = ownStepsPathMs(withPsa);
        out["onboarding.withPsa.ratioToOwnStepsPath"] =
          out["onboarding.withPsa.wallMs"] / out["onboarding.withPsa.ownStepsPathMs"];
        const on = await psaCalls();
        out["onboarding.psaCalls.halopsa"] = on.api;
        out["onboarding.psaAuthCalls.halopsa"] = on.auth;
        // The new hire leaves again: her HaloPSA contact, made by the onboarding, is deactivated.
        const wendy = await offboard("wendy.withpsa@acmecorp.com", handOver);
        out["offboarding.withPsa.wallMs"] = lastEnd(expectCompleted(wendy.run)) - wendy.approvedAt;
        const off = await psaCalls();
        out["offboarding.psaCalls.halopsa"] = off.api;
        out["offboarding.psaAuthCalls.halopsa"] = off.auth;
      } finally {
        await trail.stop();
      }
    } finally {
      caps = batched;
      await halo.close();
    }
  } finally {
    await worker.stop();
    await store.close();
    await m365.close();
  }
  return out;
}

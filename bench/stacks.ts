import { randomBytes } from "node:crypto";
import { credentialKindsOf } from "../src/composition/credential-kinds.ts";
import { liveStateOf, parseClient, portsFor } from "../src/composition/index.ts";
import { ticketTrail, type TicketTrail } from "../src/composition/ticket-trail.ts";
import { productionCatalog } from "../src/actions/catalog.ts";
import { sqlStepQueue } from "../src/engine/sql-step-queue.ts";
import type { EngineTuning } from "../src/engine/types.ts";
import { createWorker, type Worker } from "../src/engine/worker.ts";
import type { Capabilities } from "../src/ports/index.ts";
import { getClient, upsertClient } from "../src/store/clients-repo.ts";
import { connectors } from "../src/connectors/registry.ts";
import { keyring, type KeySource } from "../src/credentials/keys.ts";
import { setCredential } from "../src/credentials/repo.ts";
import type { SystemConfig } from "../src/domain/client.ts";
import { terminalRunStatuses } from "../src/domain/run-status.ts";
import { getRun, type RunDetail } from "../src/engine/read.ts";
import { signalRun } from "../src/engine/runs.ts";
import { openStore } from "../src/store/open.ts";
import type { Store } from "../src/store/sql.ts";
import type { CallRecord } from "../emulators/kit/calls.ts";
import type { LatencyTable } from "../emulators/kit/latency.ts";
import type { ProfileName } from "../emulators/kit/profiles.ts";
import { demoClients } from "../emulators/demo/clients.ts";
import { dattoDemo, startDattoRmmEmulator } from "../emulators/datto-rmm/index.ts";
import { huduDemo, startHuduEmulator } from "../emulators/hudu/index.ts";
import { itglueDemo, startItglueEmulator } from "../emulators/itglue/index.ts";
import { acme, startMicrosoft365Emulator } from "../emulators/microsoft365/index.ts";
import { ninjaDemo, startNinjaOneEmulator } from "../emulators/ninjaone/index.ts";
import { mike } from "./microsoft.ts";
import { startBenchPsa, type PsaStack } from "./psa.ts";
import { submitAcmeOffboarding, submitAcmeOnboarding } from "./support/acme-request.ts";

/**
 * The three stacks of issue 12's demo, each beside Acme's Microsoft 365 (the only tenant the emulator
 * seeds): its PSA, RMM and documentation, pointed at the organisation each vendor's demo seed holds
 * (HaloPSA, NinjaOne and IT Glue at Acme; ConnectWise, Datto RMM and Hudu at Globex; Autotask, NinjaOne
 * and Hudu at Initech). The new hire is the README's Sarah Johnson with a device serial that the RMM
 * and Autopilot both know, so that every step of the plan has its work to do.
 */
export const stacks = {
  "halopsa-ninjaone-itglue": { psa: "halopsa", rmm: "ninjaone", docs: "itglue" },
  "connectwise-datto-rmm-hudu": { psa: "connectwise", rmm: "datto-rmm", docs: "hudu" },
  "autotask-ninjaone-hudu": { psa: "autotask", rmm: "ninjaone", docs: "hudu" },
} as const satisfies Record<string, { psa: PsaStack; rmm: string; docs: string }>;
export type StackName = keyof typeof stacks;

/** The new hire's account, as Acme's username format makes it. */
export const newHireUpn = "sarah.johnson@acmecorp.com";

/** One request an emulator answered, named by the vendor API it reached ("auth" for sign-in). */
export interface VendorCall {
  vendor: string;
  record: CallRecord;
}

/** One emulator of a stack: the client system pointing at it, and what it was asked. */
interface BenchSystem {
  systems: Record<string, SystemConfig>;
  credential: { ref: string; kind: string; value: unknown };
  calls(): VendorCall[];
  clearCalls(): void;
  /** The configured latency table, by class. */
  latency(): LatencyTable<string>;
  /** Every class at one fixed latency: what the critical-path probe runs on (see critical-path.ts). */
  fixLatency(ms: number): void;
  close(): Promise<void>;
}

interface KitEmulator {
  url: string;
  admin: {
    calls(): CallRecord[];
    clearCalls(): void;
    settings(): { latency: LatencyTable<string> };
    configure(input: unknown): unknown;
  };
  close(): Promise<void>;
}

/** Sign-in requests (OAuth tokens, ConnectWise's company lookup, Autotask's zone) by the API they reach. */
const authApis = new Set(["token", "login", "zone"]);

function benchSystem(
  emu: KitEmulator,
  systems: Record<string, SystemConfig>,
  credential: BenchSystem["credential"],
  vendorOf: (record: CallRecord) => string,
): BenchSystem {
  return {
    systems,
    credential,
    calls: () =>
      emu.admin.calls().map((record) => ({
        vendor: authApis.has(record.api) ? "auth" : vendorOf(record),
        record,
      })),
    clearCalls: () => emu.admin.clearCalls(),
    latency: () => emu.admin.settings().latency,
    fixLatency(ms) {
      const fixed = Object.fromEntries(
        Object.keys(emu.admin.settings().latency).map((c) => [c, { meanMs: ms, jitter: 0 }]),
      );
      emu.admin.configure({ latency: fixed });
    },
    close: () => emu.close(),
  };
}

const demoAcme = demoClients.find((c) => c.id === "acme")!;

interface Provisioning {
  /** Microsoft 365's configured time from an Exchange licence to a usable mailbox. */
  mailboxProvisioningDelayMs(): number;
  /** When the user's mailbox was created (its licence landed), if it has one. */
  mailboxCreatedAt(upn: string): number | undefined;
}

async function startMicrosoft(profile: ProfileName, serial: string): Promise<BenchSystem & Provisioning> {
  const m365 = await startMicrosoft365Emulator({ profile, seed: "acme" });
  m365.admin.createAutopilotDevice(acme.tenantId, { serialNumber: serial, groupTag: "Staff" });
  const credential = {
    ref: "acme/microsoft-app",
    kind: "microsoft-app",
    value: {
      clientId: acme.clientId,
      clientSecret: acme.clientSecret,
    },
  };
  const systems: Record<string, SystemConfig> = {};
  for (const [name, s] of Object.entries(demoAcme.systems ?? {})) {
    if (s.connector === "msgraph")
      systems[name] = { ...s, endpoints: { authority: m365.url, graph: m365.url } } as SystemConfig;
    if (s.connector === "exchange-online")
      systems[name] = { ...s, endpoints: { authority: m365.url, exchange: m365.url } } as SystemConfig;
  }
  return {
    ...benchSystem(m365, systems, credential, (r) => (r.api === "exchange" ? "exchange" : "graph")),
    mailboxProvisioningDelayMs: () => m365.admin.settings().mailboxProvisioningDelayMs,
    mailboxCreatedAt(upn) {
      const mailbox = m365.admin.mailbox(acme.tenantId, upn);
      return mailbox
        ? Date.parse(mailbox.readyAt) - m365.admin.settings().mailboxProvisioningDelayMs
        : undefined;
    },
  };
}

async function startRmm(
  rmm: (typeof stacks)[StackName]["rmm"],
  org: "acme" | "globex" | "initech",
  profile: ProfileName,
): Promise<{ system: BenchSystem; serial: string }> {
  if (rmm === "datto-rmm") {
    const emu = await startDattoRmmEmulator({ profile, seed: "demo" });
    const system = benchSystem(
      emu,
      {
        rmm: {
          connector: "datto-rmm",
          credential: "msp/datto-rmm",
          baseUrl: emu.url,
          siteUid: dattoDemo.globex.siteUid,
          ownerUdf: dattoDemo.ownerUdf,
        },
      },
      {
        ref: "msp/datto-rmm",
        kind: "datto-rmm-api-key",
        value: { apiKey: dattoDemo.apiKey, apiSecret: dattoDemo.apiSecret },
      },
      () => "datto-rmm",
    );
    return { system, serial: dattoDemo.globex.serials.newDesktop };
  }
  const emu = await startNinjaOneEmulator({ profile, seed: "demo" });
  const organizationId = org === "initech" ? ninjaDemo.initech.organizationId : ninjaDemo.acme.organizationId;
  // Initech's seed has no unassigned device: the bench adds the new hire's laptop.
  const serial = org === "initech" ? "INI-LT-0142" : ninjaDemo.acme.spareSerial;
  if (org === "initech")
    emu.admin.createDevice({ organization: organizationId, displayName: serial, serialNumber: serial });
  const system = benchSystem(
    emu,
    { rmm: { connector: "ninjaone", credential: "msp/ninjaone", baseUrl: emu.url, organizationId } },
    {
      ref: "msp/ninjaone",
      kind: "ninjaone-app",
      value: { clientId: ninjaDemo.clientId, clientSecret: ninjaDemo.clientSecret },
    },
    () => "ninjaone",
  );
  return { system, serial };
}

async function startDocs(
  docs: (typeof stacks)[StackName]["docs"],
  org: "acme" | "globex" | "initech",
  profile: ProfileName,
): Promise<BenchSystem> {
  if (docs === "itglue") {
    const emu = await startItglueEmulator({ profile, seed: "demo" });
    return benchSystem(
      emu,
      {
        docs: {
          connector: "itglue",
          credential: "msp/itglue",
          baseUrl: emu.url,
          organizationId: itglueDemo.acme.organizationId,
          contactTypeId: itglueDemo.contactTypes.employee,
          offboard: { contactTypeId: itglueDemo.contactTypes.formerEmployee },
        },
      },
      { ref: "msp/itglue", kind: "itglue-api-key", value: { apiKey: itglueDemo.apiKey } },
      () => "itglue",
    );
  }
  const emu = await startHuduEmulator({ profile, seed: "demo" });
  const company = org === "initech" ? huduDemo.companies.initech : huduDemo.companies.globex;
  return benchSystem(
    emu,
    {
      docs: {
        connector: "hudu",
        credential: "msp/hudu",
        baseUrl: emu.url,
        companyId: company.id,
        peopleLayoutId: huduDemo.peopleLayout.id,
      },
    },
    { ref: "msp/hudu", kind: "hudu-api-key", value: { apiKey: huduDemo.apiKey } },
    () => "hudu",
  );
}

/** A stack's emulators, started on one profile, and Acme's config pointing at them. */
export interface StackEmulators extends Provisioning {
  name: StackName;
  serial: string;
  systems: Record<string, SystemConfig>;
  parts: BenchSystem[];
  /** Every request since the last clear, across the stack's emulators, by vendor API. */
  calls(): VendorCall[];
  clearCalls(): void;
  close(): Promise<void>;
}

export async function startStack(name: StackName, profile: ProfileName): Promise<StackEmulators> {
  const { psa, rmm, docs } = stacks[name];
  const org = psa === "halopsa" ? "acme" : psa === "connectwise" ? "globex" : "initech";
  const [benchPsa, rmmPart, docsPart] = await Promise.all([
    startBenchPsa(psa, profile),
    startRmm(rmm, org, profile),
    startDocs(docs, org, profile),
  ]);
  const microsoft = await startMicrosoft(profile, rmmPart.serial);
  const psaPart: BenchSystem = {
    systems: { psa: benchPsa.system },
    credential: benchPsa.credential,
    calls: () =>
      benchPsa.records().map((record) => ({ vendor: authApis.has(record.api) ? "auth" : psa, record })),
    clearCalls: () => benchPsa.clearCalls(),
    latency: () => benchPsa.latency(),
    fixLatency: (ms) => benchPsa.fixLatency(ms),
    close: () => benchPsa.close(),
  };
  const parts = [microsoft, psaPart, rmmPart.system, docsPart];
  return {
    name,
    serial: rmmPart.serial,
    systems: Object.assign({}, ...parts.map((p) => p.systems)) as Record<string, SystemConfig>,
    parts,
    calls: () => parts.flatMap((p) => p.calls()),
    clearCalls: () => parts.forEach((p) => p.clearCalls()),
    mailboxProvisioningDelayMs: () => microsoft.mailboxProvisioningDelayMs(),
    mailboxCreatedAt: (upn) => microsoft.mailboxCreatedAt(upn),
    close: async () => void (await Promise.all(parts.map((p) => p.close()))),
  };
}

/**
 * Lifecycle wired as the product wires it (credential store, connector registry, the product worker's
 * engine and ticket trail) for Acme on one stack. The trail's passes are driven by the bench (`settle`),
 * so that every note is counted, and so that none lands inside a step's window when the steps are probed.
 */
export interface StackBench {
  store: Store;
  trail: TicketTrail;
  onboard(opts?: { sequential?: boolean }): Promise<RunDetail>;
  offboard(upn: string, actions?: Record<string, unknown>): Promise<RunDetail>;
  /** Runs the trail until it has nothing left to tell the ticket. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function stackBench(
  stack: StackEmulators,
  tuning: Partial<EngineTuning> = { idleMs: 20, pollMs: 50, backoffBaseMs: 50, backoffCapMs: 500 },
): Promise<StackBench> {
  const ring = keyring(randomBytes(32));
  const keys: KeySource = () => ring;
  const store = await openStore({});
  const resolve = portsFor({ sql: store, keys, publicUrl: () => "https://lifecycle.bench" });
  const worker: Worker = createWorker<Capabilities>({
    queue: sqlStepQueue(store),
    catalog: productionCatalog(),
    unknownActions: "fail",
    capabilities: async (step) => resolve(await getClient(store, step.clientId), step.bind ?? undefined),
    tuning,
  });
  const trail = ticketTrail(store, resolve);
  const kinds = credentialKindsOf(connectors);
  for (const part of stack.parts) {
    const r = await setCredential(store, keys, kinds, { ...part.credential, actor: "bench" });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
  }
  const parsed = parseClient({ ...demoAcme, systems: stack.systems });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  await upsertClient(store, parsed.value);
  await worker.start();
  const live = { live: async (c: Parameters<typeof resolve>[0]) => liveStateOf(await resolve(c)) };
  const ended = async (runId: string) => {
    for (;;) {
      const run = await getRun(store, runId);
      if (terminalRunStatuses.has(run.status)) return expectCompleted(run);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const settle = async () => {
    while ((await trail.tick()) > 0);
  };
  return {
    store,
    trail,
    settle,
    async onboard({ sequential = false } = {}) {
      const body = {
        firstName: "Sarah",
        lastName: "Johnson",
        department: "Marketing",
        jobTitle: "Marketing Coordinator",
        manager: "mike.chen@acmecorp.com",
        deviceSerial: stack.serial,
      };
      return ended(await submitAcmeOnboarding(store, body, live, sequential));
    },
    async offboard(upn, actions) {
      const runId = await submitAcmeOffboarding(store, upn, live, actions);
      let run = await getRun(store, runId);
      while (run.status !== "awaiting-approval") {
        if (terminalRunStatuses.has(run.status)) expectCompleted(run);
        await trail.tick();
        await new Promise((resolve) => setTimeout(resolve, 20));
        run = await getRun(store, runId);
      }
      // Acme's offboardings are its manager's to approve.
      await signalRun(store, runId, {
        kind: "approve",
        by: { kind: "staff", principal: mike },
        planHash: run.planHash,
      });
      return ended(runId);
    },
    async close() {
      await worker.stop();
      await trail.stop();
      await store.close();
    },
  };
}

export function expectCompleted(run: RunDetail): RunDetail {
  if (run.status !== "completed")
    throw new Error(
      `bench run ${run.subject} ended ${run.status}: ${JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome]))}`,
    );
  return run;
}

const countByVendor = (calls: VendorCall[]) => {
  const out: Record<string, number> = {};
  for (const c of calls) out[c.vendor] = (out[c.vendor] ?? 0) + 1;
  return out;
};

/**
 * Vendor calls per onboarding and per offboarding on each stack, on the fast profiles: the new hire's
 * onboarding, then her offboarding with Acme's defaults plus forwarding and manager access, each counted
 * once the ticket trail has told the ticket everything. A request is one HTTP request the vendor's
 * emulator answered ($batch items inside a Graph batch are not requests); sign-in requests are counted
 * apart, as `stackAuthCalls`.
 */
export async function stackCalls(
  names: readonly StackName[] = Object.keys(stacks) as StackName[],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of names) {
    const stack = await startStack(name, "fast");
    const bench = await stackBench(stack);
    try {
      const vendors = ["graph", "exchange", stacks[name].psa, stacks[name].rmm, stacks[name].docs];
      const record = (phase: "onboarding" | "offboarding") => {
        const calls = stack.calls().filter((c) => !c.record.insideBatch);
        const counts = countByVendor(calls);
        for (const v of vendors) out[`${phase}.stackCalls.${name}.${v}`] = counts[v] ?? 0;
        out[`${phase}.stackAuthCalls.${name}`] = counts.auth ?? 0;
        stack.clearCalls();
      };
      stack.clearCalls();
      await bench.onboard();
      await bench.settle();
      record("onboarding");
      await bench.offboard(newHireUpn, {
        forwardTo: { address: "manager", keepCopy: true },
        grantAccessTo: "manager",
      });
      await bench.settle();
      record("offboarding");
    } finally {
      await bench.close();
      await stack.close();
    }
  }
  return out;
}

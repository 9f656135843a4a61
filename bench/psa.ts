import { randomBytes } from "node:crypto";
import { credentialKindsOf } from "../src/composition/credential-kinds.ts";
import { liveStateOf, parseClient, portsFor, submitRequest } from "../src/composition/index.ts";
import { ticketTrail, type TicketTrail } from "../src/composition/ticket-trail.ts";
import { productionCatalog } from "../src/actions/catalog.ts";
import { sqlStepQueue } from "../src/engine/sql-step-queue.ts";
import { createWorker } from "../src/engine/worker.ts";
import type { Capabilities } from "../src/ports/index.ts";
import { getClient } from "../src/store/clients-repo.ts";
import type { ConnectorRuntime } from "../src/connectors/module.ts";
import { connectors } from "../src/connectors/registry.ts";
import { keyring, type KeySource } from "../src/credentials/keys.ts";
import { setCredential } from "../src/credentials/repo.ts";
import type { ClientConfigInput, SystemConfig } from "../src/domain/client.ts";
import type { VerifiedApprover } from "../src/domain/approval.ts";
import { offboardingActionKeys } from "../src/domain/offboarding-actions.ts";
import { terminalRunStatuses } from "../src/domain/run-status.ts";
import { getRun, type RunDetail } from "../src/engine/read.ts";
import { signalRun } from "../src/engine/runs.ts";
import type { Psa } from "../src/ports/index.ts";
import { upsertClient } from "../src/store/clients-repo.ts";
import { openStore } from "../src/store/open.ts";
import type { Store } from "../src/store/sql.ts";
import { initech, startAutotaskEmulator } from "../emulators/autotask/index.ts";
import { globex, startConnectWiseEmulator } from "../emulators/connectwise/index.ts";
import { demoClients } from "../emulators/demo/clients.ts";
import { haloDemo, startHaloPsaEmulator } from "../emulators/halopsa/index.ts";
import { memoryDirectoryConnector } from "../test/support/connectors/memory-directory/module.ts";

export const psaStacks = ["halopsa", "connectwise", "autotask"] as const;
export type PsaStack = (typeof psaStacks)[number];

/** Requests a PSA emulator answered: its REST API, and its sign-in (a token or an address lookup). */
export interface PsaCalls {
  /** HaloPSA /api/…, ConnectWise /{codebase}apis/3.0/…, Autotask /ATServicesRest/V1.0/… */
  api: number;
  /** HaloPSA POST /auth/token, ConnectWise /login/companyinfo, Autotask zoneInformation. */
  auth: number;
}

/**
 * One PSA emulator started for the bench, and the client system that points at it: the demo client's own
 * section (Acme's HaloPSA, Globex's ConnectWise, Initech's Autotask) with the emulator's address, and the
 * credential it needs, as emulators/demo/psa.ts stores them.
 */
export interface BenchPsa {
  stack: PsaStack;
  url: string;
  system: SystemConfig;
  credential: { ref: string; kind: string; value: unknown };
  /** The PSA port as the connector builds it, for a bench that wires its own capabilities. */
  port(runtime?: ConnectorRuntime): Psa;
  /** Calls since the last clear; /_admin is never in the log. */
  calls(): PsaCalls;
  clearCalls(): void;
  close(): Promise<void>;
}

const demoSystem = (client: string, name: string): SystemConfig => {
  const system = demoClients.find((c) => c.id === client)?.systems?.[name];
  if (!system) throw new Error(`the demo's ${client} has no system ${name}`);
  return system as SystemConfig;
};

const count = (calls: { api: string }[], auth: string): PsaCalls => ({
  api: calls.filter((c) => c.api !== auth).length,
  auth: calls.filter((c) => c.api === auth).length,
});

function sharedRuntime(): ConnectorRuntime {
  const shared = new Map<string, unknown>();
  return {
    shared<T>(key: string, make: () => T): T {
      if (!shared.has(key)) shared.set(key, make());
      return shared.get(key) as T;
    },
  };
}

export async function startBenchPsa(stack: PsaStack, profile: "fast" | "realistic"): Promise<BenchPsa> {
  const base = await (async () => {
    switch (stack) {
      case "halopsa": {
        const emu = await startHaloPsaEmulator({ profile, seed: "demo" });
        return {
          url: emu.url,
          admin: emu.admin,
          system: { ...demoSystem("acme", "halo"), url: emu.url },
          credential: {
            kind: "halopsa-app",
            value: { clientId: haloDemo.clientId, clientSecret: haloDemo.clientSecret },
          },
          calls: () => count(emu.admin.calls(), "token"),
          close: emu.close,
        };
      }
      case "connectwise": {
        const emu = await startConnectWiseEmulator({ profile, seed: "globex" });
        return {
          url: emu.url,
          admin: emu.admin,
          system: { ...demoSystem("globex", "connectwise"), site: emu.url },
          credential: {
            kind: "connectwise-api-key",
            value: {
              companyId: globex.loginCompany,
              publicKey: globex.publicKey,
              privateKey: globex.privateKey,
              clientId: globex.clientId,
            },
          },
          calls: () => count(emu.admin.calls(), "login"),
          close: emu.close,
        };
      }
      case "autotask": {
        const emu = await startAutotaskEmulator({ profile, seed: "initech" });
        return {
          url: emu.url,
          admin: emu.admin,
          system: { ...demoSystem("initech", "autotask"), zoneDiscoveryUrl: emu.zoneDiscoveryUrl },
          credential: { kind: "autotask-api-user", value: { ...initech.apiUser } },
          calls: () => count(emu.admin.calls(), "zone"),
          close: emu.close,
        };
      }
    }
  })();
  const system = base.system;
  const connector = connectors.find((c) => c.id === system.connector)!;
  return {
    stack,
    url: base.url,
    system,
    credential: { ref: system.credential!, ...base.credential },
    port(runtime = sharedRuntime()) {
      const { connector: _c, credential: _cr, limits: _l, ...section } = system;
      const opened = connector.open(section, base.credential.value, runtime);
      if (!opened.ok || !opened.value.psa) throw new Error(`${stack}: ${JSON.stringify(opened)}`);
      return opened.value.psa;
    },
    calls: base.calls,
    clearCalls: () => base.admin.clearCalls(),
    close: base.close,
  };
}

/**
 * The run once it has ended and the ticket trail has told its ticket everything: the bench drives the
 * trail's passes itself, so that no note is still on its way when the calls are counted.
 */
/** An MSP technician signed in with the approver role: the bench client's offboardings are staff's to approve. */
const technician: VerifiedApprover = {
  kind: "staff",
  principal: {
    accountId: "bench-tech",
    email: "tech@msp.bench",
    role: "approver",
    clients: "all",
    via: "session",
  },
};

async function settled(store: Store, trail: TicketTrail, runId: string): Promise<RunDetail> {
  for (;;) {
    await trail.tick();
    const run = await getRun(store, runId);
    if (terminalRunStatuses.has(run.status)) {
      while ((await trail.tick()) > 0);
      return run;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * PSA calls per onboarding and per offboarding on each stack, on the fast profiles: a client whose
 * directory is the test-only in-memory one and whose PSA is the stack's emulator, wired as the product
 * wires it (credential store, connector registry, the product worker's engine and ticket trail, the
 * trail's passes driven by the bench so that every note is counted). The new hire
 * is onboarded, then offboarded with a technician's approval (the trail notes the approval asked and
 * given, as Acme's manager approval does), deactivating the PSA contact the onboarding created.
 */
export async function psaStackCalls(
  stacks: readonly PsaStack[] = psaStacks,
): Promise<Record<string, number>> {
  const registry = [...connectors, memoryDirectoryConnector];
  const ring = keyring(randomBytes(32));
  const keys: KeySource = () => ring;
  const store = await openStore({});
  const psas = await Promise.all(stacks.map((s) => startBenchPsa(s, "fast")));
  const resolve = portsFor({ sql: store, keys, publicUrl: () => "https://lifecycle.bench", registry });
  // The product worker's two halves (composition/worker.ts), the trail's passes driven from here.
  const worker = createWorker<Capabilities>({
    queue: sqlStepQueue(store),
    catalog: productionCatalog(),
    unknownActions: "fail",
    capabilities: async (step) => resolve(await getClient(store, step.clientId), step.bind ?? undefined),
    tuning: { idleMs: 20, pollMs: 50, backoffBaseMs: 50, backoffCapMs: 500 },
  });
  const trail = ticketTrail(store, resolve);
  const out: Record<string, number> = {};
  try {
    const kinds = credentialKindsOf(registry);
    const stored = async (ref: string, kind: string, value: unknown) => {
      const r = await setCredential(store, keys, kinds, { ref, kind, value, actor: "bench" });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
    };
    await stored("bench/memory", "memory-token", { token: "bench-not-a-token" });
    for (const psa of psas) {
      await stored(psa.credential.ref, psa.credential.kind, psa.credential.value);
      const input: ClientConfigInput = {
        id: `bench-${psa.stack}`,
        displayName: `Bench on ${psa.stack}`,
        domains: [`${psa.stack}.bench.example`],
        timeZone: "Europe/Berlin",
        usageLocation: "DE",
        groupsByDepartment: { Engineering: ["Engineering", "All-Staff"] },
        approval: { onboarding: "none", offboarding: "technician", expiresAfterHours: 48 },
        hrContacts: [`hr@${psa.stack}.bench.example`],
        mail: { sendMailFrom: `it@${psa.stack}.bench.example` },
        systems: {
          directory: {
            connector: "memory-directory",
            tenant: `bench-${psa.stack}`,
            credential: "bench/memory",
            groups: ["Engineering", "All-Staff"],
          },
          psa: psa.system,
        },
      };
      const parsed = parseClient(input, registry);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      await upsertClient(store, parsed.value);
    }
    await worker.start();
    const live = { live: async (c: Parameters<typeof resolve>[0]) => liveStateOf(await resolve(c)) };
    const expectCompleted = (run: RunDetail) => {
      if (run.status !== "completed")
        throw new Error(
          `bench run ${run.subject} ended ${run.status}: ${JSON.stringify(run.actions.map((a) => [a.key, a.state, a.outcome]))}`,
        );
      return run;
    };
    for (const psa of psas) {
      const client = `bench-${psa.stack}`;
      const domain = `${psa.stack}.bench.example`;
      psa.clearCalls();
      const on = await submitRequest(
        store,
        "onboard",
        {
          client,
          firstName: "Nora",
          lastName: "Newhire",
          department: "Engineering",
          jobTitle: "Engineer",
          start: "now",
          requester: `hr@${domain}`,
        },
        { actor: "bench", registry, ...live },
      );
      if (!on.ok) throw new Error(JSON.stringify(on.errors));
      expectCompleted(await settled(store, trail, on.value.runId!));
      const onCalls = psa.calls();
      out[`onboarding.psaCalls.${psa.stack}`] = onCalls.api;
      out[`onboarding.psaAuthCalls.${psa.stack}`] = onCalls.auth;

      // What the in-memory directory can do; the mailbox, licence and device options need other systems.
      const actions = Object.fromEntries(
        offboardingActionKeys.map((k) => [
          k,
          k === "wipeDevices"
            ? "none"
            : ["disableAccount", "removeGroups", "deactivatePsaContact"].includes(k),
        ]),
      );
      psa.clearCalls();
      const off = await submitRequest(
        store,
        "offboard",
        { client, user: `nora.newhire@${domain}`, lastDay: "now", requester: `hr@${domain}`, actions },
        { actor: "bench", registry, ...live },
      );
      if (!off.ok) throw new Error(JSON.stringify(off.errors));
      const runId = off.value.runId!;
      let run = await getRun(store, runId);
      while (run.status !== "awaiting-approval") {
        if (terminalRunStatuses.has(run.status)) expectCompleted(run);
        await trail.tick();
        await new Promise((r) => setTimeout(r, 20));
        run = await getRun(store, runId);
      }
      await signalRun(store, runId, { kind: "approve", by: technician, planHash: run.planHash });
      expectCompleted(await settled(store, trail, runId));
      const offCalls = psa.calls();
      out[`offboarding.psaCalls.${psa.stack}`] = offCalls.api;
      out[`offboarding.psaAuthCalls.${psa.stack}`] = offCalls.auth;
    }
  } finally {
    await worker.stop();
    await store.close();
    await Promise.all(psas.map((p) => p.close()));
  }
  return out;
}

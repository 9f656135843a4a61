import type { ConnectorRuntime } from "../src/connectors/module.ts";
import { connectors } from "../src/connectors/registry.ts";
import type { SystemConfig } from "../src/domain/client.ts";
import type { Psa } from "../src/ports/index.ts";
import { initech, startAutotaskEmulator } from "../emulators/autotask/index.ts";
import { globexApiKey, startConnectWiseEmulator } from "../emulators/connectwise/index.ts";
import { demoClients } from "../emulators/demo/clients.ts";
import { haloDemo, startHaloPsaEmulator } from "../emulators/halopsa/index.ts";
import type { CallRecord } from "../emulators/kit/calls.ts";
import type { LatencyTable } from "../emulators/kit/latency.ts";

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
  /** The same calls, each as the emulator logged it. */
  records(): CallRecord[];
  /** The emulator's configured latencies, by class. */
  latency(): LatencyTable<string>;
  /** Every class at one fixed latency. */
  fixLatency(ms: number): void;
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
            value: globexApiKey,
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
    records: () => base.admin.calls(),
    latency: () => base.admin.settings().latency,
    fixLatency(ms) {
      const classes = Object.keys(base.admin.settings().latency);
      base.admin.configure({
        latency: Object.fromEntries(classes.map((c) => [c, { meanMs: ms, jitter: 0 }])),
      });
    },
    clearCalls: () => base.admin.clearCalls(),
    close: base.close,
  };
}

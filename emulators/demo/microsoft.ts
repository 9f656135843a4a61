import { join } from "node:path";
import {
  acme,
  globexTenant,
  initechTenant,
  startMicrosoft365Emulator,
  type Microsoft365Emulator,
} from "../microsoft365/index.ts";
import type { ProfileName } from "../kit/profiles.ts";
import type { DemoConnection } from "./connect.ts";

/** Where the demo's Microsoft 365 keeps its tenants, under the data folder beside the embedded store. */
export function demoMicrosoft365StateFile(dataDir: string): string {
  return join(dataDir, "emulators", "microsoft365.json");
}

/**
 * The demo's Microsoft 365: the emulator in-process with the tenants of Acme, Globex and Initech. Its
 * state lives under the data folder, so a demo killed mid-run comes back to the users and groups it had
 * made (seeded only the first time), and the resumed run finds them.
 */
export function demoMicrosoft365(profile: ProfileName, dataDir: string): Promise<Microsoft365Emulator> {
  return startMicrosoft365Emulator({ profile, seed: "demo", stateFile: demoMicrosoft365StateFile(dataDir) });
}

/** Each demo tenant's app registration, by tenant id: a client's systems name their tenant. */
const apps: Record<string, { clientId: string; clientSecret: string }> = Object.fromEntries(
  [acme, globexTenant, initechTenant].map((t) => [
    t.tenantId,
    { clientId: t.clientId, clientSecret: t.clientSecret },
  ]),
);

/**
 * Both Microsoft connectors at the emulator (see connectDemoSystems): the endpoints into each client's
 * config, and its tenant's app credential under the ref the config names.
 */
export function microsoft365Connections(emulator: Microsoft365Emulator): Record<string, DemoConnection> {
  const secretFor = (system: Readonly<Record<string, unknown>>) => {
    const app = apps[String(system.tenantId)];
    if (!app) throw new Error(`the demo's Microsoft 365 has no tenant ${String(system.tenantId)}`);
    return app;
  };
  return {
    msgraph: {
      address: { endpoints: { authority: emulator.url, graph: emulator.url } },
      kind: "microsoft-app",
      secretFor,
    },
    "exchange-online": {
      address: { endpoints: { authority: emulator.url, exchange: emulator.url } },
      kind: "microsoft-app",
      secretFor,
    },
  };
}

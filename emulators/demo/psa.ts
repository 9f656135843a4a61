import { join } from "node:path";
import type { ProfileName } from "../kit/profiles.ts";
import { initech, startAutotaskEmulator, type AutotaskEmulator } from "../autotask/index.ts";
import { globexApiKey, startConnectWiseEmulator, type ConnectWiseEmulator } from "../connectwise/index.ts";
import { haloDemo, startHaloPsaEmulator, type HaloPsaEmulator } from "../halopsa/index.ts";
import type { DemoConnection } from "./connect.ts";

/** The demo MSP's three PSAs, one per demo client, each emulated in-process with its state under ./data. */
export interface DemoPsas {
  halo: HaloPsaEmulator;
  connectwise: ConnectWiseEmulator;
  autotask: AutotaskEmulator;
  close(): Promise<void>;
}

export async function demoPsas(profile: ProfileName, dataDir: string): Promise<DemoPsas> {
  const state = (name: string) => join(dataDir, "emulators", `${name}.json`);
  const [halo, connectwise, autotask] = await Promise.all([
    startHaloPsaEmulator({ profile, seed: "demo", stateFile: state("halopsa") }),
    startConnectWiseEmulator({ profile, seed: "globex", stateFile: state("connectwise") }),
    startAutotaskEmulator({ profile, seed: "initech", stateFile: state("autotask") }),
  ]);
  return {
    halo,
    connectwise,
    autotask,
    close: async () => void (await Promise.all([halo.close(), connectwise.close(), autotask.close()])),
  };
}

/** Each PSA connector's emulator address and API credential (see connectDemoSystems). */
export function psaConnections(psas: DemoPsas): Record<string, DemoConnection> {
  return {
    halopsa: {
      address: { url: psas.halo.url },
      kind: "halopsa-app",
      secret: { clientId: haloDemo.clientId, clientSecret: haloDemo.clientSecret },
    },
    connectwise: {
      address: { site: psas.connectwise.url },
      kind: "connectwise-api-key",
      secret: globexApiKey,
    },
    autotask: {
      address: { zoneDiscoveryUrl: psas.autotask.zoneDiscoveryUrl },
      kind: "autotask-api-user",
      secret: { ...initech.apiUser },
    },
  };
}

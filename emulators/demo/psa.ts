import { join } from "node:path";
import { credentialKinds, parseClient } from "../../src/composition/index.ts";
import type { KeySource } from "../../src/credentials/keys.ts";
import { setCredential } from "../../src/credentials/repo.ts";
import { getClient, upsertClient } from "../../src/store/clients-repo.ts";
import type { Store } from "../../src/store/sql.ts";
import type { ProfileName } from "../kit/profiles.ts";
import { initech, startAutotaskEmulator, type AutotaskEmulator } from "../autotask/index.ts";
import { globex, startConnectWiseEmulator, type ConnectWiseEmulator } from "../connectwise/index.ts";
import { haloDemo, startHaloPsaEmulator, type HaloPsaEmulator } from "../halopsa/index.ts";

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

/**
 * Points each demo client's PSA system at its emulator, as an MSP points a client at its PSA: the
 * emulator's API credential into the credential store under the ref the config names, the address into
 * the config. Run on every start, since the emulators may listen on new ports each time.
 */
export async function connectPsas(store: Store, keys: KeySource, psas: DemoPsas): Promise<void> {
  const byConnector: Record<string, { address: Record<string, string>; kind: string; secret: unknown }> = {
    halopsa: {
      address: { url: psas.halo.url },
      kind: "halopsa-app",
      secret: { clientId: haloDemo.clientId, clientSecret: haloDemo.clientSecret },
    },
    connectwise: {
      address: { site: psas.connectwise.url },
      kind: "connectwise-api-key",
      secret: {
        companyId: globex.loginCompany,
        publicKey: globex.publicKey,
        privateKey: globex.privateKey,
        clientId: globex.clientId,
      },
    },
    autotask: {
      address: { zoneDiscoveryUrl: psas.autotask.zoneDiscoveryUrl },
      kind: "autotask-api-user",
      secret: { ...initech.apiUser },
    },
  };
  for (const id of ["acme", "globex", "initech"]) {
    const client = await getClient(store, id);
    if (!client) continue;
    const systems = { ...client.systems };
    for (const [name, system] of Object.entries(systems)) {
      const psa = byConnector[system.connector];
      if (!psa) continue;
      if (!system.credential) throw new Error(`the demo's ${id} system ${name} names no credential`);
      const stored = await setCredential(store, keys, credentialKinds, {
        ref: system.credential,
        kind: psa.kind,
        value: psa.secret,
        actor: "demo",
      });
      if (!stored.ok)
        throw new Error(`the demo's ${id} PSA credential is invalid: ${JSON.stringify(stored.errors)}`);
      systems[name] = { ...system, ...psa.address };
    }
    const parsed = parseClient({ ...client, systems });
    if (!parsed.ok) throw new Error(`the demo's ${id} config is invalid: ${JSON.stringify(parsed.errors)}`);
    await upsertClient(store, parsed.value);
  }
}

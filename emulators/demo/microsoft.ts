import { join } from "node:path";
import type { KeySource } from "../../src/credentials/keys.ts";
import { setCredential } from "../../src/credentials/repo.ts";
import { credentialKinds, parseClient } from "../../src/composition/index.ts";
import { getClient, upsertClient } from "../../src/store/clients-repo.ts";
import type { Store } from "../../src/store/sql.ts";
import { acme, startMicrosoft365Emulator, type Microsoft365Emulator } from "../microsoft365/index.ts";
import type { ProfileName } from "../kit/profiles.ts";

/** Where the demo's Microsoft 365 keeps its tenant, under the data folder beside the embedded store. */
export function demoMicrosoft365StateFile(dataDir: string): string {
  return join(dataDir, "emulators", "microsoft365.json");
}

/**
 * The demo's Microsoft 365: the emulator in-process with the Acme tenant. Its state lives under the
 * data folder, so a demo killed mid-run comes back to the users and groups it had made (seeded only
 * the first time), and the resumed run finds them.
 */
export function demoMicrosoft365(profile: ProfileName, dataDir: string): Promise<Microsoft365Emulator> {
  return startMicrosoft365Emulator({ profile, seed: "acme", stateFile: demoMicrosoft365StateFile(dataDir) });
}

/**
 * Points Acme at the emulator the way an MSP would point a client at its tenant: the emulator's app
 * credential into the credential store under the ref Acme's config names, and the endpoints into the
 * config. Run on every start, since the emulator may listen on a new port each time.
 */
export async function connectAcme(
  store: Store,
  keys: KeySource,
  emulator: Microsoft365Emulator,
): Promise<void> {
  const client = await getClient(store, "acme");
  if (!client) return;
  const endpointsOf: Record<string, Record<string, string>> = {
    msgraph: { authority: emulator.url, graph: emulator.url },
    "exchange-online": { authority: emulator.url, exchange: emulator.url },
  };
  const systems = { ...client.systems };
  for (const [name, system] of Object.entries(systems)) {
    const endpoints = endpointsOf[system.connector];
    if (!endpoints) continue;
    if (!system.credential) throw new Error(`the demo's Acme system ${name} names no credential`);
    const stored = await setCredential(store, keys, credentialKinds, {
      ref: system.credential,
      kind: "microsoft-app",
      value: { clientId: acme.clientId, clientSecret: acme.clientSecret },
      actor: "demo",
    });
    if (!stored.ok)
      throw new Error(`the demo's Acme credential is invalid: ${JSON.stringify(stored.errors)}`);
    systems[name] = { ...system, endpoints };
  }
  const parsed = parseClient({ ...client, systems });
  if (!parsed.ok) throw new Error(`the demo's Acme config is invalid: ${JSON.stringify(parsed.errors)}`);
  await upsertClient(store, parsed.value);
}

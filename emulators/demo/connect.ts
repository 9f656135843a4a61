import { credentialKinds, parseClient } from "../../src/composition/index.ts";
import type { KeySource } from "../../src/credentials/keys.ts";
import { setCredential } from "../../src/credentials/repo.ts";
import { getClient, upsertClient } from "../../src/store/clients-repo.ts";
import type { Store } from "../../src/store/sql.ts";
import { demoClients } from "./clients.ts";

/**
 * How the demo points a client's system of one connector at its emulator: the address fields to set
 * (undefined removes one, e.g. Datto's platform once a baseUrl names the host), and the emulator's API
 * credential, stored under the ref the system's config names: one for the connector, or one per system
 * where each client has its own (a Microsoft tenant's app).
 */
export interface DemoConnection {
  address: Record<string, unknown>;
  kind: string;
  secret?: unknown;
  secretFor?: (system: Readonly<Record<string, unknown>>) => unknown;
}

/**
 * Points every demo client's systems of these connectors at their emulators, as an MSP points a client
 * at its PSA or RMM: the credential into the credential store, the address into the config. Run on every
 * start, since the emulators may listen on new ports each time. Systems of other connectors are left as
 * they are.
 */
export async function connectDemoSystems(
  store: Store,
  keys: KeySource,
  byConnector: Record<string, DemoConnection>,
): Promise<void> {
  for (const { id } of demoClients) {
    const client = await getClient(store, id);
    if (!client) continue;
    const systems = { ...client.systems };
    for (const [name, system] of Object.entries(systems)) {
      const to = byConnector[system.connector];
      if (!to) continue;
      if (!system.credential) throw new Error(`the demo's ${id} system ${name} names no credential`);
      const stored = await setCredential(store, keys, credentialKinds, {
        ref: system.credential,
        kind: to.kind,
        value: to.secretFor ? to.secretFor(system) : to.secret,
        actor: "demo",
      });
      if (!stored.ok)
        throw new Error(`the demo's ${id} ${name} credential is invalid: ${JSON.stringify(stored.errors)}`);
      const moved: Record<string, unknown> = { ...system, ...to.address };
      for (const [key, value] of Object.entries(to.address)) if (value === undefined) delete moved[key];
      systems[name] = moved as typeof system;
    }
    const parsed = parseClient({ ...client, systems });
    if (!parsed.ok) throw new Error(`the demo's ${id} config is invalid: ${JSON.stringify(parsed.errors)}`);
    await upsertClient(store, parsed.value);
  }
}

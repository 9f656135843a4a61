import { startEmulator, type EmulatorOptions, type StartedEmulator } from "../kit/emulator.ts";
import { AdminError, AutotaskAdmin } from "./admin.ts";
import { buildApp, restPrefix } from "./app.ts";
import { createContext, type AutotaskCall } from "./context.ts";
import { persistenceOf } from "./persistence.ts";
import { initech, seedInitech } from "./seed-initech.ts";

/**
 * A stateful Autotask PSA REST emulator: zone discovery, the three authentication headers, contacts,
 * tickets, ticket notes and the threshold endpoint the connector uses, strict queries with nextPageUrl
 * paging, `{"itemId": n}` writes, refusals as HTTP 500 `{"errors": [...]}`, the thread limit and the
 * hourly threshold, faults and latency through emulators/kit. See README.md.
 */

/** "initech" seeds the demo company. */
export type AutotaskEmulatorOptions = EmulatorOptions<AutotaskAdmin, "initech">;

export interface AutotaskEmulator extends StartedEmulator<AutotaskAdmin> {
  /** The REST root is `${url}/ATServicesRest/`; zone discovery is here. */
  zoneDiscoveryUrl: string;
}

export async function startAutotaskEmulator(opts: AutotaskEmulatorOptions = {}): Promise<AutotaskEmulator> {
  const ctx = createContext(opts.profile ?? "fast");
  const admin = new AutotaskAdmin(ctx);
  const started = await startEmulator(opts, {
    admin,
    seeds: { initech: seedInitech },
    persistence: persistenceOf(ctx),
    serve: (onMutation) => buildApp(ctx, admin, { tls: opts.tls, onMutation }),
  });
  return { ...started, zoneDiscoveryUrl: `${started.url}${restPrefix.toLowerCase()}/v1.0/zoneInformation` };
}

export { AdminError, AutotaskAdmin, initech, seedInitech };
export type { AutotaskCall };
export type { Settings as AutotaskSettings, ProfileName as AutotaskProfileName } from "./settings.ts";
